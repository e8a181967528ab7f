"""What must never reach the audit trail does not: a summary's passwords, secrets, tokens,
PINs and card numbers are written as ``[redacted]``, however deep, and everything else as
given (medoffice.core.audit.scrub)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import select

from medoffice.core.audit import scrub
from medoffice.core.storage.models import AuditRow


def test_secret_keys_are_redacted_at_any_depth_and_other_values_kept():
    summary = {"password": "hunter22", "new_Password": "x", "api_token": "t", "card": "anything",
               "pin": "1234", "client_secret": "s", "cvv": "123",
               "name": "Ann Lee", "count": 3, "active": True, "note": None,
               "changes": {"phone": "555-0100", "passcode": "999"},
               "items": [{"token": "abc", "qty": 2}, "plain"]}
    assert scrub(summary) == {
        "password": "[redacted]", "new_Password": "[redacted]", "api_token": "[redacted]", "card": "[redacted]",
        "pin": "[redacted]", "client_secret": "[redacted]", "cvv": "[redacted]",
        "name": "Ann Lee", "count": 3, "active": True, "note": None,
        "changes": {"phone": "555-0100", "passcode": "[redacted]"},
        "items": [{"token": "[redacted]", "qty": 2}, "plain"]}


def test_card_numbers_inside_any_text_are_redacted_and_short_numbers_are_not():
    assert scrub({"note": "paid with 4111 1111 1111 1111 today"}) == {"note": "paid with [redacted] today"}
    assert scrub({"note": "4111-1111-1111-1111"}) == {"note": "[redacted]"}
    assert scrub({"note": "card 4111111111111111"}) == {"note": "card [redacted]"}
    assert scrub({"phone": "555-0100", "mrn": "000123", "npi": "1234567893"}) == \
        {"phone": "555-0100", "mrn": "000123", "npi": "1234567893"}
    assert scrub(["4111111111111111"]) == ["[redacted]"]


def test_dates_become_iso_text_and_other_objects_their_text():
    assert scrub({"on": dt.date(2026, 1, 5), "at": dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.timezone.utc),
                  "amount": Decimal("12.50"), 7: "key not text"}) == \
        {"on": "2026-01-05", "at": "2026-01-05T09:30:00+00:00", "amount": "12.50", 7: "key not text"}


def test_an_entry_written_by_a_service_keeps_no_secret(medoffice_practice):
    p = medoffice_practice
    with p.operation("admin") as ctx:
        ctx.audit("user.changed", "user", 1, summary={"username": "ann", "password": "Secret-Pass-1",
                                                      "note": "card 4111 1111 1111 1111"})
    with p.operation("admin", write=False) as ctx:
        stored = ctx.session.execute(select(AuditRow.summary).where(AuditRow.action == "user.changed")).scalar_one()
    assert json.loads(stored) == {"username": "ann", "password": "[redacted]", "note": "card [redacted]"}
    assert "Secret" not in stored and "4111" not in stored
