"""``medoffice billing encounters …``: encounters, their diagnoses and charge lines."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, table
from medoffice.core.cli.params import RECORD_ID

from ._lazy import on_first_use
from ._root import billing

encounters = on_first_use("encounters")


def show_encounter(v) -> None:
    e = v.encounter
    click.echo(f"encounter {e.id}: {v.patient} ({v.mrn}) with {v.provider} on {e.date_of_service} ({e.status}"
               + (f", visit {e.appointment_id}" if e.appointment_id else "") + ")")
    click.echo("diagnoses: " + (", ".join(f"{n}. {code}" for n, code in enumerate(v.diagnoses, 1)) or "none"))
    table([(line.id, line.line_number, line.code, " ".join(line.modifiers), line.units, f"{line.fee:.2f}",
            f"{line.amount:.2f}", ",".join(map(str, line.pointers)), line.source) for line in e.lines],
          ("id", "line", "code", "modifiers", "units", "fee", "amount", "pointers", "source"))
    click.echo(f"total {v.total:.2f}")


@billing.group("encounters")
def encounters_group() -> None:
    """Encounters (one per completed visit, or opened by hand), diagnoses and charge lines."""


@encounters_group.command("open")
@click.argument("mrn")
@click.option("--provider", "provider_id", type=RECORD_ID, required=True, help="The rendering provider's staff id.")
@click.option("--date", "date_of_service", help="Date of service, YYYY-MM-DD (default today).")
@click.option("--location", help="Where the service was given (a location's name).")
@click.option("--note")
@json_option
def open_(mrn, provider_id, date_of_service, location, note, as_json) -> None:
    """Open an encounter by hand for the patient with MRN."""
    with operation() as ctx:
        found = encounters.open_encounter(ctx, mrn, provider_id, date_of_service=date_of_service,
                                          location=location, note=note)
    emit(found, as_json=as_json, human=show_encounter)


@encounters_group.command("list")
@click.option("--patient", "mrn", help="Only the patient with this MRN.")
@click.option("--status", type=click.Choice(["open", "closed"]))
@click.option("--day", help="Only this date of service, YYYY-MM-DD.")
@json_option
def list_(mrn, status, day, as_json) -> None:
    """Encounters, newest first."""
    with operation(write=False) as ctx:
        found = encounters.list_encounters(ctx, mrn=mrn, status=status, day=day)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(v.encounter.id, v.encounter.date_of_service, v.patient, v.mrn, v.provider, v.encounter.status,
          len(v.encounter.lines), f"{v.total:.2f}") for v in rows],
        ("id", "date", "patient", "mrn", "provider", "status", "lines", "total")))


@encounters_group.command("show")
@click.argument("encounter_id", type=RECORD_ID)
@json_option
def show(encounter_id, as_json) -> None:
    """One encounter with its diagnoses and charge lines."""
    with operation(write=False) as ctx:
        found = encounters.get_encounter(ctx, encounter_id)
    emit(found, as_json=as_json, human=show_encounter)


@encounters_group.command("diagnose")
@click.argument("encounter_id", type=RECORD_ID)
@click.argument("codes", nargs=-1, required=True)
@json_option
def diagnose(encounter_id, codes, as_json) -> None:
    """Add ICD-10-CM CODES (J06.9 or J069) to the encounter, in order."""
    with operation() as ctx:
        found = encounters.add_diagnoses(ctx, encounter_id, list(codes))
    emit(found, as_json=as_json, human=show_encounter)


@encounters_group.command("charge")
@click.argument("encounter_id", type=RECORD_ID)
@click.argument("code")
@click.option("--units", default="1", show_default=True)
@click.option("--modifier", "modifiers", multiple=True, help="A modifier such as 25 (up to four).")
@click.option("--pointer", "pointers", multiple=True, help="A diagnosis's position, 1-12 (up to four).")
@click.option("--fee", help="The fee per unit, instead of the fee schedule's.")
@json_option
def charge(encounter_id, code, units, modifiers, pointers, fee, as_json) -> None:
    """Add a charge line with CODE (from the fee schedule) to the encounter."""
    with operation() as ctx:
        found = encounters.add_charge(ctx, encounter_id, code, units=units, modifiers=modifiers, pointers=pointers,
                                      fee=fee)
    emit(found, as_json=as_json, human=show_encounter)


@encounters_group.command("void")
@click.argument("charge_id", type=RECORD_ID)
@click.option("--reason", required=True)
@json_option
def void(charge_id, reason, as_json) -> None:
    """Void the charge line CHARGE_ID (entered by mistake; it stays in the history)."""
    with operation() as ctx:
        found = encounters.void_charge(ctx, charge_id, reason)
    emit(found, as_json=as_json, human=show_encounter)


@encounters_group.command("close")
@click.argument("encounter_id", type=RECORD_ID)
@json_option
def close(encounter_id, as_json) -> None:
    """Charge entry is done (other plugins may add lines, or refuse with a reason)."""
    with operation() as ctx:
        found = encounters.close_encounter(ctx, encounter_id)
    emit(found, as_json=as_json, human=show_encounter)
