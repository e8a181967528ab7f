"""The demo practice: realistic, reproducible (``--seed``), made with Faker.

It has two locations with rooms (Main Street at the practice's address, Northside across
town), providers with valid NPIs, front-office staff, the users
``admin``, ``manager``, ``frontdesk`` and ``billing`` (password ``demo``: a demo practice is
the only place a default password exists), and a few hundred patients. Installed plugins add
their own demo data through ``medoffice_populate_demo``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from faker import Faker

from .context import Context
from .demo_accounts import DEMO_PASSWORD, DEMO_USERS
from .records import PracticeRecord
from .runtime import Runtime
from .services import patients, practice, staff, users
from .setup import init_practice
from .validation import luhn_check_digit

LANGUAGES = ["English"] * 8 + ["Spanish", "Vietnamese", "Mandarin", "Haitian Creole"]
PRACTICE_ADDRESS = {"address_line1": "120 River Street", "city": "Riverside", "state": "NY", "postal_code": "12801"}
LOCATIONS = (("Main Street", ("Exam 1", "Exam 2", "Exam 3", "Procedure"), PRACTICE_ADDRESS),
             ("Northside", ("Exam A", "Exam B"), {"address_line1": "45 North Avenue", "address_line2": "Suite 2",
                                                  "city": "Riverside", "state": "NY", "postal_code": "12804-2210"}))
"""The demo's locations, their rooms and addresses (claims name where a visit took place)."""


def fake_npi(rng: random.Random) -> str:
    """A ten-digit NPI with a valid check digit (the Luhn sum over 80840 + the first nine)."""
    body = str(rng.choice("12")) + "".join(str(rng.randrange(10)) for _ in range(8))
    return body + str(luhn_check_digit("80840" + body))


def make_demo(runtime: Runtime, *, seed: int = 1, patient_count: int = 200,
              disabled: Iterable[str] = ()) -> PracticeRecord:
    """Create the demo practice in ``runtime``'s empty database, without the ``disabled`` plugins."""
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    record, _admin = init_practice(
        runtime,
        {
            "name": "Riverside Family Medicine",
            "timezone": "America/New_York",
            "npi": fake_npi(rng),
            "tax_id": f"{rng.randrange(10, 99)}-{rng.randrange(1_000_000, 9_999_999)}",
            "phone": "(555) 010-2000",
            **PRACTICE_ADDRESS,
        },
        admin_username="admin",
        admin_password=DEMO_PASSWORD,
        admin_name="Alex Admin",
        is_demo=True,
        populate=lambda ctx: _populate(ctx, rng, fake, seed, patient_count),
        disabled=disabled,
    )
    return record


def _populate(ctx: Context, rng: random.Random, fake: Faker, seed: int, patient_count: int) -> None:
    for username, name, roles in DEMO_USERS[1:]:
        users.add_user(ctx, username, name, DEMO_PASSWORD, roles)
    for location, rooms, address in LOCATIONS:
        practice.add_location(ctx, location, phone=fake.numerify("(555) 01#-####"), **address)
        for room in rooms:
            practice.add_room(ctx, location, room)
    for title in ("MD", "MD", "DO", "NP"):
        staff.add(ctx, {"name": f"{fake.first_name()} {fake.last_name()}, {title}", "role": "provider",
                        "is_provider": True, "npi": fake_npi(rng)})
    for role in ("front_desk", "front_desk", "medical_assistant", "billing", "office_manager"):
        staff.add(ctx, {"name": fake.name(), "role": role})
    for _ in range(patient_count):
        sex = rng.choice(("female", "male"))
        # A state an 837P accepts (not Palau's PW, which Faker also draws) and a ZIP code of that state.
        state = fake.state_abbr(include_territories=False, include_freely_associated_states=False)
        first = fake.first_name_female() if sex == "female" else fake.first_name_male()
        patients.register(ctx, {
            "first_name": first,
            "last_name": fake.last_name(),
            "date_of_birth": fake.date_of_birth(minimum_age=0, maximum_age=95).isoformat(),
            "sex": sex,
            "phone": fake.numerify("(###) ###-####").replace("(0", "(5").replace("(1", "(5"),
            "email": fake.email() if rng.random() < 0.7 else "",
            "address_line1": fake.street_address(),
            "city": fake.city(),
            "state": state,
            "postal_code": fake.zipcode_in_state(state),
            "preferred_language": rng.choice(LANGUAGES),
            "emergency_name": fake.name() if rng.random() < 0.6 else "",
            "emergency_phone": fake.numerify("(555) ###-####") if rng.random() < 0.6 else "",
        })
    ctx.hooks.populate_demo(ctx, seed)
