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
- Policies: "HIPAA privacy and security" for everyone (version 2, published three weeks
  ago, so the signatures of version 1 no longer count and about half have signed again)
  and "Front desk cash handling" for the front desk (one of two signed); the ``frontdesk``
  and ``manager`` users are linked to a front-desk staff member and the office manager (when
  not linked already), so each can sign in as themselves and acknowledge.
- Evaluations: a five-competency form, the annual review (due a fortnight ago: one signed by
  both, one awaiting the manager, the rest overdue) and the 90-day new-hire review the hire
  of last week got.
- Tasks: the daily fridge temperature log for the medical assistants and the weekly bank
  deposit for the office manager (recurring), and one-off tasks for the front desk and the
  manager, one of them overdue, one in progress with a comment.
- Time clock and payroll: two pay periods of punches with overtime, pay rates, one register
  approved and one to approve (:mod:`.payroll_demo`).

Everything goes through the plugin's services (validated, audited), as the system user, in
the demo's unit of work, except the policies' history from before the practice used
medoffice (back-dated versions and acknowledgments on paper), which the demo files itself
because in the product only the staff member signs for themselves. The same seed gives the same demo on the same day.
"""

from __future__ import annotations

import datetime as dt
import random

from medoffice.core.context import Context
from medoffice.core.services import staff as core_staff

from . import credentials, evaluation_setup, evaluations, hiring, onboarding, payroll_demo, policies, tasks, training
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
    _link_users(ctx, people)
    _started_years_ago(ctx, people, now)
    people = core_staff.list_staff(ctx)
    _evaluation_forms(ctx)
    _policies(ctx, people)
    _hiring(ctx, now)
    _annual_reviews(ctx, people, now)
    _tasks(ctx, people, now)
    payroll_demo.populate(ctx, seed)


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


DEMO_LINKS = (("frontdesk", "front_desk"), ("manager", "office_manager"))
"""Demo users linked to the first staff member of a role, so they act as themselves."""

HIPAA_V1 = """# HIPAA privacy and security

- Look up only the records your work needs; every look-up is logged.
- Lock your screen when you leave the desk (Windows key + L).
- Never discuss a patient where other patients can hear.
"""
HIPAA_V2 = HIPAA_V1 + """- Confirm two identifiers (name and date of birth) before giving out any information
  by phone.
"""
CASH = """# Front desk cash handling

1. Count the drawer with a colleague at opening and closing; both initial the log.
2. Give a printed receipt for every payment.
3. The day's deposit goes in the safe by 17:00; the office manager takes it to the bank.
"""

COMPETENCIES = ("Patient care", "Teamwork", "Reliability", "Communication", "Knowledge of the job")


def _link_users(ctx: Context, people) -> None:
    from sqlalchemy import select

    from medoffice.core.storage.models import Staff, User

    for username, role in DEMO_LINKS:
        user_id = ctx.session.execute(select(User.id).where(User.username == username)).scalar_one_or_none()
        linked = user_id is None or ctx.session.execute(select(Staff.id).where(Staff.user_id == user_id)).first()
        person = next((p for p in people if role_key(p.role) == role and p.user_id is None), None)
        if not linked and person is not None:
            core_staff.update(ctx, person.id, {"user": username})


def _started_years_ago(ctx: Context, people, now: dt.date) -> None:
    """The demo's staff have worked here for years (``staff add`` recorded today as their
    start): a policy published weeks ago is then theirs to sign from its publication."""
    from .models import Member

    for index, person in enumerate(people):
        member = ctx.session.get(Member, person.id)
        if member is not None:
            member.hired_on = now - dt.timedelta(days=500 + 170 * index)
    ctx.session.flush()


def _paper_history(ctx: Context, title: str, *, published_days_ago: int,
                   signed: list[tuple[int, int]]) -> None:
    """Back-date the version in force of a policy and file the acknowledgments made before
    the practice used medoffice: (staff id, days ago). Only the demo writes history this way;
    in the product each staff member acknowledges for themselves (:func:`.policies.acknowledge`)."""
    from sqlalchemy import select

    from .models import Policy, PolicyAck, PolicyVersion

    version = ctx.session.execute(select(PolicyVersion).join(Policy, Policy.id == PolicyVersion.policy_id)
                                  .where(Policy.title == title).order_by(PolicyVersion.number.desc())).scalars().first()
    moment = ctx.now() - dt.timedelta(days=published_days_ago)
    version.published_at, version.published_on = moment, today(ctx) - dt.timedelta(days=published_days_ago)
    for staff_id, ago in signed:
        ctx.session.add(PolicyAck(version_id=version.id, staff_id=staff_id, username="demo",
                                  acknowledged_at=ctx.now() - dt.timedelta(days=ago, hours=3)))
    ctx.session.flush()
    ctx.audit("hr.policy.demo_history", "staff_policy", version.policy_id,
              summary={"version": version.number, "acknowledgments": len(signed)})


def _policies(ctx: Context, people) -> None:
    policies.add(ctx, "HIPAA privacy and security", "HIPAA", ["all"], body=HIPAA_V1, within_days=14)
    _paper_history(ctx, "HIPAA privacy and security", published_days_ago=400,
                   signed=[(p.id, 390) for p in people])
    # Version 2, three weeks ago, asks everyone again: about half have signed it since.
    policies.publish(ctx, "HIPAA privacy and security", body=HIPAA_V2,
                     note="confirm two identifiers before giving information by phone")
    unlinked = [p for p in people if p.user_id is None]
    _paper_history(ctx, "HIPAA privacy and security", published_days_ago=21,
                   signed=[(p.id, 20 - i) for i, p in enumerate(unlinked) if i % 2 == 0])
    policies.add(ctx, "Front desk cash handling", "Front desk", ["front_desk"], body=CASH, within_days=7)
    desk = [p for p in unlinked if role_key(p.role) == "front_desk"]
    _paper_history(ctx, "Front desk cash handling", published_days_ago=3, signed=[(p.id, 2) for p in desk[:1]])


def _evaluation_forms(ctx: Context) -> None:
    evaluation_setup.add_template(ctx, "Staff performance", COMPETENCIES, ["Strengths", "To work on"],
                             scale_labels="1 unsatisfactory, 2 needs improvement, 3 meets, 4 exceeds, 5 outstanding")
    evaluation_setup.add_cycle(ctx, "Annual review", "annual", "Staff performance")
    evaluation_setup.add_cycle(ctx, "90-day review", "new_hire", "Staff performance", days_after_hire=90)


def _annual_reviews(ctx: Context, people, now: dt.date) -> None:
    made = evaluations.schedule(ctx, "Annual review", due=(now - dt.timedelta(days=14)).isoformat(),
                                staff_ids=[p.id for p in people])
    ratings = dict(zip(COMPETENCIES, (4, 5, 4, 3, 4), strict=True))
    unlinked = {p.id for p in people if p.user_id is None}
    for index, review in enumerate([e for e in made if e.staff_id in unlinked][:2]):
        evaluations.waive_self(ctx, review.id, reason="self-assessment handed in on paper")
        evaluations.review(ctx, review.id, ratings=ratings, texts={"Strengths": "Calm and kind with patients."},
                           goals="Lead the new-hire orientation; finish the coding course.")
        if index == 0:
            evaluations.sign(ctx, review.id)


def _tasks(ctx: Context, people, now: dt.date) -> None:
    tasks.add_recurring(ctx, "Log the vaccine fridge temperature", "day", role="medical_assistant",
                        starts=_ago(now, 30), priority="high",
                        note="Min/max on the log sheet by 9:00; call the manager if outside 2-8 C.")
    tasks.add_recurring(ctx, "Take the bank deposit", "week", role="manager", starts=_ago(now, (now.weekday() - 4) % 7),
                        note="Cash and checks from the desk safe; deposit slip in the binder.")
    tasks.add(ctx, "Call back patients on the no-show list", role="front_desk", due=_ago(now, 2), priority="high")
    desk = next((p for p in people if role_key(p.role) == "front_desk"), None)
    if desk is not None:
        started = tasks.add(ctx, "Restock the waiting room brochures", staff_id=desk.id, due=_ago(now, -1),
                            priority="low")
        tasks.start(ctx, started.id)
        tasks.comment(ctx, started.id, "Flu season leaflets ordered; the rest are in the supply closet.")
    tasks.add(ctx, "Renew the CLIA waiver certificate", role="manager", due=_ago(now, -20),
              note="Form CMS-116; the lab director signs.")
