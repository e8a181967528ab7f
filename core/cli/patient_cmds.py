"""``medoffice patients …``: register, find, open, edit, merge, deactivate, import and export patients."""

from __future__ import annotations

from typing import Any

import click

from ._app import emit, json_option, operation, parse_assignments, say, table
from .params import FileToWrite

_FIELD_HELP = "FIELD=VALUE; fields: " + ", ".join(
    ("mrn first_name middle_name last_name date_of_birth sex phone email address_line1 address_line2 city state "
     "postal_code preferred_language emergency_name emergency_phone emergency_relationship reminders").split())


def _show(patient: Any) -> None:
    address = patient.address.one_line()
    contact = patient.emergency_contact
    rows = [
        ("MRN", patient.mrn), ("Name", patient.display_name), ("Born", patient.date_of_birth.isoformat()),
        ("Sex", patient.sex), ("Phone", patient.phone), ("Email", patient.email), ("Address", address),
        ("Language", patient.preferred_language),
        ("Emergency", " ".join(x for x in (contact.name, contact.phone, contact.relationship) if x)),
        ("Active", "yes" if patient.active else f"no ({patient.inactive_reason})" if patient.inactive_reason else "no"),
        ("Reminders", "yes" if patient.reminders else "no"),
    ]
    for label, value in rows:
        say(f"{label:<10} {value or '-'}")


@click.group()
def patients() -> None:
    """Patients: register, find, open, edit, merge, deactivate, import, export."""


@patients.command("add")
@click.option("--first-name", required=True)
@click.option("--last-name", required=True)
@click.option("--dob", "date_of_birth", required=True, help="Date of birth, YYYY-MM-DD.")
@click.option("--sex", required=True, help="female, male, other or unknown.")
@click.option("--mrn", default="", help="The practice's MRN (else the next number).")
@click.option("--set", "extra", multiple=True, metavar="FIELD=VALUE", help=_FIELD_HELP)
@json_option
def add(first_name: str, last_name: str, date_of_birth: str, sex: str, mrn: str, extra: tuple[str, ...],
        as_json: bool) -> None:
    """Register a new patient. A likely duplicate (same name and birth date) is flagged."""
    from ..services import patients as service

    data = {"first_name": first_name, "last_name": last_name, "date_of_birth": date_of_birth, "sex": sex,
            **parse_assignments(extra)}
    if mrn:
        data["mrn"] = mrn
    with operation() as ctx:
        result = service.register(ctx, data)
    for twin in result.possible_duplicates:
        say(f"warning: possible duplicate of {twin.mrn} {twin.display_name}, born {twin.date_of_birth} "
            f"(if one person: medoffice patients merge {twin.mrn} {result.patient.mrn} --dry-run)", err=True)
    emit({"patient": result.patient, "possible_duplicates": [t.mrn for t in result.possible_duplicates]},
         as_json=as_json, human=lambda _d: say(f"registered {result.patient.mrn} {result.patient.display_name}"))


@patients.command("find")
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@click.option("--inactive", is_flag=True, help="Include inactive patients.")
@json_option
def find(query: tuple[str, ...], limit: int, inactive: bool, as_json: bool) -> None:
    """Find patients by part of a name ('smi', 'reyes', 'smith, jo'), birth date (3/15/86),
    a phone's last digits (4433) or whole number, or MRN."""
    from ..services import patients as service

    with operation(write=False) as ctx:
        matches = service.find(ctx, " ".join(query), limit=limit, include_inactive=inactive)
    data = [{"mrn": m.patient.mrn, "name": m.patient.display_name, "date_of_birth": m.patient.date_of_birth,
             "phone": m.patient.phone, "score": m.score, "matched": m.reason} for m in matches]
    emit(data, as_json=as_json, human=lambda rows: table(
        [(r["mrn"], r["name"], r["date_of_birth"], r["phone"], r["matched"]) for r in rows],
        ("mrn", "name", "born", "phone", "matched")))


@patients.command("show")
@click.argument("mrn")
@click.option("--fhir", "as_fhir", is_flag=True, help="Print the FHIR R4 Patient resource.")
@json_option
def show(mrn: str, as_fhir: bool, as_json: bool) -> None:
    """Open a patient's record (the opening is audited)."""
    from ..services import patient_io
    from ..services import patients as service

    with operation() as ctx:
        patient = service.open_record(ctx, mrn)
        resource = patient_io.export_one_fhir(ctx, mrn) if as_fhir else None
    if resource is not None:
        emit(resource, as_json=True)
    else:
        emit(patient, as_json=as_json, human=_show)


@patients.command("edit")
@click.argument("mrn")
@click.option("--set", "changes", multiple=True, required=True, metavar="FIELD=VALUE", help=_FIELD_HELP)
@json_option
def edit(mrn: str, changes: tuple[str, ...], as_json: bool) -> None:
    """Change a patient's details (history kept in the audit log)."""
    from ..services import patients as service

    with operation() as ctx:
        patient = service.update(ctx, mrn, parse_assignments(changes))
    emit(patient, as_json=as_json, human=lambda p: say(f"updated {p.mrn} {p.display_name}"))


@patients.command("deactivate")
@click.argument("mrn")
@click.option("--reason", required=True, help="Why, in a few words ('moved to Ohio'); shown on the card.")
@json_option
def deactivate(mrn: str, reason: str, as_json: bool) -> None:
    """Mark a patient inactive, with a reason (kept, hidden from search, not bookable)."""
    from ..services import patient_merge as service

    with operation() as ctx:
        patient = service.deactivate(ctx, mrn, reason)
        upcoming = service.upcoming_bookings(ctx, patient)
    if upcoming:
        click.echo(f"warning: {upcoming} upcoming appointment{'s' if upcoming > 1 else ''} of {patient.mrn} "
                   f"{'stay' if upcoming > 1 else 'stays'} booked: cancel those the patient will not keep", err=True)
    emit(patient, as_json=as_json, human=lambda p: say(f"deactivated {p.mrn} ({p.inactive_reason})"))


def _reactivate(mrn: str, as_json: bool) -> None:
    from ..services import patient_merge as service

    with operation() as ctx:
        patient = service.reactivate(ctx, mrn)
    emit(patient, as_json=as_json, human=lambda p: click.echo(f"reactivated {p.mrn}"))


@patients.command("reactivate")
@click.argument("mrn")
@json_option
def reactivate(mrn: str, as_json: bool) -> None:
    """Mark an inactive patient active again (not one merged into another)."""
    _reactivate(mrn, as_json)


@patients.command("activate")
@click.argument("mrn")
@json_option
def activate(mrn: str, as_json: bool) -> None:
    """The same as 'reactivate' (its older name)."""
    _reactivate(mrn, as_json)


def _plan_lines(plan: Any) -> list[str]:
    lines = [f"{label:<7} {p.mrn}  {p.display_name}  born {p.date_of_birth.isoformat()}"
             for label, p in (("keep", plan.keep), ("absorb", plan.absorb))]
    for part in plan.parts:
        if part.moves:
            lines.append(f"{part.title}: {', '.join(part.moves)}")
    if not any(part.moves for part in plan.parts):
        lines.append("nothing else moves: the absorbed record has no appointments, ledger or policies")
    if plan.fillable:
        lines.append(f"blank on the kept record, filled only with --fill-blanks: {', '.join(plan.fillable)}")
    return lines


def _plan_data(plan: Any) -> dict[str, Any]:
    return {"keep": plan.keep, "absorb": plan.absorb, "allowed": plan.allowed, "refusals": list(plan.refusals),
            "parts": [{"plugin": p.plugin_id, "title": p.title, "moves": list(p.moves), "refusal": p.refusal}
                      for p in plan.parts],
            "fillable": list(plan.fillable)}


@patients.command("merge")
@click.argument("keep")
@click.argument("absorb")
@click.option("--dry-run", is_flag=True, help="Only show what would move, and any reason it cannot.")
@click.option("--yes", is_flag=True, help="Merge without asking (needed when not run in a terminal).")
@click.option("--fill-blanks", is_flag=True, help="Copy the absorbed record's details the kept one lacks.")
@json_option
def merge(keep: str, absorb: str, dry_run: bool, yes: bool, fill_blanks: bool, as_json: bool) -> None:
    """Merge the patient ABSORB into KEEP: everything of ABSORB moves to KEEP, and ABSORB
    becomes inactive, "merged into" KEEP. Cannot be undone: look with --dry-run first."""
    import sys

    from ..errors import Conflict
    from ..services import patient_merge as service
    from ._app import DomainError

    with operation(write=False) as ctx:
        plan = service.preview(ctx, keep, absorb)
    def human(_data: Any) -> None:
        for line in _plan_lines(plan):
            say(line)

    if dry_run or not as_json:
        emit(_plan_data(plan), as_json=as_json, human=human)
    if not plan.allowed:
        raise Conflict(f"cannot merge {plan.absorb.mrn} into {plan.keep.mrn}: " + "; ".join(plan.refusals))
    if dry_run:
        return
    if not yes:
        if not sys.stdin.isatty():
            raise DomainError(f"nothing merged: add --yes to merge {plan.absorb.mrn} into {plan.keep.mrn} "
                              "(a merge cannot be undone)")
        if not click.confirm(f"Merge {plan.absorb.mrn} into {plan.keep.mrn}? This cannot be undone", default=False):
            raise DomainError("nothing merged")
    with operation() as ctx:
        result = service.merge(ctx, plan.keep.mrn, plan.absorb.mrn, fill_blanks=fill_blanks)
    data = {"merge_id": result.merge_id, "keep": result.keep, "absorb": result.absorb,
            "parts": [{"plugin": p.plugin_id, "title": p.title, "moves": list(p.moves)} for p in result.parts],
            "rows_moved": result.rows_moved, "filled": list(result.filled)}
    emit(data, as_json=as_json, human=lambda _d: click.echo(
        f"merged {result.absorb.mrn} into {result.keep.mrn}: {result.rows_moved} rows moved"
        + (f", filled {', '.join(result.filled)}" if result.filled else "")))


@patients.command("import")
@click.argument("path", type=click.File("rb"))
@click.option("--format", "fmt", type=click.Choice(["csv", "fhir"]), default="csv", show_default=True,
              help="csv: our columns; fhir: a FHIR R4 Bundle (Patient, and Coverage with billing).")
@json_option
def import_(path: Any, fmt: str, as_json: bool) -> None:
    """Import patients from a CSV file or a FHIR Bundle (all or none; safe to run twice)."""
    if fmt == "fhir":
        _import_fhir(path, as_json)
        return
    from .. import csvio
    from ..services import patient_io
    from .progress import bar

    text = csvio.read_file(path)
    with bar(as_json=as_json) as progress, operation() as ctx:
        result = patient_io.import_csv(ctx, text, progress=progress)
    emit(result, as_json=as_json, human=lambda r: click.echo(
        f"created {len(r.created)}, updated {len(r.updated)}, unchanged {len(r.unchanged)}"))


def _import_fhir(handle: Any, as_json: bool) -> None:
    from ..services import patient_fhir

    with operation() as ctx:
        result = patient_fhir.import_bundle(ctx, handle)

    def human(r: Any) -> None:
        click.echo(f"patients: created {len(r.created)}, updated {len(r.updated)}, unchanged {len(r.unchanged)}")
        for part in r.parts:
            click.echo(f"{part.what}: created {part.created}, updated {part.updated}, unchanged {part.unchanged}")
        if r.ignored:
            click.echo(f"left alone: {r.ignored} other resources", err=True)

    emit(result, as_json=as_json, human=human)


@patients.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "fhir"]), default="csv", show_default=True)
@click.option("--output", "-o", type=FileToWrite(), help="File (else standard output).")
@click.option("--active-only", is_flag=True)
def export(fmt: str, output: str | None, active_only: bool) -> None:
    """Export every patient as CSV or as a FHIR R4 Bundle of Patient resources."""
    import io

    from .. import fhir
    from ..services import patient_io
    from ._app import export_operation
    from .progress import bar

    buffer = io.StringIO()
    with bar(data_to_stdout=not output) as progress, export_operation(output) as (ctx, target):
        if fmt == "csv":
            count = patient_io.export_csv(ctx, buffer, include_inactive=not active_only, progress=progress)
        else:
            bundle = patient_io.export_fhir(ctx, include_inactive=not active_only)
            buffer.write(fhir.to_json(bundle) + "\n")
            count = sum(e["resource"]["resourceType"] == "Patient" for e in bundle.get("entry", []))
        if target is not None:  # complete (mode 0600) before the audit entry commits; in place after
            target.write(buffer.getvalue())
    if output:
        say(f"exported {count} patients to {output}", err=True)
    else:
        click.echo(buffer.getvalue(), nl=False)
