"""The desk's key budgets for billing: every key is typed, without pauses, from a cold start,
and counted.

- Register a walk-in with insurance: from F3 to a saved policy. The count is kept (and
  written in docs/billing.md): a change that costs the desk keys makes this test fail.
- Copay at check-in: at most 5 keys from the moment the desk has checked the patient in on
  the day board to the receipt on the screen.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from medoffice.core.services import patients
from medoffice.plugins.billing import ledger, policies
from medoffice.plugins.billing.screens.billing_panel import BillingPanel
from medoffice.plugins.billing.screens.insurance import InsuranceScreen
from medoffice.plugins.billing.screens.take_payment import TakePaymentScreen
from medoffice.testing import wait_for
from medoffice.tui.screens.patient_card import PatientCardScreen

SMALL = (80, 24)
WALK_IN_WITH_INSURANCE = 33
"""F3, the walk-in's name, birth date and sex (Tab between fields), Ctrl+S; then on the card
i, "acm", Enter, the member ID, Ctrl+S (docs/billing.md#key-budgets)."""
COPAY_AT_CHECK_IN = 5


class Keys:
    """Presses keys and counts them."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)


@pytest.mark.medoffice_plugins("billing")
async def test_register_a_walk_in_with_insurance(medoffice_practice, world):
    """Wu Walker walks in with an Acme Health card: registered and insured in 33 keys."""
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
        keys = Keys(pilot)
        await keys.press("f3", *"Wu", "tab", "tab", *"Walker", "tab", *"1990-01-02", "tab", "m", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen) and bool(app.screen.query(BillingPanel))
                       and app.screen.query_one(BillingPanel).policies is not None)  # "none on file: self-pay"
        await keys.press("i", *"acm", "enter", *"W1", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, InsuranceScreen) and app.screen.changed)
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        (walker,) = [m.patient for m in patients.find(ctx, "Walker")]
        (policy,) = policies.list_policies(ctx, walker.mrn)
    assert (walker.first_name, str(walker.date_of_birth), policy.payer, policy.member_id, policy.rank) == (
        "Wu", "1990-01-02", "Acme Health", "W1", "primary")
    assert keys.count == WALK_IN_WITH_INSURANCE


@pytest.mark.medoffice_plugins("scheduling", "billing")
async def test_copay_at_check_in_in_five_keys(medoffice_practice, world):
    """Ann (Acme, copay 25.00) is checked in on the board for her 10:30 visit; she owes
    nothing yet. Enter opens her card, p takes a payment with the copay offered, Enter on the
    amount, the method (card) and the reference: the receipt shows, 25.00 held."""
    from medoffice.plugins.scheduling import booking, catalogue
    from medoffice.plugins.scheduling.screens.day_board import DayBoardScreen

    with medoffice_practice.operation("admin") as ctx:
        catalogue.add_type(ctx, "Check-up", 30)
        catalogue.add_template(ctx, world.adams, "mon", "09:00", "12:00", "Main")
    with medoffice_practice.operation("frontdesk") as ctx:
        booking.book(ctx, world.ann, world.adams, "Check-up", "2026-01-05 10:30")
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen) and app.screen.data is not None
                       and app.screen.selected() is not None)
        await pilot.press("c")
        await wait_for(pilot, lambda: app.screen.selected() is not None and app.screen.selected().status == "arrived")
        keys = Keys(pilot)
        await keys.press("enter", "p", "enter", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TakePaymentScreen) and app.screen.taken is not None)
        assert "Paid before the visit" in app.screen.taken.receipt
    assert keys.count <= COPAY_AT_CHECK_IN
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert ledger.balance(ctx, world.ann) == Decimal("-25.00")
