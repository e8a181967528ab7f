"""Staffing needs and the coverage report: who is on the rota against how many each role needs.

A staffing need says how many people of a role a location needs on a weekday ("2 front desk
at Main, Monday to Friday"). The coverage report takes a range of local days and gives, per
day, location and role: the headcount required, the people scheduled (distinct staff with a
shift *starting* that day at that location in that role, less those on approved time off),
the gap (required − scheduled, when positive), and the names.

The report is a fixed number of queries, however long the range: the needs, the range's
shifts, the approved time off touching it and the staff names; the counting is done in
Python over those rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.records import ReportResult, ReportSpec
from medoffice.core.services import staff
from medoffice.core.storage import refusals

from medoffice.core.wallclock import WEEKDAYS, parse_weekday

from .common import location_by_name
from .models import StaffingNeed
from .permissions import ROTA
from .permissions import ROTA_READ as READ
from .rota import approved_leave, parse_range, parse_role, shifts_between

MAX_HEADCOUNT = 999
DEFAULT_DAYS = 7


@attrs.frozen
class NeedRecord:
    """``headcount`` people of ``role`` at ``location`` every ``weekday`` (0 is Monday)."""

    id: int
    role: str
    location_id: int
    location: str
    weekday: int
    headcount: int

    @property
    def day_name(self) -> str:
        return WEEKDAYS[self.weekday]


@attrs.frozen
class CoverageRow:
    """One day, location and role: required against scheduled, and who."""

    day: dt.date
    weekday: str
    location_id: int
    location: str
    role: str
    required: int
    scheduled: int
    gap: int
    names: tuple[str, ...]
    on_leave: tuple[str, ...]


# -- staffing needs --------------------------------------------------------------------------


def parse_days(value: Any, *, field: str = "days") -> tuple[int, ...]:
    """Weekdays as ``mon``, ``mon,wed,fri``, ``mon-fri`` or ``all`` (0 is Monday)."""
    text = str(value if value is not None else "").strip().lower()
    if text in ("all", "every", "daily"):
        return tuple(range(7))
    found: set[int] = set()
    try:
        for part in filter(None, (p.strip() for p in text.split(","))):
            first, sep, last = part.partition("-")
            if sep:
                start, end = parse_weekday(first.strip(), field=field), parse_weekday(last.strip(), field=field)
                if end < start:
                    raise ValidationError(f"{part!r} runs backwards", field=field)
                found.update(range(start, end + 1))
            else:
                found.add(parse_weekday(part, field=field))
    except ValidationError as error:
        raise ValidationError(f"days must be weekdays such as mon, mon,wed or mon-fri, got {value!r} "
                              f"({error.message})", field=field) from None
    if not found:
        raise ValidationError(f"days must be weekdays such as mon, mon,wed or mon-fri, got {value!r}", field=field)
    return tuple(sorted(found))


def parse_headcount(value: Any, *, field: str = "headcount") -> int:
    try:
        count = int(str(value).strip())
    except ValueError:
        raise ValidationError(f"headcount must be a whole number, got {value!r}", field=field) from None
    if not 1 <= count <= MAX_HEADCOUNT:
        raise ValidationError(f"headcount must be between 1 and {MAX_HEADCOUNT}, got {count} "
                              "(to need nobody, clear the need)", field=field)
    return count


def _need_fields(role: Any, days: Any, headcount: Any = None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    parsers = [("role", parse_role, role), ("days", parse_days, days)]
    if headcount is not None:
        parsers.append(("headcount", parse_headcount, headcount))
    for field, parse, raw in parsers:
        try:
            values[field] = parse(raw, field=field)
        except ValidationError as error:
            errors[field] = error.message
    if errors:
        raise ValidationError.of_fields(errors)
    return values


def _need_record(row: StaffingNeed, location: str) -> NeedRecord:
    return NeedRecord(row.id, row.role, row.location_id, location, row.weekday, row.headcount)


def set_need(ctx: Context, role: str, location: str, days: str, headcount: int | str) -> list[NeedRecord]:
    """Need ``headcount`` people of ``role`` at ``location`` on ``days`` (``mon-fri``);
    replaces what was set for those days.

    Raises:
        PermissionDenied: without ``hr.rota``.
        ValidationError: empty role, bad days, a headcount that is not 1 to 999 (every one at once).
        NotFound: unknown location.
    """
    ctx.require(ROTA)
    values = _need_fields(role, days, headcount)
    place = location_by_name(ctx, location)
    existing = {row.weekday: row for row in ctx.session.execute(select(StaffingNeed).where(
        StaffingNeed.role == values["role"], StaffingNeed.location_id == place.id)).scalars()}
    rows = []
    for weekday in values["days"]:
        row = existing.get(weekday)
        before = row.headcount if row is not None else None
        if row is None:
            row = StaffingNeed(role=values["role"], location_id=place.id, weekday=weekday)
            ctx.session.add(row)
        row.headcount = values["headcount"]
        rows.append((row, before))
    try:
        ctx.session.flush()
    except IntegrityError as error:
        found = refusals.refusal(error)
        if found is None or found.kind != refusals.UNIQUE:  # only a racing terminal's row is a conflict
            raise
        raise Conflict("another terminal changed these staffing needs just now; try again") from None
    for row, before in rows:
        if before != row.headcount:
            ctx.audit("staffing_need.set", "staffing_need", row.id, summary={
                "role": row.role, "location": place.name, "weekday": WEEKDAYS[row.weekday],
                "headcount": [before, row.headcount]})
    return [_need_record(row, place.name) for row, _ in rows]


def clear_need(ctx: Context, role: str, location: str, days: str = "all") -> list[NeedRecord]:
    """Need nobody of ``role`` at ``location`` on ``days`` any more; returns what was cleared.

    Raises:
        NotFound: there was no such need on any of those days.
    """
    ctx.require(ROTA)
    values = _need_fields(role, days)
    place = location_by_name(ctx, location)
    rows = list(ctx.session.execute(select(StaffingNeed).where(
        StaffingNeed.role == values["role"], StaffingNeed.location_id == place.id,
        StaffingNeed.weekday.in_(values["days"])).order_by(StaffingNeed.weekday)).scalars())
    if not rows:
        raise NotFound(f"no staffing need for {values['role']} at {place.name} on "
                       f"{', '.join(WEEKDAYS[d] for d in values['days'])}")
    cleared = [_need_record(row, place.name) for row in rows]
    for row in rows:
        ctx.session.delete(row)
    ctx.session.flush()
    for need in cleared:
        ctx.audit("staffing_need.cleared", "staffing_need", need.id, summary={
            "role": need.role, "location": place.name, "weekday": need.day_name, "headcount": need.headcount})
    return cleared


def list_needs(ctx: Context, location: str | None = None) -> list[NeedRecord]:
    """The staffing needs, by location, role and weekday."""
    ctx.require(READ)
    places = {loc.id: loc.name for loc in ctx.practice.locations}
    query = select(StaffingNeed)
    if location:
        query = query.where(StaffingNeed.location_id == location_by_name(ctx, location).id)
    rows = ctx.session.execute(query).scalars()
    found = [_need_record(row, places.get(row.location_id, "?")) for row in rows]
    return sorted(found, key=lambda n: (n.location, n.role, n.weekday))


# -- coverage --------------------------------------------------------------------------------


def _locations(ctx: Context, names: Iterable[str]) -> list[Any]:
    wanted = [n for n in names if n and n.strip()]
    if not wanted:
        return sorted(ctx.practice.locations, key=lambda loc: loc.name)
    chosen = {place.id: place for place in (location_by_name(ctx, name) for name in wanted)}
    return sorted(chosen.values(), key=lambda loc: loc.name)


def coverage(ctx: Context, first: str | dt.date, last: str | dt.date, *,
             locations: Iterable[str] = ()) -> list[CoverageRow]:
    """Per local day ``first``…``last``, location (all, or those named) and role: required,
    scheduled, gap and names. A role appears on a day when it is needed or someone works it.

    Raises:
        PermissionDenied: without ``hr.rota_read``.
        ValidationError: bad days, the last before the first, more than a year.
        NotFound: an unknown location.
    """
    ctx.require(READ)
    first_day, last_day = parse_range(first, last)
    places = _locations(ctx, locations)
    place_ids = [loc.id for loc in places]
    if not place_ids:
        return []
    needs: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for need in ctx.session.execute(select(StaffingNeed).where(StaffingNeed.location_id.in_(place_ids))).scalars():
        needs[(need.location_id, need.weekday)][need.role] = need.headcount
    working: dict[tuple[dt.date, int], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for shift in shifts_between(ctx, first_day, last_day, location_ids=place_ids):
        working[(ctx.local(shift.starts_at).date(), shift.location_id)][shift.role].add(shift.staff_id)
    people = {s for roles in working.values() for ids in roles.values() for s in ids}
    leave: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for time_off in approved_leave(ctx, first_day, last_day, people) if people else ():
        leave[time_off.staff_id].append((time_off.first_day, time_off.last_day))
    names = {s.id: s.name for s in staff.list_staff(ctx, include_inactive=True)} if people else {}
    rows: list[CoverageRow] = []
    day = first_day
    while day <= last_day:
        for place in places:
            required = needs.get((place.id, day.weekday()), {})
            on_shift = working.get((day, place.id), {})
            for role in sorted(set(required) | set(on_shift)):
                ids = on_shift.get(role, set())
                away = {s for s in ids if any(a <= day <= b for a, b in leave.get(s, ()))}
                here = sorted(names.get(s, "?") for s in ids - away)
                need = required.get(role, 0)
                rows.append(CoverageRow(day, WEEKDAYS[day.weekday()], place.id, place.name, role, need, len(here),
                                        max(need - len(here), 0), tuple(here),
                                        tuple(sorted(names.get(s, "?") for s in away))))
        day += dt.timedelta(days=1)
    return rows


def _report(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """``scheduling.coverage`` (the id it had in the scheduling plugin, kept for scripts): the coverage table; ``from`` (default today), ``to`` (default
    a week from ``from``), ``location`` (default every location)."""
    if params.get("from"):
        first = params["from"]
    else:
        first = ctx.local(ctx.now()).date().isoformat()
    if params.get("to"):
        last = params["to"]
    else:
        try:
            last = (dt.date.fromisoformat(str(first)) + dt.timedelta(days=DEFAULT_DAYS - 1)).isoformat()
        except ValueError:
            last = first  # parse_range names the bad day
    found = coverage(ctx, first, last, locations=[params["location"]] if params.get("location") else ())
    gaps = sum(1 for r in found if r.gap)
    return ReportResult(
        f"Staff coverage, {first} to {last}",
        ("day", "weekday", "location", "role", "required", "scheduled", "gap", "names", "on leave"),
        [(str(r.day), r.weekday, r.location, r.role, r.required, r.scheduled, r.gap or "", ", ".join(r.names),
          ", ".join(r.on_leave)) for r in found],
        notes=f"{gaps} gap(s). scheduled = people with a shift starting that day there in that role, less those "
              "on approved time off; required = the staffing needs (medoffice rota needs).")


REPORTS = (
    ReportSpec("scheduling.coverage", "Staff coverage", _report, permission=READ, params=("from", "to", "location"),
               description="Per day, location and role: required headcount, people scheduled, gaps."),
)

