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


def test_the_compact_json_an_entry_is_written_and_signed_in_is_json_dumps_character_for_character():
    """An entry's summary and its signed canonical form are written by an encoder made once
    (medoffice.core.audit.chain.compact_json): whatever a summary holds, the text must be
    what ``json.dumps`` with the same options writes, or ``audit verify`` of entries written
    before would fail."""
    from hypothesis import given, settings, strategies as st

    from medoffice.core.audit.chain import compact_json

    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner,
                                                                                                max_size=4),
                          max_leaves=20)
    for sort_keys in (True, False):
        encode = compact_json(sort_keys=sort_keys)

        @settings(max_examples=300, deadline=None)
        @given(values)
        def same(value):
            assert encode(value) == json.dumps(value, sort_keys=sort_keys, separators=(",", ":"))

        same()


def test_an_entrys_mac_is_the_documented_hmac_of_the_hash_before_and_its_canonical_json():
    """``hash = HMAC-SHA-256(key, prev_hash + 0x1f + JSON of [seq, at (UTC, microseconds),
    user_id, username, action, entity, entity_id, patient_id, summary])``, computed here the
    long way: entries written by earlier versions must keep verifying."""
    import hashlib
    import hmac

    from medoffice.core.audit.chain import row_hash

    at = dt.datetime(2026, 3, 8, 9, 30, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    row = AuditRow(seq=7, at=at, user_id=3, username="desk", action="patient.registered", entity="patient",
                   entity_id="000123", patient_id=9, summary='{"mrn":"000123","note":"caf\\u00e9"}',
                   prev_hash="ab" * 32, hash="")
    fields = [7, "2026-03-08T14:30:00.000005+00:00", 3, "desk", "patient.registered", "patient", "000123", 9,
              row.summary]
    expected = hmac.new(b"k" * 32, ("ab" * 32).encode() + b"\x1f" + json.dumps(fields, separators=(",", ":")).encode(),
                        hashlib.sha256).hexdigest()
    assert row_hash(b"k" * 32, "ab" * 32, row) == expected
    assert row_hash(b"j" * 32, "ab" * 32, row) != expected
