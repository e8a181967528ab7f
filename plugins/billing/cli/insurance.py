"""``medoffice billing payers …`` and ``medoffice billing policies …``."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, table
from medoffice.core.cli.params import RECORD_ID

from ..vocabulary import CLAIM_FILING_CODES, POLICY_RANKS, RELATIONSHIPS
from ._lazy import on_first_use
from ._root import billing

payers = on_first_use("payers")
policies = on_first_use("policies")


def address_options(command):
    """``--address``, ``--address2``, ``--city``, ``--state``, ``--zip``."""
    for name, dest, text in reversed((("--address", "address_line1", "Street line."),
                                      ("--address2", "address_line2", "Second street line."),
                                      ("--city", "city", "City."), ("--state", "state", "Two-letter state."),
                                      ("--zip", "postal_code", "ZIP code, 5 or 9 digits."))):
        command = click.option(name, dest, help=text)(command)
    return command


def _given(options: dict) -> dict:
    return {k: v for k, v in options.items() if v is not None}


@billing.group("payers")
def payers_group() -> None:
    """Insurance companies the practice bills."""


@payers_group.command("add")
@click.argument("name")
@click.option("--payer-id", "payer_code", required=True, help="The id the clearinghouse knows the payer by.")
@click.option("--filing", "claim_filing_code", default="CI", show_default=True,
              help=f"837P claim filing code: {', '.join(CLAIM_FILING_CODES)}.")
@click.option("--phone")
@address_options
@json_option
def payers_add(name: str, as_json: bool, **options) -> None:
    """Add the payer NAME."""
    with operation() as ctx:
        record = payers.add_payer(ctx, {"name": name, **_given(options)})
    emit(record, as_json=as_json, human=lambda p: click.echo(
        f"added payer {p.id}: {p.name} (payer id {p.payer_code}, {p.claim_filing_code})"))


@payers_group.command("list")
@click.option("--all", "include_inactive", is_flag=True)
@json_option
def payers_list(include_inactive: bool, as_json: bool) -> None:
    """The payers, by name."""
    with operation(write=False) as ctx:
        found = payers.list_payers(ctx, include_inactive=include_inactive)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(p.id, p.name, p.payer_code, p.claim_filing_code, p.address.one_line()) for p in rows],
        ("id", "name", "payer id", "filing", "address")))


@billing.group("policies")
def policies_group() -> None:
    """Patients' insurance policies: payer, rank, subscriber, member and group numbers, copay."""


def _policy_line(p) -> str:
    who = "self" if p.relationship == "self" else (
        f"{p.relationship} of {p.subscriber.first_name} {p.subscriber.last_name}")
    return (f"policy {p.id}: {p.mrn} {p.rank} with {p.payer}, member {p.member_id}"
            + (f", group {p.group_number}" if p.group_number else "") + f", subscriber {who}, copay {p.copay:.2f}"
            + ("" if p.active else f" (ended {p.effective_to})"))


def policy_options(*, adding: bool):
    """The policy's fields as options; ``policies edit`` has no defaults (what is not given is kept)."""
    def wrap(command):
        for option in reversed((
                click.option("--member-id", "member_id", required=adding),
                click.option("--group", "group_number"),
                click.option("--group-name", "group_name"),
                click.option("--rank", type=click.Choice(POLICY_RANKS), default="primary" if adding else None,
                             show_default=adding),
                click.option("--relationship", type=click.Choice(tuple(RELATIONSHIPS)),
                             default="self" if adding else None, show_default=adding,
                             help="The patient's relationship to the subscriber."),
                click.option("--subscriber-first", "subscriber_first_name"),
                click.option("--subscriber-middle", "subscriber_middle_name"),
                click.option("--subscriber-last", "subscriber_last_name"),
                click.option("--subscriber-dob", "subscriber_date_of_birth", help="YYYY-MM-DD."),
                click.option("--subscriber-sex", "subscriber_sex", help="female, male or unknown."),
                click.option("--copay", help="The copay per visit, such as 25.00."),
                click.option("--from", "effective_from", help="First day covered, YYYY-MM-DD."),
                click.option("--to", "effective_to", help="Last day covered, YYYY-MM-DD."))):
            command = option(command)
        return address_options(command)
    return wrap


@policies_group.command("add")
@click.argument("mrn")
@click.option("--payer", required=True, help="The payer's name, or enough of it to name one payer.")
@policy_options(adding=True)
@json_option
def policies_add(mrn: str, payer: str, as_json: bool, **options) -> None:
    """Add an insurance policy to the patient with MRN (the subscriber's details are needed
    unless the patient is the subscriber)."""
    with operation() as ctx:
        record = policies.add_policy(ctx, mrn, payer, _given(options))
    emit(record, as_json=as_json, human=lambda p: click.echo("added " + _policy_line(p)))


@policies_group.command("list")
@click.argument("mrn")
@click.option("--all", "include_inactive", is_flag=True, help="Ended policies too.")
@json_option
def policies_list(mrn: str, include_inactive: bool, as_json: bool) -> None:
    """The insurance policies of the patient with MRN, primary first."""
    with operation(write=False) as ctx:
        found = policies.list_policies(ctx, mrn, include_inactive=include_inactive)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(p.id, p.rank, p.payer, p.member_id, p.group_number, p.relationship,
          f"{p.subscriber.last_name}, {p.subscriber.first_name}", f"{p.copay:.2f}",
          "active" if p.active else f"ended {p.effective_to}") for p in rows],
        ("id", "rank", "payer", "member", "group", "relationship", "subscriber", "copay", "status")))


@policies_group.command("end")
@click.argument("policy_id", type=RECORD_ID)
@click.option("--on", help="The last day covered, YYYY-MM-DD (default today).")
@json_option
def policies_end(policy_id: int, on: str | None, as_json: bool) -> None:
    """End the policy POLICY_ID."""
    with operation() as ctx:
        record = policies.end_policy(ctx, policy_id, on)
    emit(record, as_json=as_json, human=lambda p: click.echo("ended " + _policy_line(p)))


@policies_group.command("edit")
@click.argument("policy_id", type=RECORD_ID)
@click.option("--payer", help="Another payer: its name, or enough of it to name one payer.")
@policy_options(adding=False)
@json_option
def policies_edit(policy_id: int, payer: str | None, as_json: bool, **options) -> None:
    """Change the policy POLICY_ID: only the options given (an empty value clears a field)."""
    with operation() as ctx:
        record = policies.update_policy(ctx, policy_id, _given(options), payer=payer)
    emit(record, as_json=as_json, human=lambda p: click.echo("changed " + _policy_line(p)))
