"""The billing world made billable for claims: the practice's identity for the 837P, the
patients' addresses, and closed encounters with their diagnoses and charge lines.

Practice: NPI ``npi(90)``, EIN 12-3456789, 1 Clinic Way, New York NY 10001-1234, phone,
taxonomy 207Q00000X (family medicine).
Ann lives at 2 Oak St; Cy (child on her father Dan's Blue Plan) at 3 Elm St.
"""

from __future__ import annotations

import io

import pyx12.params
import pyx12.x12n_document

from medoffice.core.services import patients
from medoffice.core.services import practice as practice_service
from medoffice.plugins.billing import encounters, settings

from .conftest import npi

PRACTICE_NPI = npi(90)
TAXONOMY = "207Q00000X"
IDENTITY = {"npi": PRACTICE_NPI, "tax_id": "12-3456789", "phone": "212-555-0100", "address_line1": "1 Clinic Way",
            "city": "New York", "state": "NY", "postal_code": "10001-1234"}


def make_billable(practice, world) -> None:
    with practice.operation("admin") as ctx:
        practice_service.update(ctx, IDENTITY)
        patients.update(ctx, world.ann, {"address_line1": "2 Oak St", "city": "New York", "state": "NY",
                                         "postal_code": "10002"})
        patients.update(ctx, world.cy, {"address_line1": "3 Elm St", "city": "New York", "state": "NY",
                                        "postal_code": "10003"})
    with practice.operation("billing") as ctx:
        settings.set_taxonomy(ctx, TAXONOMY)


def encounter(practice, world, mrn, *, diagnoses=("J06.9", "R05.9"), lines=(("99213", (1, 2), ("25",), 1),
                                                                             ("36415", (1,), (), 2)),
              close=True, day=None, provider=None, location=None) -> int:
    """A closed encounter with Dr Adams (or ``provider``, a staff id), at no location (or
    ``location``, by name): by default an office visit (95.00) and two blood draws
    (2 x 12.50), 120.00 in all."""
    with practice.operation("billing") as ctx:
        found = encounters.open_encounter(ctx, mrn, provider or world.adams, date_of_service=day,
                                          location=location)
        number = found.encounter.id
        if diagnoses:
            encounters.add_diagnoses(ctx, number, list(diagnoses))
        for code, pointers, modifiers, units in lines:
            encounters.add_charge(ctx, number, code, units=units, modifiers=modifiers, pointers=pointers)
        if close:
            encounters.close_encounter(ctx, number)
    return number


def pyx12_errors(text: str) -> list[str]:
    """What the independent validator pyx12 finds wrong in an X12 file (empty: valid).

    Its JSON error report is read for every error at every level (interchange, group,
    transaction, segment, element); a file it cannot read at all is an error too.
    """
    import json

    report = io.StringIO()
    valid = pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), None, None, fd_json=report)
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "errors" and isinstance(value, list):
                    found.extend(str(e.get("err_str", e)) if isinstance(e, dict) else str(e) for e in value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(report.getvalue() or "{}"))
    if not valid and not found:
        found.append("pyx12 judged the file invalid")
    return found


def claim_sent(practice, encounter_id) -> int:
    """Build, scrub and export the primary claim of an encounter; its id."""
    from medoffice.plugins.billing import claims
    from medoffice.plugins.billing.x12 import batches

    with practice.operation("billing") as ctx:
        (built,) = claims.build_claims(ctx, [encounter_id]).built
        claims.scrub_claims(ctx, [built.id])
        batches.export_batch(ctx, [built.id])
    return built.id


def ar_world(practice, world):
    """Four visits of 120.00 each (99213 95.00 + 2 x 36415 12.50), as of Monday 2026-01-05:

    - Ann, 2025-10-01: Acme paid 80.00 and wrote 15.00 off (contractual) on 2026-01-05; the
      claim is paid; Ann paid 10.00 cash that day. 15.00 left, hers, 96 days old.
    - Ann, 2025-12-20: the claim to Acme is submitted. 120.00, Acme's, 16 days old.
    - Cy, 2025-11-20: the claim to Blue Plan is submitted. 120.00, Blue Plan's, 46 days old.
    - Bo (self-pay), 2025-10-20: a 20.00 courtesy write-off on 2026-01-05. 100.00, his, 77 days.
    """
    from medoffice.plugins.billing import claims, ledger

    make_billable(practice, world)
    ann_old = encounter(practice, world, world.ann, day="2025-10-01")
    ann_new = encounter(practice, world, world.ann, day="2025-12-20")
    cy = encounter(practice, world, world.cy, day="2025-11-20")
    bo = encounter(practice, world, world.bo, day="2025-10-20")
    paid_claim = claim_sent(practice, ann_old)
    claim_sent(practice, ann_new)
    claim_sent(practice, cy)
    with practice.operation("billing") as ctx:
        lines = [line.id for line in encounters.get_encounter(ctx, ann_old).encounter.lines]
        ledger.post_insurance_payment(ctx, world.ann, "Acme Health", "80.00", "EFT-1", method="eft",
                                      charge_ids=lines)
        ledger.adjust(ctx, world.ann, "15.00", "contractual", charge_id=lines[0], payer="Acme Health",
                      reason_code="CO-45")
        claims.set_status(ctx, paid_claim, "paid", note="EFT-1")
        ledger.take_payment(ctx, world.ann, "10.00", "cash")
        ledger.adjust(ctx, world.bo, "20.00", "courtesy")
    return {"ann_old": ann_old, "ann_new": ann_new, "cy": cy, "bo": bo}
