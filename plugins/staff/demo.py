"""The staff part of the demo practice (``medoffice demo``): an office manager's HR desk in
mid-flight.

- Trainings: yearly HIPAA and new-hire orientation for everyone, yearly OSHA bloodborne
  pathogens and BLS every two years for providers and medical assistants; completions
  spread over the past years, so some people are overdue and some due soon.
- Onboarding documents (I-9 and W-4 for everyone, a licence copy for providers).
- Openings: a receptionist and a medical assistant (open), a billing specialist (on hold);
  applicants at every stage, with notes, an interview tomorrow, a rejection with its reason,
  and one hired last week (a staff record of the core, with an onboarding list half done).
- Credentials: each provider's state licence (required for work) and DEA registration, one
  DEA expiring within 30 days, a board certification expired (not required), and the
  medical assistant's BLS card expired and required for work.

Everything goes through the plugin's services (validated, audited), as the system user, in
the demo's unit of work. The same seed gives the same demo on the same day.
"""

from __future__ import annotations

import datetime as dt
import random

from medoffice.core.context import Context
from medoffice.core.services import staff as core_staff

from . import credentials, hiring, onboarding, training
from .common import role_key, today

TRAININGS = (
    ("HIPAA privacy and security", ("all",), 12, 30),
    ("New-hire orientation", ("all",), None, 14),
    ("OSHA bloodborne pathogens", ("provider", "medical_assistant"), 12, 30),
    ("BLS (basic life support)", ("provider", "medical_assistant"), 24, 60),
)
"""Name, roles, every N months (None: once), first due within N days."""

DOCUMENTS = (("all", "I-9 employment eligibility", 3), ("all", "W-4 withholding", 3),
             ("provider", "Copy of state licence and DEA", 7))

APPLICANTS = (
    # opening index, name, stage, days ago applied, note
    (0, "Maria Gonzalez", "applied", 2, "Referred by a patient; bilingual English/Spanish."),
    (0, "Tom Becker", "phone screen", 6, "Five years at a dental front desk."),
    (0, "Aisha Rahman", "interview", 10, "Strong scheduling software experience."),
    (0, "Kevin O'Brien", "rejected", 15, "Wanted evening hours only."),
    (1, "Lena Kowalski", "offer", 18, "Certified MA, phlebotomy."),
    (1, "Jamal Carter", "withdrawn", 12, "Took another offer."),
    (1, "Priya Nair", "applied", 1, ""),
)


def populate(ctx: Context, seed: int) -> None:
    rng = random.Random(seed * 7919 + 13)
    now = today(ctx)
    for name, roles, every, within in TRAININGS:
        training.add_requirement(ctx, name, roles, every_months=every, first_within_days=within)
    for role, title, within in DOCUMENTS:
        onboarding.add_document(ctx, role, title, within_days=within)
    people = core_staff.list_staff(ctx)
    _completions(ctx, rng, people, now)
    _credentials(ctx, rng, people, now)
    _hiring(ctx, now)


def _ago(now: dt.date, days: int) -> str:
    return (now - dt.timedelta(days=days)).isoformat()


def _completions(ctx: Context, rng: random.Random, people, now: dt.date) -> None:
    clinical = ("provider", "medical_assistant")
    for index, person in enumerate(people):
        training.complete(ctx, person.id, "New-hire orientation", on=_ago(now, rng.randrange(400, 2000)))
        # Most did HIPAA within the year; every third is a few weeks overdue, one due within days.
        hipaa_ago = 365 + rng.randrange(5, 40) if index % 3 == 0 else 365 - 10 if index == 1 else rng.randrange(30, 300)
        training.complete(ctx, person.id, "HIPAA privacy and security", on=_ago(now, hipaa_ago),
                          certificate=f"HIPAA-{now.year}-{person.id:03d}")
        if role_key(person.role) in clinical:
            training.complete(ctx, person.id, "OSHA bloodborne pathogens", on=_ago(now, rng.randrange(60, 420)))
            training.complete(ctx, person.id, "BLS (basic life support)", on=_ago(now, rng.randrange(100, 700)),
                              certificate=f"AHA-{rng.randrange(10**7, 10**8)}")


def _credentials(ctx: Context, rng: random.Random, people, now: dt.date) -> None:
    providers = [p for p in people if p.is_provider]
    for index, person in enumerate(providers):
        credentials.add(ctx, person.id, {
            "kind": "medical licence" if not person.name.endswith("NP") else "nurse practitioner licence",
            "issuer": "NY", "number": f"{rng.randrange(100000, 999999)}",
            "issued_on": _ago(now, 2000), "expires_on": (now + dt.timedelta(days=200 + 150 * index)).isoformat(),
            "required_for_work": True})
        credentials.add(ctx, person.id, {
            "kind": "DEA registration", "issuer": "DEA", "number": f"B{chr(65 + index)}{rng.randrange(10**6, 10**7)}",
            "expires_on": (now + dt.timedelta(days=24 if index == 0 else 400 + 90 * index)).isoformat(),
            "required_for_work": True})
    if len(providers) > 1:
        credentials.add(ctx, providers[1].id, {"kind": "board certification", "issuer": "ABFM",
                                               "expires_on": _ago(now, 20), "required_for_work": False,
                                               "note": "recertification exam booked"})
    for person in people:
        if role_key(person.role) == "medical_assistant":
            credentials.add(ctx, person.id, {"kind": "BLS card", "issuer": "AHA", "expires_on": _ago(now, 9),
                                             "required_for_work": True})
            credentials.add(ctx, person.id, {"kind": "CMA certification", "issuer": "AAMA",
                                             "expires_on": (now + dt.timedelta(days=75)).isoformat()})


def _hiring(ctx: Context, now: dt.date) -> None:
    openings = [
        hiring.add_opening(ctx, {"title": "Front desk receptionist", "role": "front_desk", "location": "Main Street",
                                 "hours": "Mon-Fri 8:00-16:30", "pay_min": "18.00", "pay_max": "22.00",
                                 "pay_per": "hour"}),
        hiring.add_opening(ctx, {"title": "Medical assistant", "role": "medical_assistant", "location": "Northside",
                                 "hours": "Mon-Thu 7:30-18:00", "pay_min": "20.00", "pay_max": "25.00",
                                 "pay_per": "hour"}),
        hiring.add_opening(ctx, {"title": "Billing specialist", "role": "billing", "hours": "part time, 24 h/week",
                                 "pay_min": "42000", "pay_max": "50000", "pay_per": "year", "status": "on_hold"}),
    ]
    for opening, name, stage, ago, note in APPLICANTS:
        who = hiring.add_applicant(ctx, openings[opening].id, {"name": name, "applied_on": _ago(now, ago),
                                                               "note": note or None})
        if stage == "applied":
            continue
        for step in ("phone screen", "interview", "offer"):
            if stage in ("rejected", "withdrawn") and step == "interview":
                break
            hiring.move(ctx, who.id, step)
            if step == stage:
                break
        if stage == "interview":
            tomorrow = dt.datetime.combine(now + dt.timedelta(days=1), dt.time(14, 0))
            hiring.schedule_interview(ctx, who.id, tomorrow.strftime("%Y-%m-%d %H:%M"),
                                      interviewer="the office manager", place="Main Street, back office")
        if stage == "rejected":
            hiring.move(ctx, who.id, "rejected", reason="needs evening hours only; the desk closes at 16:30")
        if stage == "withdrawn":
            hiring.move(ctx, who.id, "withdrawn", reason="accepted another offer")
    hired = hiring.add_applicant(ctx, openings[0].id, {"name": "Sam Whitfield", "applied_on": _ago(now, 30),
                                                       "note": "Excellent references."})
    hiring.move(ctx, hired.id, "phone screen")
    hiring.move(ctx, hired.id, "interview")
    hiring.move(ctx, hired.id, "offer")
    made = hiring.hire(ctx, hired.id, start=_ago(now, 6))
    training.complete(ctx, made.staff.id, "HIPAA privacy and security", on=_ago(now, 4))
    first_document = next(item for item in made.onboarding if item.kind == "document")
    onboarding.mark_done(ctx, first_document.id)
