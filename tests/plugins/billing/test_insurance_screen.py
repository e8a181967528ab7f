"""The desk enters and corrects insurance from the patient card: ``i`` on the Billing panel.

Every story types whole key sequences without pauses, at 80x24, on the ``world`` of
conftest.py: Ann on Acme Health (primary, ACM123, copay 25.00), Cy on her father's Blue Plan,
Bo uninsured.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from textual.widgets import DataTable, Input

from medoffice.core.services import patients
from medoffice.plugins.billing import policies
from medoffice.plugins.billing.screens.billing_panel import BillingPanel
from medoffice.plugins.billing.screens.insurance import InsuranceScreen
from medoffice.testing import wait_for
from medoffice.tui.app import MedofficeApp
from medoffice.tui.screens.patient_card import PatientCardScreen

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("billing"), pytest.mark.medoffice_backends("sqlite")]

SMALL = (80, 24)


def text_of(screen, selector) -> str:
    return str(screen.query_one(selector).render())


def policies_of(practice_fixture, mrn, include_inactive=False):
    with practice_fixture.operation("frontdesk", write=False) as ctx:
        return policies.list_policies(ctx, mrn, include_inactive=include_inactive)


async def open_insurance(pilot, practice_fixture, mrn) -> InsuranceScreen:
    """The card of ``mrn``, then ``i``."""
    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None)
    with practice_fixture.operation("frontdesk", write=False) as ctx:
        app.open_patient(patients.get(ctx, mrn))
    await wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen) and bool(app.screen.query(BillingPanel))
                   and app.screen.query_one(BillingPanel).ledger is not None)
    await pilot.press("i")
    await wait_for(pilot, lambda: isinstance(app.screen, InsuranceScreen) and app.screen.data is not None
                   and app.screen.step != "loading")
    return app.screen


class TestAddingAPolicy:
    async def test_an_uninsured_patient_goes_straight_to_the_form_and_acm_is_enough(self, medoffice_practice, world):
        """Bo: i, "acm" shows the one match, Enter takes it, the member ID, Ctrl+S; the card's
        panel then shows the policy."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            screen = await open_insurance(pilot, medoffice_practice, world.bo)
            assert screen.step == "form" and pilot.app.focused.id == "payer"
            await pilot.press(*"acm")
            await wait_for(pilot, lambda: text_of(screen, "#payer-error") == "→ Acme Health")
            await pilot.press("enter", *"B-77", "ctrl+s")
            await wait_for(pilot, lambda: screen.step == "list" and screen.changed)
            assert text_of(screen, "#insurance-message") == "Saved: Acme Health (primary), member B-77."
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, PatientCardScreen) and "B-77" in text_of(
                pilot.app.screen.query_one(BillingPanel), "#billing-insurance"))
        (saved,) = policies_of(medoffice_practice, world.bo)
        assert (saved.payer, saved.member_id, saved.rank, saved.relationship) == ("Acme Health", "B-77", "primary",
                                                                                  "self")

    async def test_typed_straight_after_i_without_waiting_for_the_screen(self, medoffice_practice, world):
        """The card shows Bo has no insurance; the desk types i, acm, Enter, the member ID and
        Ctrl+S in one burst, before the payers are read: it lands in the form, in order."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await wait_for(pilot, lambda: app.home is not None)
            with medoffice_practice.operation("frontdesk", write=False) as ctx:
                app.open_patient(patients.get(ctx, world.bo))
            await wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen)
                           and bool(app.screen.query(BillingPanel))
                           and app.screen.query_one(BillingPanel).policies is not None)
            await pilot.press("i", *"acm", "enter", *"B-77", "ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, InsuranceScreen) and app.screen.changed)
        (saved,) = policies_of(medoffice_practice, world.bo)
        assert (saved.payer, saved.member_id) == ("Acme Health", "B-77")

    async def test_every_bad_field_is_marked_under_it_and_nothing_is_saved(self, medoffice_practice, world):
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            screen = await open_insurance(pilot, medoffice_practice, world.bo)
            await pilot.press(*"zz", "enter", "enter", "enter", *"1e30", "ctrl+s")
            await wait_for(pilot, lambda: text_of(screen, "#insurance-message") == "Not saved: fix what is marked.")
            assert text_of(screen, "#payer-error").startswith("no payer matches 'zz'")
            assert "member id" in text_of(screen, "#member_id-error")
            assert "copay" in text_of(screen, "#copay-error")
            assert pilot.app.focused.id == "payer"
            assert "billing" not in text_of(screen, "#insurance-message")
        assert policies_of(medoffice_practice, world.bo) == []

    async def test_a_child_on_a_parents_plan_asks_for_the_holder_as_the_claim_needs(self, medoffice_practice, world):
        """Relationship "child" shows the holder's fields; a birth date in the future is
        refused under it; corrected, the policy is saved with the father as subscriber."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            screen = await open_insurance(pilot, medoffice_practice, world.bo)
            assert not screen.query_one("#row-subscriber_first_name").display
            await pilot.press(*"blue", "enter", *"BL-1", "enter", "enter", *"10", "enter", "enter")
            screen.query_one("#relationship", Input).value = ""
            await pilot.press(*"child", "enter")
            await wait_for(pilot, lambda: screen.query_one("#row-subscriber_first_name").display)
            await pilot.press(*"Dan", "enter", *"Lee", "enter", *"2999-01-01", "enter", "m", "enter")
            await wait_for(pilot, lambda: "subscriber date of birth" in text_of(screen, "#subscriber_date_of_birth-error")
                           or "future" in text_of(screen, "#subscriber_date_of_birth-error"))
            assert pilot.app.focused.id == "subscriber_date_of_birth"
            screen.query_one("#subscriber_date_of_birth", Input).value = ""
            await pilot.press(*"1975-03-04", "ctrl+s")
            await wait_for(pilot, lambda: screen.step == "list")
        (saved,) = policies_of(medoffice_practice, world.bo)
        assert (saved.payer, saved.relationship, saved.subscriber.first_name, saved.subscriber.date_of_birth,
                saved.subscriber.sex, saved.copay) == ("Blue Plan", "child", "Dan", dt.date(1975, 3, 4), "male",
                                                       Decimal("10.00"))


class TestCorrectingAndEnding:
    async def test_enter_on_a_policy_corrects_it(self, medoffice_practice, world):
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            screen = await open_insurance(pilot, medoffice_practice, world.ann)
            assert screen.step == "list" and screen.query_one("#policies", DataTable).row_count == 1
            await pilot.press("enter")
            await wait_for(pilot, lambda: screen.step == "form")
            assert screen.query_one("#member_id", Input).value == "ACM123"
            screen.query_one("#copay", Input).value = ""
            await pilot.press("tab", "tab", "tab", *"30", "ctrl+s")
            await wait_for(pilot, lambda: screen.step == "list" and "Saved" in text_of(screen, "#insurance-message"))
        (saved,) = policies_of(medoffice_practice, world.ann)
        assert (saved.member_id, saved.copay, saved.group_number) == ("ACM123", Decimal("30.00"), "G1")

    async def test_x_asks_and_y_ends_the_policy_any_other_key_keeps_it(self, medoffice_practice, world):
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            screen = await open_insurance(pilot, medoffice_practice, world.ann)
            await pilot.press("x")
            assert text_of(screen, "#insurance-message").startswith("End Acme Health (primary), member ACM123 today?")
            await pilot.press("n")
            assert text_of(screen, "#insurance-message") == "Not ended."
            await pilot.press("x", "y")
            await wait_for(pilot, lambda: text_of(screen, "#insurance-message").startswith("Ended Acme Health"))
            assert screen.query_one("#policies", DataTable).row_count == 0
        assert policies_of(medoffice_practice, world.ann) == []
        (ended,) = policies_of(medoffice_practice, world.ann, include_inactive=True)
        assert ended.effective_to == dt.date(2026, 1, 5)


@pytest.mark.medoffice_backends("sqlite")  # the look does not depend on the database
class TestSnapshots:
    @pytest.mark.parametrize("size", [(80, 24), (120, 40)])
    def test_the_cards_billing_panel_with_a_prepayment_held(self, snap_compare, medoffice_practice, world, size):
        """Ann's card after a 25.00 copay taken at check-in: the credit, and p and i."""
        from medoffice.plugins.billing import ledger

        with medoffice_practice.operation("frontdesk") as ctx:
            ledger.take_payment(ctx, world.ann, "25", "cash", prepay=True)
        app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

        async def show(pilot):
            await wait_for(pilot, lambda: app.home is not None)
            with medoffice_practice.operation("frontdesk", write=False) as ctx:
                app.open_patient(patients.get(ctx, world.ann))
            await wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen)
                           and bool(app.screen.query(BillingPanel))
                           and app.screen.query_one(BillingPanel).ledger is not None
                           and app.screen.query_one("#billing-ledger", DataTable).row_count == 1)
            # the snapshot is what the screen draws: wait until it draws the ledger's line
            await wait_for(pilot, lambda: "prepaid" in app.export_screenshot())

        assert snap_compare(app, terminal_size=size, run_before=show)

    @pytest.mark.parametrize("size", [(80, 24), (120, 40)])
    def test_a_child_on_a_parents_plan_with_an_error(self, snap_compare, medoffice_practice, world, size):
        app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

        async def fill(pilot):
            screen = await open_insurance(pilot, medoffice_practice, world.bo)
            await pilot.press(*"blue", "enter", *"BL-1", "enter", "enter", *"10", "enter", "enter")
            screen.query_one("#relationship", Input).value = "child"
            await pilot.press("enter", *"Dan", "enter", *"Lee", "ctrl+s")
            await wait_for(pilot, lambda: "Not saved" in text_of(screen, "#insurance-message"))
            await pilot.pause()

        assert snap_compare(app, terminal_size=size, run_before=fill)

    @pytest.mark.parametrize("size", [(80, 24), (120, 40)])
    def test_the_policies_of_a_patient(self, snap_compare, medoffice_practice, world, size):
        with medoffice_practice.operation("frontdesk") as ctx:
            policies.add_policy(ctx, world.ann, "Blue Plan", {"member_id": "BL-2", "rank": "secondary"})
        app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

        async def show(pilot):
            await open_insurance(pilot, medoffice_practice, world.ann)
            await pilot.pause()

        assert snap_compare(app, terminal_size=size, run_before=show)
