"""``medoffice schedule exceptions|closures|holidays|resources …`` and ``medoffice schedule
types providers|needs``: the rules that decide when a provider is open and what a type needs.

Adding an exception or a closure over existing bookings is allowed; the command lists the
appointments that fall in it so the front desk can move them. Nothing is cancelled.
"""

from __future__ import annotations

import datetime as dt

import click

from medoffice.core.cli import emit, json_option, operation, table
from medoffice.core.cli.params import RECORD_ID

from ..vocabulary import EXCEPTION_KINDS
from ._lazy import on_first_use
from .booking import schedule, types

availability_rules = on_first_use("availability_rules")
resources = on_first_use("resources")

WHEN_HELP = "Local YYYY-MM-DD HH:MM, or a whole day YYYY-MM-DD."


def _span(start: dt.datetime, end: dt.datetime) -> str:
    """A span as people say it: whole days when it runs midnight to midnight."""
    if start.time() == dt.time() and end.time() == dt.time():
        last = (end - dt.timedelta(days=1)).date()
        if last == start.date():
            return f"{start:%a %Y-%m-%d} (whole day)"
        return f"{start:%a %Y-%m-%d} to {last:%a %Y-%m-%d} (whole days)"
    if start.date() == end.date():
        return f"{start:%a %Y-%m-%d %H:%M}-{end:%H:%M}"
    return f"{start:%a %Y-%m-%d %H:%M} to {end:%a %Y-%m-%d %H:%M}"


def _days(first: dt.date, last: dt.date) -> str:
    return f"{first:%a %Y-%m-%d}" if first == last else f"{first:%a %Y-%m-%d} to {last:%a %Y-%m-%d}"


def _affected(found) -> None:
    if not found:
        return
    click.echo(f"{len(found)} appointment{'s' if len(found) != 1 else ''} fall in it and should be moved "
               "(medoffice appointments move ID --at …):")
    for a in found:
        click.echo(f"  {a.id}: {a.start:%a %Y-%m-%d %H:%M}-{a.end:%H:%M} ({a.status.replace('_', ' ')})")


# -- exceptions ------------------------------------------------------------------------------


@schedule.group("exceptions")
def exceptions() -> None:
    """A provider away despite the weekly template: leave, a meeting, training."""


@exceptions.command("add")
@click.option("--provider", "provider_id", type=RECORD_ID, required=True, help="The provider's staff id.")
@click.option("--kind", required=True, help=f"One of {', '.join(EXCEPTION_KINDS)}.")
@click.option("--from", "start", required=True, help=WHEN_HELP)
@click.option("--to", "end", help=WHEN_HELP + " A day means its end (default: the end of --from's day).")
@click.option("--reason", help="Why (kept with the exception).")
@json_option
def exceptions_add(provider_id, kind, start, end, reason, as_json) -> None:
    """Take a provider away from --from to --to."""
    with operation() as ctx:
        added = availability_rules.add_exception(ctx, provider_id, kind, start, end, reason=reason)

    def human(e) -> None:
        click.echo(f"added exception {e.id}: {e.provider} {e.kind} {_span(e.start, e.end)}"
                   + (f" ({e.reason})" if e.reason else ""))
        _affected(e.affected)

    emit(added, as_json=as_json, human=human)


@exceptions.command("list")
@click.option("--provider", "provider_id", type=RECORD_ID, help="Only this provider (staff id).")
@click.option("--from", "first", help="First local day, YYYY-MM-DD (default today).")
@click.option("--to", "last", help="Last local day, YYYY-MM-DD (default: no end).")
@json_option
def exceptions_list(provider_id, first, last, as_json) -> None:
    """Exceptions from --from on, by start."""
    with operation(write=False) as ctx:
        found = availability_rules.list_exceptions(ctx, provider_id=provider_id, first=first, last=last)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(e.id, e.provider, e.provider_id, e.kind, _span(e.start, e.end), e.reason) for e in rows],
        ("id", "provider", "provider id", "kind", "when", "reason")))


@exceptions.command("remove")
@click.argument("exception_id", type=RECORD_ID)
@json_option
def exceptions_remove(exception_id, as_json) -> None:
    """Remove the exception EXCEPTION_ID: the template applies again."""
    with operation() as ctx:
        removed = availability_rules.remove_exception(ctx, exception_id)
    emit(removed, as_json=as_json, human=lambda e: click.echo(
        f"removed exception {e.id}: {e.provider} {e.kind} {_span(e.start, e.end)}"))


# -- closures --------------------------------------------------------------------------------


@schedule.group("closures")
def closures() -> None:
    """Whole days the practice, or one location, is closed."""


@closures.command("add")
@click.option("--from", "first", required=True, help="First local day, YYYY-MM-DD.")
@click.option("--to", "last", help="Last local day, YYYY-MM-DD (default: --from).")
@click.option("--location", help="Only this location (default: the whole practice).")
@click.option("--reason", required=True, help="Why (shown when a booking is refused).")
@json_option
def closures_add(first, last, location, reason, as_json) -> None:
    """Close the practice (or a location) from --from to --to."""
    with operation() as ctx:
        added = availability_rules.add_closure(ctx, first, last, reason=reason, location=location)

    def human(c) -> None:
        click.echo(f"added closure {c.id}: {c.location or 'the practice'} closed {_days(c.first_day, c.last_day)} "
                   f"({c.reason})")
        _affected(c.affected)

    emit(added, as_json=as_json, human=human)


@closures.command("list")
@click.option("--from", "first", help="First local day, YYYY-MM-DD (default today).")
@click.option("--to", "last", help="Last local day, YYYY-MM-DD (default: no end).")
@click.option("--location", help="Only the closures that close this location.")
@json_option
def closures_list(first, last, location, as_json) -> None:
    """Closures from --from on, by first day."""
    with operation(write=False) as ctx:
        found = availability_rules.list_closures(ctx, first=first, last=last, location=location)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(c.id, f"{c.first_day}", f"{c.last_day}", c.location or "(all)", c.reason) for c in rows],
        ("id", "from", "to", "location", "reason")))


@closures.command("remove")
@click.argument("closure_id", type=RECORD_ID)
@json_option
def closures_remove(closure_id, as_json) -> None:
    """Remove the closure CLOSURE_ID: those days are open again."""
    with operation() as ctx:
        removed = availability_rules.remove_closure(ctx, closure_id)
    emit(removed, as_json=as_json, human=lambda c: click.echo(
        f"removed closure {c.id}: {c.location or 'the practice'} {_days(c.first_day, c.last_day)}"))


# -- public holidays -------------------------------------------------------------------------


@schedule.group("holidays")
def holidays() -> None:
    """Close every location on the public holidays of a country (opt-in)."""


def _show_holidays(setting) -> None:
    if setting.country is None:
        click.echo("public holidays: not observed")
        return
    where = setting.country + (f"-{setting.subdivision}" if setting.subdivision else "")
    click.echo(f"public holidays of {where} close every location; the coming year's:")
    table([(f"{h.day:%a %Y-%m-%d}", h.name) for h in setting.days], ("day", "holiday"))


@holidays.command("set")
@click.argument("country")
@click.option("--subdivision", help="A state or province code (e.g. NY), for its own holidays too.")
@json_option
def holidays_set(country, subdivision, as_json) -> None:
    """Close on the public holidays of COUNTRY (an ISO code: US, CA, GB…)."""
    with operation() as ctx:
        setting = availability_rules.set_holidays(ctx, country, subdivision)
    emit(setting, as_json=as_json, human=_show_holidays)


@holidays.command("show")
@json_option
def holidays_show(as_json) -> None:
    """The country whose holidays are observed, and the coming year's holidays."""
    with operation(write=False) as ctx:
        setting = availability_rules.holiday_setting(ctx)
    emit(setting, as_json=as_json, human=_show_holidays)


@holidays.command("clear")
@json_option
def holidays_clear(as_json) -> None:
    """Stop closing on public holidays (the practice's own closures stay)."""
    with operation() as ctx:
        setting = availability_rules.clear_holidays(ctx)
    emit(setting, as_json=as_json, human=_show_holidays)


# -- who may take a type, what it needs, equipment -------------------------------------------


def _show_rules(rules) -> None:
    who = ", ".join(f"{name} ({pid})" for pid, name in zip(rules.provider_ids, rules.providers)) or "every provider"
    click.echo(f"{rules.appointment_type}: taken by {who}; needs "
               + ("a room" if rules.needs_room else "no room") + "; equipment: "
               + (", ".join(rules.equipment) or "none"))


def parse_ids(value: str | None, option: str = "--set") -> list[int] | None:
    """Staff ids separated by commas (``3,4``), or None when the option was not given."""
    if value is None:
        return None
    try:
        return [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(f"expected staff ids separated by commas, got {value!r}",
                                 param_hint=option) from None


@types.command("providers")
@click.argument("type_name")
@click.option("--set", "provider_ids", metavar="IDS", help="Only these providers (staff ids, comma-separated).")
@click.option("--everyone", is_flag=True, help="Open the type to every provider again.")
@json_option
def types_providers(type_name, provider_ids, everyone, as_json) -> None:
    """Who may take the type TYPE_NAME; --set or --everyone change it."""
    wanted = parse_ids(provider_ids)
    if wanted is not None and everyone:
        raise click.UsageError("give --set or --everyone, not both")
    with operation(write=wanted is not None or everyone) as ctx:
        if wanted is not None or everyone:
            rules = resources.set_type_providers(ctx, type_name, [] if everyone else wanted)
        else:
            rules = resources.type_rules(ctx, type_name)
    emit(rules, as_json=as_json, human=_show_rules)


@types.command("needs")
@click.argument("type_name")
@click.option("--room/--no-room", "needs_room", default=None, help="Whether it needs a free room of the location.")
@click.option("--equipment", multiple=True, metavar="NAME", help="A piece of equipment it needs (repeat; replaces "
              "the list).")
@click.option("--no-equipment", is_flag=True, help="It needs no equipment.")
@json_option
def types_needs(type_name, needs_room, equipment, no_equipment, as_json) -> None:
    """What the type TYPE_NAME needs; the options change it."""
    if equipment and no_equipment:
        raise click.UsageError("give --equipment or --no-equipment, not both")
    chosen = [] if no_equipment else list(equipment) if equipment else None
    changing = needs_room is not None or chosen is not None
    with operation(write=changing) as ctx:
        if changing:
            rules = resources.set_type_needs(ctx, type_name, needs_room=needs_room, equipment=chosen)
        else:
            rules = resources.type_rules(ctx, type_name)
    emit(rules, as_json=as_json, human=_show_rules)


@schedule.group("resources")
def resources_group() -> None:
    """Equipment that appointment types reserve (ECG machine, spirometer)."""


@resources_group.command("add")
@click.argument("name")
@click.option("--location", help="Where it is kept (default: it moves between locations).")
@json_option
def resources_add(name, location, as_json) -> None:
    """Add the piece of equipment NAME."""
    with operation() as ctx:
        added = resources.add_resource(ctx, name, location=location)
    emit(added, as_json=as_json, human=lambda r: click.echo(
        f"added resource {r.id}: {r.name}" + (f" at {r.location}" if r.location else " (moves between locations)")))


@resources_group.command("list")
@json_option
def resources_list(as_json) -> None:
    """The equipment, by name."""
    with operation(write=False) as ctx:
        found = resources.list_resources(ctx)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(r.id, r.name, r.location or "(any)", "yes" if r.active else "no") for r in rows],
        ("id", "name", "location", "active")))
