"""What every booking and slot search asks of the staff plugin, kept in memory per runtime.

A booking asks whether its provider has approved time off on its days (the ``staff``
role's ``days_off``, which the scheduling plugin's availability rules ask) and whether a
credential their work requires has expired by then with no manager's override
(``medoffice_validate_appointment``; the slot finder asks ``days_blocked``). Both are answered
here from every approved time off, every active required credential with an expiry and every
override not ended, read once per generation of them and kept by the runtime
(:meth:`~medoffice.core.context.Context.cached`): while nothing changed a booking reads none of
those rows. The generation, ``staff_generation``, is raised by triggers on ``staff_time_off``,
``staff_credential`` and ``staff_credential_override`` (migration sta0007) in the transaction
that changes them, whoever writes, and read with the other owners' generations in the one
statement each unit of work begins with: another terminal's new leave, renewal or override is
seen by the next unit of work.

What is kept is facts with their days, never an answer for a day: a credential that expires
tonight blocks tomorrow's bookings from the same kept copy, and an override stops letting
bookings through after its day, without any row changing.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from itertools import groupby
from types import MappingProxyType

import attrs
from sqlalchemy import select

from medoffice.core.context import Context
from medoffice.core.storage.plain import Statement

from .models import OWNER, Credential, CredentialOverride, TimeOff

Span = tuple[dt.date, dt.date]
"""The first and last local day of an approved time off."""


@attrs.frozen
class Leave:
    """One staff member's approved time off, every one, by first day: found by bisection,
    whatever the history's length."""

    firsts: tuple[dt.date, ...]
    spans: tuple[Span, ...]
    longest: dt.timedelta
    """The longest one's length: how far before a range one that touches it may begin."""

    def touching(self, first: dt.date, last: dt.date) -> list[Span]:
        """The spans that share a day with ``first``…``last``, by first day."""
        low = bisect_left(self.firsts, first - self.longest)
        high = bisect_right(self.firsts, last)
        return [span for span in self.spans[low:high] if span[1] >= first]


@attrs.frozen
class RequiredCredential:
    """An active credential that work requires and that expires: what its block says."""

    id: int
    staff_id: int
    kind: str
    issuer: str | None
    expires_on: dt.date


@attrs.frozen
class OpenOverride:
    """A manager's override not ended: it lets its credential's holder work through ``until``."""

    id: int
    credential_id: int
    until: dt.date


@attrs.frozen
class RequiredCredentials:
    """Every staff member's required credentials by expiry, and the open overrides of each
    credential by their last day."""

    by_staff: Mapping[int, tuple[RequiredCredential, ...]]
    overrides: Mapping[int, tuple[OpenOverride, ...]]


def _day(value: str | dt.date) -> dt.date:
    """A date column's value as a plain statement returns it (SQLite's text, or a date)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


_APPROVED = Statement(select(TimeOff.staff_id, TimeOff.first_day, TimeOff.last_day)
                      .where(TimeOff.status == "approved")
                      .order_by(TimeOff.staff_id, TimeOff.first_day, TimeOff.id))
_REQUIRED = Statement(select(Credential.id, Credential.staff_id, Credential.kind, Credential.issuer,
                             Credential.expires_on)
                      .where(Credential.active.is_(True), Credential.required_for_work.is_(True),
                             Credential.expires_on.is_not(None))
                      .order_by(Credential.staff_id, Credential.expires_on, Credential.id))
_OPEN_OVERRIDES = Statement(select(CredentialOverride.id, CredentialOverride.credential_id, CredentialOverride.until)
                            .where(CredentialOverride.ended_at.is_(None))
                            .order_by(CredentialOverride.credential_id, CredentialOverride.until,
                                      CredentialOverride.id))


def _every_leave(ctx: Context) -> Mapping[int, Leave]:
    """Every approved time off, per staff member (one statement, once per generation)."""
    kept: dict[int, Leave] = {}
    for staff_id, rows in groupby(ctx.plain_rows(_APPROVED), key=lambda row: row[0]):
        spans = tuple((_day(first), _day(last)) for _, first, last in rows)
        kept[staff_id] = Leave(tuple(span[0] for span in spans), spans, max(last - first for first, last in spans))
    return MappingProxyType(kept)


def _every_required_credential(ctx: Context) -> RequiredCredentials:
    """Every active required credential with an expiry and every open override (two
    statements, once per generation)."""
    by_staff = {staff_id: tuple(RequiredCredential(id_, staff_id, kind, issuer, _day(expires))
                                for id_, _, kind, issuer, expires in rows)
                for staff_id, rows in groupby(ctx.plain_rows(_REQUIRED), key=lambda row: row[1])}
    overrides = {credential_id: tuple(OpenOverride(id_, credential_id, _day(until)) for id_, _, until in rows)
                 for credential_id, rows in groupby(ctx.plain_rows(_OPEN_OVERRIDES), key=lambda row: row[1])}
    return RequiredCredentials(MappingProxyType(by_staff), MappingProxyType(overrides))


def days_off(ctx: Context, staff_ids: Iterable[int], first: dt.date, last: dt.date) -> dict[int, list[Span]]:
    """Approved time off of ``staff_ids`` touching local days ``first``…``last``, per staff
    member who has any, by first day: from the kept copy, no statement while it holds."""
    kept = ctx.cached(f"{OWNER}.leave", _every_leave)
    found: dict[int, list[Span]] = {}
    for staff_id in sorted(set(staff_ids)):
        leave = kept.get(staff_id)
        if leave is not None:
            spans = leave.touching(first, last)
            if spans:
                found[staff_id] = spans
    return found


def required_credentials(ctx: Context) -> RequiredCredentials:
    """The required credentials and open overrides: from the kept copy, no statement while it
    holds."""
    return ctx.cached(f"{OWNER}.required_credentials", _every_required_credential)
