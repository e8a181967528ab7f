"""``medoffice billing claims …``: build, scrub, list, show, export (837P), status, resubmit,
settings (the practice's taxonomy code), ndc (drugs' National Drug Codes)."""

from __future__ import annotations

from pathlib import Path

import click

from medoffice.core.cli import emit, export_operation, json_option, operation, table
from medoffice.core.cli.params import RECORD_ID, FileToWrite

from ._lazy import on_first_use
from ._root import billing

claims = on_first_use("claims")
claim_batches = on_first_use("x12.batches")
billing_settings = on_first_use("settings")
drugs = on_first_use("drugs")


def show_claim(c) -> None:
    click.echo(f"claim {c.id} ({c.claim_number}): {c.patient} ({c.mrn}), {c.payer} {c.sequence}, "
               f"date of service {c.date_of_service}, {c.status}, total {c.total:.2f}"
               + (f", replaces payer's claim {c.payer_claim_number}" if c.frequency_code == "7" else "")
               + (f", batch {c.batch_id}" if c.batch_id else ""))
    table([(line.line_number, line.code, " ".join(line.modifiers), line.units, f"{line.amount:.2f}",
            ",".join(map(str, line.pointers))) for line in c.lines],
          ("line", "code", "modifiers", "units", "amount", "pointers"))
    for h in c.history:
        click.echo(f"{h.changed_at:%Y-%m-%d %H:%M} UTC  {h.from_status or '(new)'} -> {h.status}  by {h.changed_by}"
                   + (f"  ({h.note})" if h.note else ""))


def claims_table(rows) -> None:
    table([(c.id, c.claim_number, c.date_of_service, c.patient, c.mrn, c.payer, c.sequence, c.status,
            f"{c.total:.2f}", c.batch_id or "") for c in rows],
          ("id", "number", "date", "patient", "mrn", "payer", "sequence", "status", "total", "batch"))


@billing.group("claims")
def claims_group() -> None:
    """Claims: build from closed encounters, scrub, export as 837P, follow to payment."""


@claims_group.command("build")
@click.argument("encounter_ids", nargs=-1, type=RECORD_ID)
@click.option("--secondary", is_flag=True, help="Build the secondary claims (after the primary is paid or denied).")
@json_option
def build(encounter_ids, secondary, as_json) -> None:
    """Build the claims of ENCOUNTER_IDS, or of every closed encounter not yet claimed."""
    from medoffice.core.cli.progress import bar

    with bar(as_json=as_json) as progress, operation() as ctx:
        result = claims.build_claims(ctx, list(encounter_ids) or None,
                                     sequence="secondary" if secondary else "primary", progress=progress)

    def human(r) -> None:
        claims_table(r.built)
        for reason in r.skipped:
            click.echo(f"left aside: {reason}")
    emit(result, as_json=as_json, human=human)


@claims_group.command("scrub")
@click.argument("claim_ids", nargs=-1, type=RECORD_ID)
@json_option
def scrub(claim_ids, as_json) -> None:
    """Check CLAIM_IDS (or every draft); a claim with no problem becomes ready.

    Exits 1 when a claim named has a problem (it stays a draft), so that a script can stop
    there; without claim ids it reports every draft and exits 0.
    """
    from medoffice.core.cli.progress import bar

    with bar(as_json=as_json) as progress, operation() as ctx:
        results = claims.scrub_claims(ctx, list(claim_ids) or None, progress=progress)

    def human(rows) -> None:
        if not rows:
            click.echo("no draft claim to scrub")
        for r in rows:
            click.echo(f"claim {r.claim_id} ({r.claim_number}): {r.status}"
                       + ("" if r.problems else ", no problem found"))
            for problem in r.problems:
                click.echo(f"  - {problem}")
            for note in r.notes:
                click.echo(f"  note: {note}")
    emit(results, as_json=as_json, human=human)
    if claim_ids and any(r.problems for r in results):
        raise click.exceptions.Exit(1)


@claims_group.command("list")
@click.option("--status", type=click.Choice(["draft", "ready", "submitted", "paid", "denied"]))
@click.option("--patient", "mrn", help="Only the patient with this MRN.")
@click.option("--batch", "batch_id", type=RECORD_ID, help="Only the claims of this batch.")
@json_option
def list_(status, mrn, batch_id, as_json) -> None:
    """Claims, newest first."""
    with operation(write=False) as ctx:
        found = claims.list_claims(ctx, status=status, mrn=mrn, batch_id=batch_id)
    emit(found, as_json=as_json, human=claims_table)


@claims_group.command("show")
@click.argument("claim_id", type=RECORD_ID)
@json_option
def show(claim_id, as_json) -> None:
    """One claim with its lines and its history."""
    with operation(write=False) as ctx:
        found = claims.get_claim(ctx, claim_id)
    emit(found, as_json=as_json, human=show_claim)


def _export_result(export, out: Path | None, as_json: bool) -> None:
    b = export.batch
    if as_json:
        data = {"batch": export.batch, "file": str(out) if out else None, "unchanged": export.unchanged}
        if out is None:
            data["text"] = export.text
        emit(data, as_json=True)
    elif out is None:
        click.echo(export.text, nl=False)
    else:
        click.echo(f"batch {b.id}: {b.claim_count} claim(s), total {b.total:.2f}, ISA13 "
                   f"{b.interchange_control_number:09d}, GS06 {b.group_control_number}, ST02 "
                   f"{b.transaction_control_number} -> {out}")
    if not export.unchanged:
        click.echo(f"note: the claims' data changed since batch {b.id} was sent; this file differs from it", err=True)


@claims_group.command("export")
@click.argument("claim_ids", nargs=-1, type=RECORD_ID)
@click.option("--out", type=FileToWrite(path_type=Path),
              help="Write the 837P file here (default: standard output).")
@click.option("--batch", "batch_id", type=RECORD_ID, help="Write an exported batch's file again (no claim changes).")
@click.option("--receiver-id", help="The clearinghouse's id (default: the payer's id when every claim has one payer).")
@click.option("--receiver-name", help="The clearinghouse's name.")
@click.option("--submitter-id", help="The practice's id at the clearinghouse (default: its tax id).")
@click.option("--test", "test_file", is_flag=True, help="Mark the file as a test (ISA15 T).")
@json_option
def export(claim_ids, out, batch_id, receiver_id, receiver_name, submitter_id, test_file, as_json) -> None:
    """Export CLAIM_IDS (or every ready claim) as one 837P batch; they become submitted.

    Every claim is scrubbed again; if any has a problem nothing is written.
    """
    if batch_id is not None:
        if claim_ids:
            raise click.UsageError("--batch writes an exported batch again; give no claim ids with it")
        with export_operation(out, write=False) as (ctx, target):
            result = claim_batches.batch_file(ctx, batch_id)
            if target is not None:
                target.write(result.text, encoding="ascii")
        _export_result(result, out, as_json)
        return
    from medoffice.core.cli.progress import bar

    # the batch is recorded only with its file complete
    with bar(as_json=as_json, data_to_stdout=out is None) as progress, export_operation(out) as (ctx, target):
        result = claim_batches.export_batch(ctx, list(claim_ids) or None, receiver_id=receiver_id,
                                            receiver_name=receiver_name, submitter_id=submitter_id,
                                            usage="T" if test_file else "P",
                                            file_name=out.name if out else None, progress=progress)
        if target is not None:
            target.write(result.text, encoding="ascii")
    _export_result(result, out, as_json)


@claims_group.command("status")
@click.argument("claim_id", type=RECORD_ID)
@click.argument("status", type=click.Choice(["paid", "denied", "draft"]))
@click.option("--note", help="Why (required for a denial).")
@json_option
def status(claim_id, status, note, as_json) -> None:
    """Record that a submitted claim was paid or denied (or hold a ready one back as draft)."""
    with operation() as ctx:
        found = claims.set_status(ctx, claim_id, status, note=note)
    emit(found, as_json=as_json, human=show_claim)


@claims_group.command("resubmit")
@click.argument("claim_id", type=RECORD_ID)
@click.option("--payer-claim-number", required=True, help="The payer's number of the claim replaced (REF*F8).")
@click.option("--note")
@json_option
def resubmit(claim_id, payer_claim_number, note, as_json) -> None:
    """Replace a sent claim with a corrected one (frequency code 7), built as a draft."""
    with operation() as ctx:
        found = claims.resubmit(ctx, claim_id, payer_claim_number, note=note)
    emit(found, as_json=as_json, human=show_claim)


@claims_group.command("settings")
@click.option("--taxonomy", help="The practice's provider taxonomy code (NUCC, e.g. 207Q00000X); '' clears it.")
@json_option
def settings(taxonomy, as_json) -> None:
    """What claims say of the practice beyond its details: its taxonomy code (PRV*BI).

    Without an option, shows the settings.
    """
    if taxonomy is None:
        with operation(write=False) as ctx:
            found = billing_settings.get(ctx)
    else:
        with operation() as ctx:
            found = billing_settings.set_taxonomy(ctx, taxonomy)
    emit(found, as_json=as_json, human=lambda s: click.echo(f"taxonomy: {s.taxonomy or '(none)'}"))


@claims_group.command("ndc")
@click.argument("code", required=False)
@click.argument("ndc", required=False)
@click.option("--unit", default="UN", show_default=True,
              help="Unit of the quantity: F2 international unit, GR gram, ME milligram, ML millilitre, UN unit.")
@click.option("--quantity", default="1", show_default=True, help="How much of it one unit of CODE is.")
@click.option("--remove", is_flag=True, help="Forget the NDC of CODE.")
@json_option
def ndc(code, ndc, unit, quantity, remove, as_json) -> None:
    """The NDC a drug's claim lines carry (837P loop 2410): set CODE's, or list them all.

    \b
    medoffice billing claims ndc J3420 0409-1234-01 --unit ML --quantity 1
    """
    if code is None:
        with operation(write=False) as ctx:
            found = drugs.list_ndcs(ctx)
        emit(found, as_json=as_json, human=lambda rows: table(
            [(d.code, d.ndc_display, f"{d.quantity:f}", d.unit) for d in rows], ("code", "NDC", "quantity", "unit"))
            if rows else click.echo("no NDC recorded"))
        return
    if remove:
        if ndc is not None:
            raise click.UsageError("--remove takes a code alone")
        with operation() as ctx:
            drugs.remove_ndc(ctx, code)
        emit({"code": code.strip().upper(), "removed": True}, as_json=as_json,
             human=lambda r: click.echo(f"{r['code']}: NDC forgotten"))
        return
    if ndc is None:
        raise click.UsageError("give the NDC after the code (or --remove)")
    with operation() as ctx:
        found = drugs.set_ndc(ctx, code, ndc, unit=unit, quantity=quantity)
    emit(found, as_json=as_json, human=lambda d: click.echo(
        f"{d.code}: NDC {d.ndc_display}, {d.quantity:f} {d.unit} per unit"))


@claims_group.command("batches")
@json_option
def batches(as_json) -> None:
    """The exported 837P batches, newest first."""
    with operation(write=False) as ctx:
        found = claim_batches.list_batches(ctx)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(b.id, f"{b.created_at:%Y-%m-%d %H:%M}", b.claim_count, f"{b.total:.2f}",
          f"{b.interchange_control_number:09d}", b.receiver_id, b.usage_indicator, b.file_name or "")
         for b in rows], ("id", "created (UTC)", "claims", "total", "ISA13", "receiver", "usage", "file")))


@claims_group.command("fhir")
@click.argument("claim_id", type=RECORD_ID)
def fhir_(claim_id) -> None:
    """The claim as FHIR R4 JSON: a Bundle of its Claim and Invoice with the Patient,
    Practitioner, Organization and Coverage they refer to."""
    fhir = on_first_use("fhir")
    with operation() as ctx:
        found = fhir.claim_bundle(ctx, claim_id)
    click.echo(fhir.to_json(found))
