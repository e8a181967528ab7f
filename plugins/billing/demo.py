"""The billing part of the demo practice (``medoffice demo``): a fee schedule, payers,
patients' insurance, four months of visits with their charges, payments at the desk and from
insurers, and claims at every step, so that a newcomer finds an office with money to follow.

What the demo holds, by the age of each visit (days before today):

- 35 days and older: closed, claimed and sent in a batch (837P, test usage); most claims
  paid (the insurer's EFT and a contractual write-off posted), one denied, the rest still
  submitted, so the A/R aging has numbers by payer;
- 8 to 34 days: closed and claimed, the claims scrubbed and ready to export;
- 2 to 7 days: closed, not claimed yet (``claims build`` has work);
- today: two visits charged and closed with their copays (the day sheet has numbers) and
  two still open for charge entry, one with its diagnosis entered.

Insured patients pay their copay at the desk on the day of the visit; self-pay patients pay
all, part or nothing, so statements have balances. Everything goes through billing's own
services (validated, audited), as the system user, in the demo's unit of work. The same
seed gives the same demo on the same day. Codes and fees only: the descriptions are the
demo practice's own short words, not the AMA's CPT descriptors.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal

from medoffice.core.context import Context
from medoffice.core.records import PatientRecord, StaffRecord
from medoffice.core.services import patients, practice, staff

from . import claims, drugs, encounters, fees, ledger, payers, policies, settings
from .common import today as practice_today
from .money import CENT
from .x12 import batches
from .x12.p837 import digits

FEES: tuple[tuple[str, str, str], ...] = (
    ("99202", "95.00", "Office visit, new, level 2"),
    ("99203", "140.00", "Office visit, new, level 3"),
    ("99212", "65.00", "Office visit, established, level 2"),
    ("99213", "95.00", "Office visit, established, level 3"),
    ("99214", "140.00", "Office visit, established, level 4"),
    ("99396", "220.00", "Preventive visit, established, 40-64"),
    ("36415", "12.50", "Blood draw"),
    ("80061", "38.00", "Lipid panel"),
    ("81002", "8.25", "Urine dipstick"),
    ("85025", "22.00", "Blood count"),
    ("87880", "28.00", "Rapid strep test"),
    ("90471", "25.00", "Vaccine administration"),
    ("90686", "35.00", "Flu vaccine"),
    ("96372", "30.00", "Injection"),
    ("J3420", "25.00", "Vitamin B12, up to 1000 mcg"),
)
"""Code, fee per unit, the practice's own wording."""

PAYERS: tuple[dict[str, str], ...] = (
    {"name": "Acme Health", "payer_code": "ACME1", "claim_filing_code": "CI", "address_line1": "100 Insurance Way",
     "city": "Hartford", "state": "CT", "postal_code": "06101", "phone": "(555) 014-1000"},
    {"name": "Bluestone Plan", "payer_code": "BLST2", "claim_filing_code": "BL", "address_line1": "PO Box 2200",
     "city": "Albany", "state": "NY", "postal_code": "12201", "phone": "(555) 014-2000"},
    {"name": "Medicare Part B", "payer_code": "MCRB3", "claim_filing_code": "MB", "address_line1": "PO Box 3300",
     "city": "Syracuse", "state": "NY", "postal_code": "13201", "phone": "(555) 014-3000"},
)
COPAYS = {"Acme Health": Decimal("25.00"), "Bluestone Plan": Decimal("30.00"), "Medicare Part B": Decimal("0.00")}
MEMBER_PREFIX = {"Acme Health": "ACM", "Bluestone Plan": "BLS", "Medicare Part B": "MCR"}

VISITS: tuple[tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...], tuple[int, ...]], ...]], ...] = (
    # (diagnoses, lines: (code, modifiers, pointers))
    (("J06.9",), (("99213", (), (1,)),)),
    (("J02.9",), (("99213", (), (1,)), ("87880", (), (1,)))),
    (("I10", "E11.9"), (("99214", (), (1, 2)), ("36415", (), (2,)), ("85025", (), (2,)))),
    (("E78.5", "I10"), (("99214", (), (1, 2)), ("36415", (), (1,)), ("80061", (), (1,)))),
    (("N39.0",), (("99213", (), (1,)), ("81002", (), (1,)))),
    (("Z00.00",), (("99396", (), (1,)), ("36415", (), (1,)), ("80061", (), (1,)))),
    (("J20.9", "Z23"), (("99213", ("25",), (1,)), ("90686", (), (2,)), ("90471", (), (2,)))),
    (("E66.9", "K21.9"), (("99212", (), (1, 2)),)),
    (("F41.1",), (("99214", (), (1,)),)),
    (("E53.8",), (("99212", (), (1,)), ("J3420", (), (1,)), ("96372", (), (1,)))),
)
"""What a demo visit may have been: its diagnoses and its charge lines."""

VISIT_COUNT = 48
OLDEST = 120
"""Visits spread over the last 120 days, so every aging bucket has something."""
CLAIMED_AFTER = 8
SENT_AFTER = 35
PAYERS_PAY_AFTER = 21
"""Days from the date of service to the insurer's payment."""

RECEIVER = {"receiver_id": "DEMOCLEARING", "receiver_name": "DEMO CLEARINGHOUSE"}
DEMO_ZIP4 = "0001"
"""Added to a five-digit practice ZIP code: an 837P's billing provider needs ZIP+4."""
TAXONOMY = "207Q00000X"
"""Family medicine (NUCC), the demo practice's specialty on its claims (PRV*BI)."""
NDCS = (("J3420", "99999-0342-01", "ML", "1"),)
"""The demo's drug and its NDC (a made-up labeler, 99999): 1 mL of B12 per unit (837P 2410)."""


def populate(ctx: Context, seed: int) -> None:
    """Add the billing demo to the demo practice being made in ``ctx``."""
    rng = random.Random(f"billing-demo-{seed}")
    for code, fee, description in FEES:
        fees.set_fee(ctx, code, fee, description=description)
    for data in PAYERS:
        payers.add_payer(ctx, data)
    _zip_plus_four(ctx)
    settings.set_taxonomy(ctx, TAXONOMY)
    for code, ndc, unit, quantity in NDCS:
        drugs.set_ndc(ctx, code, ndc, unit=unit, quantity=quantity)
    providers = staff.list_staff(ctx, providers_only=True)
    people = list(patients.iter_all(ctx, include_inactive=False))
    if not providers or not people:
        return
    today = practice_today(ctx)
    insured = _policies(ctx, rng, people, today)
    _visits(ctx, rng, people, providers, insured, today)


def _zip_plus_four(ctx: Context) -> None:
    """Claims need the practice's nine-digit ZIP code; the demo practice is given one."""
    postal = ctx.practice.address.postal_code or ""
    if len(digits(postal)) == 5:
        practice.update(ctx, {"postal_code": f"{digits(postal)}-{DEMO_ZIP4}"})


def _age(patient: PatientRecord, today: dt.date) -> int:
    born = patient.date_of_birth
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _policies(ctx: Context, rng: random.Random, people: Sequence[PatientRecord], today: dt.date) -> dict[str, str]:
    """Primary policies for about two patients in three (Medicare from 65, children on a
    parent's plan), a secondary for some on Medicare. Returns MRN -> primary payer's name."""
    insured: dict[str, str] = {}
    secondaries = 0
    for patient in people:
        if rng.random() >= 0.65:
            continue
        age = _age(patient, today)
        payer = "Medicare Part B" if age >= 65 else rng.choice(("Acme Health", "Bluestone Plan"))
        data: dict[str, str] = {"member_id": f"{MEMBER_PREFIX[payer]}{rng.randrange(10**7, 10**8)}",
                                "copay": str(COPAYS[payer])}
        if payer != "Medicare Part B":
            data["group_number"] = f"G{rng.randrange(1000, 9999)}"
        if age < 18:
            parent_born = patient.date_of_birth - dt.timedelta(days=rng.randrange(22 * 365, 40 * 365))
            data |= {"relationship": "child", "subscriber_first_name": rng.choice(("Jordan", "Casey", "Morgan",
                                                                                   "Taylor", "Riley")),
                     "subscriber_last_name": patient.last_name, "subscriber_date_of_birth": parent_born.isoformat(),
                     "subscriber_sex": rng.choice(("female", "male"))}
        policies.add_policy(ctx, patient.mrn, payer, data)
        insured[patient.mrn] = payer
        if payer == "Medicare Part B" and (secondaries == 0 or rng.random() < 0.3):
            policies.add_policy(ctx, patient.mrn, "Acme Health", {
                "rank": "secondary", "member_id": f"ACM{rng.randrange(10**7, 10**8)}", "group_number": "MEDIGAP1"})
            secondaries += 1
    return insured


def _ages(rng: random.Random, count: int) -> list[int]:
    """``count`` visits' ages in days, oldest first, the last two today."""
    return sorted((rng.randrange(2, OLDEST) for _ in range(max(count - 2, 0))), reverse=True) + [0, 0][:count]


def _visits(ctx: Context, rng: random.Random, people: Sequence[PatientRecord], providers: Sequence[StaffRecord],
            insured: dict[str, str], today: dt.date) -> None:
    locations = [loc.name for loc in ctx.practice.locations]
    chosen = rng.sample(list(people), min(len(people), VISIT_COUNT))
    ages = _ages(rng, len(chosen))
    sent: list[tuple[int, PatientRecord, dt.date, str]] = []  # (encounter, patient, day, payer)
    to_claim: list[int] = []
    for patient, age in zip(chosen, ages):
        day = today - dt.timedelta(days=age)
        provider = rng.choice(list(providers))
        opened = encounters.open_encounter(ctx, patient.mrn, provider.id, date_of_service=day,
                                           location=rng.choice(locations) if locations else None)
        number = opened.encounter.id
        diagnoses, lines = rng.choice(VISITS)
        encounters.add_diagnoses(ctx, number, diagnoses)
        for code, modifiers, pointers in lines:
            encounters.add_charge(ctx, number, code, modifiers=modifiers, pointers=pointers)
        closed = encounters.close_encounter(ctx, number)
        _pay_at_the_desk(ctx, rng, patient, insured.get(patient.mrn), closed.total, day)
        if patient.mrn in insured and age >= CLAIMED_AFTER:
            to_claim.append(number)
            if age >= SENT_AFTER:
                sent.append((number, patient, day, insured[patient.mrn]))
    _still_open(ctx, rng, people, chosen, providers, today)
    if not to_claim:
        return
    built = {c.encounter_id: c for c in claims.build_claims(ctx, to_claim).built}
    claims.scrub_claims(ctx, [c.id for c in built.values()])
    ready = {c.encounter_id: c for c in claims.list_claims(ctx, status="ready")}
    outgoing = [ready[e].id for e, *_ in sent if e in ready]
    if not outgoing:
        return
    batches.export_batch(ctx, outgoing, usage="T", **RECEIVER)
    for index, (number, patient, day, payer) in enumerate(sent):
        if number not in ready:
            continue
        claim = ready[number]
        paid_on = min(day + dt.timedelta(days=PAYERS_PAY_AFTER), today)
        if index % 9 == 4:
            claims.set_status(ctx, claim.id, "denied", note="CO-16: claim lacks information (demo)")
        elif index % 5 != 3:
            _insurer_pays(ctx, rng, patient, payer, claim.id, paid_on)


def _pay_at_the_desk(ctx: Context, rng: random.Random, patient: PatientRecord, payer: str | None, total: Decimal,
                     day: dt.date) -> None:
    """The copay at the visit for most insured patients; all, part or nothing from self-pay ones."""
    if payer is not None:
        amount = min(COPAYS[payer], total)
        if amount <= 0 or rng.random() >= 0.85:
            return
    else:
        share = rng.choice((Decimal("1"), Decimal("1"), Decimal("0.5"), Decimal("0")))
        amount = (total * share).quantize(CENT)
        if amount <= 0:
            return
    method = rng.choice(("card", "card", "cash", "check"))
    reference = {"card": f"VISA {rng.randrange(1000, 9999)}", "check": f"CHK {rng.randrange(100, 9999)}"}.get(method)
    ledger.take_payment(ctx, patient.mrn, amount, method, reference=reference, received_on=day)


def _insurer_pays(ctx: Context, rng: random.Random, patient: PatientRecord, payer: str, claim_id: int,
                  paid_on: dt.date) -> None:
    """The payer pays about 70% of what is left on the claim's lines by EFT and the practice
    writes off the contractual part; the claim is marked paid."""
    claim = claims.get_claim(ctx, claim_id)
    lines = {line.charge_id for line in claim.lines}
    left = sum((part for charge, part in ledger.outstanding_lines(ctx, patient.id) if charge.id in lines),
               Decimal("0.00"))
    if left > 0:
        paid = (left * Decimal(rng.choice(("0.65", "0.70", "0.75")))).quantize(CENT)
        ledger.post_insurance_payment(ctx, patient.mrn, payer, paid, f"EFT {rng.randrange(10**8, 10**9)}",
                                      method="eft", charge_ids=sorted(lines), received_on=paid_on)
        written_off = ((left - paid) * Decimal("0.6")).quantize(CENT)
        if written_off > 0:
            ledger.adjust(ctx, patient.mrn, written_off, "contractual", reason_code="CO-45", payer=payer,
                          adjusted_on=paid_on)
    claims.set_status(ctx, claim_id, "paid", note="paid (demo)")


def _still_open(ctx: Context, rng: random.Random, people: Sequence[PatientRecord], taken: Sequence[PatientRecord],
                providers: Sequence[StaffRecord], today: dt.date) -> None:
    """Two of today's visits wait for charge entry, one with its diagnosis already entered."""
    others = [p for p in people if p not in taken] or list(people)
    for index, patient in enumerate(rng.sample(others, min(2, len(others)))):
        opened = encounters.open_encounter(ctx, patient.mrn, rng.choice(list(providers)).id, date_of_service=today)
        if index == 0:
            encounters.add_diagnoses(ctx, opened.encounter.id, [rng.choice(VISITS)[0][0]])
