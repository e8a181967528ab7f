"""The billing screens in the TUI: charge entry, taking a payment from the patient card, the
claims queue and the A/R aging.

Every story runs at 80x24 on the ``world`` of conftest.py (its clock fixed on Monday
2026-01-05 10:00 in New York): Dr Adams, the fees 99213 95.00, 99214 140.00, 36415 12.50,
81002 8.25, J3420 25.00; Ann insured by Acme Health (copay 25.00), Bo uninsured, Cy on her
father's Blue Plan.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import DataTable, Input

from medoffice.core.services import patients, practice
from medoffice.plugins.billing import claims, encounters, ledger
from medoffice.plugins.billing.screens.ar_aging import ArAgingScreen
from medoffice.plugins.billing.screens.billing_panel import BillingPanel
from medoffice.plugins.billing.screens.charge_entry import ChargeEntryScreen
from medoffice.plugins.billing.screens.claims_queue import ClaimsQueueScreen, ExportDialog
from medoffice.plugins.billing.screens.take_payment import TakePaymentScreen
from medoffice.testing import burst, check_screens, wait_for
from medoffice.tui.app import MedofficeApp
from medoffice.tui.screens.patient_card import PatientCardScreen

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("billing"), pytest.mark.medoffice_backends("sqlite")]

SMALL = (80, 24)


# -- helpers ---------------------------------------------------------------------------------


def open_visit(practice_fixture, mrn, provider, day="2026-01-05"):
    """A completed visit waiting for its charges: an open encounter."""
    with practice_fixture.operation("billing") as ctx:
        return encounters.open_encounter(ctx, mrn, provider, date_of_service=day).encounter.id


def encounter(practice_fixture, number):
    with practice_fixture.operation("billing", write=False) as ctx:
        return encounters.get_encounter(ctx, number)


def balance(practice_fixture, mrn):
    with practice_fixture.operation("billing", write=False) as ctx:
        return ledger.balance(ctx, mrn)


def text_of(screen, selector) -> str:
    return str(screen.query_one(selector).render())


async def open_screen(pilot, screen_id, kind):
    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
    app.open_plugin_screen(screen_id)
    await wait_for(pilot, lambda: isinstance(app.screen, kind))
    return app.screen


async def open_charge_entry(pilot) -> ChargeEntryScreen:
    screen = await open_screen(pilot, "billing.charges", ChargeEntryScreen)
    await wait_for(pilot, lambda: screen.current is not None)
    await pilot.pause()
    return screen


async def type_into(pilot, screen, selector, text):
    screen.query_one(selector, Input).focus()
    await pilot.pause()
    await pilot.press(*text)


async def open_card(pilot, practice_fixture, mrn, user):
    with practice_fixture.operation(user, write=False) as ctx:
        pilot.app.open_patient(patients.get(ctx, mrn))
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PatientCardScreen)
                   and bool(pilot.app.screen.query(BillingPanel))
                   and pilot.app.screen.query_one(BillingPanel).ledger is not None)
    return pilot.app.screen.query_one(BillingPanel)


def claimable(practice_fixture, world):
    """Ann's visit charged and closed (99213, 95.00), the practice and Ann ready to bill (the
    practice's NPI, EIN and ZIP+4; Ann's address)."""
    with practice_fixture.operation("admin") as ctx:
        practice.update(ctx, {"npi": "1234567893", "tax_id": "12-3456789", "address_line1": "1 River St",
                              "city": "Albany", "state": "NY", "postal_code": "12207-1234",
                              "phone": "518-555-0100"})
        patients.update(ctx, world.ann, {"address_line1": "2 Elm St", "city": "Albany", "state": "NY",
                                         "postal_code": "12208"})
    number = open_visit(practice_fixture, world.ann, world.adams)
    with practice_fixture.operation("billing") as ctx:
        encounters.add_diagnoses(ctx, number, ["J06.9"])
        encounters.add_charge(ctx, number, "99213", pointers=[1])
        encounters.close_encounter(ctx, number)
    return number


# -- charge entry ----------------------------------------------------------------------------


class TestChargeEntry:
    async def test_the_first_code_check_says_it_is_loading_the_code_set(self, medoffice_practice, world,
                                                                         monkeypatch):
        """The code set is not loaded yet (and loads slowly here): typing J06.9 says so under the
        field until the check is done; a valid code then leaves the line empty."""
        import threading

        from medoffice.plugins.billing import codes

        loaded = threading.Event()
        check = codes.parse_diagnosis

        def slow_first_check(value, **kwargs):
            loaded.wait(10)
            return check(value, **kwargs)

        monkeypatch.setattr(codes, "code_set_loaded", lambda: loaded.is_set())
        monkeypatch.setattr(codes, "parse_diagnosis", slow_first_check)
        open_visit(medoffice_practice, world.ann, world.adams)
        async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
            screen = await open_charge_entry(pilot)
            await pilot.press(*"J06.9")
            await wait_for(pilot, lambda: "loads the ICD-10-CM code set" in text_of(screen, "#diagnosis-error"))
            loaded.set()
            await wait_for(pilot, lambda: text_of(screen, "#diagnosis-error").strip() == "")

    async def test_the_biller_enters_a_visits_charges_and_closes_it(self, medoffice_practice, world):
        """The newest open encounter first; two diagnoses, a visit with modifier 25 pointing to
        both, two units of B12 pointing to the second; F10 closes it and it leaves the list."""
        older = open_visit(medoffice_practice, world.bo, world.adams, day="2026-01-02")
        visit = open_visit(medoffice_practice, world.ann, world.adams)
        async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
            screen = await open_charge_entry(pilot)
            assert [v.encounter.id for v in screen.encounters] == [visit, older]
            assert screen.current.encounter.id == visit
            assert pilot.app.focused.id == "diagnosis"

            await pilot.press(*"j06.9 E119", "enter")
            await wait_for(pilot, lambda: len(screen.current.diagnoses) == 2)
            assert screen.current.diagnoses == ("J06.9", "E11.9")
            assert "1 J06.9  2 E11.9" in text_of(screen, "#encounter")

            await type_into(pilot, screen, "#code", "99213")
            await type_into(pilot, screen, "#modifiers", "25")
            await type_into(pilot, screen, "#pointers", "1,2")
            await pilot.press("enter")
            await wait_for(pilot, lambda: len(screen.current.encounter.lines) == 1)
            assert pilot.app.focused.id == "code"
            await pilot.press(*"J3420", "tab", "tab")
            await pilot.press("backspace", "2", "tab", "2", "enter")
            await wait_for(pilot, lambda: len(screen.current.encounter.lines) == 2)
            assert screen.current.total == Decimal("145.00")
            assert "$145.00" in text_of(screen, "#encounter")

            await pilot.press("f10")
            await wait_for(pilot, lambda: [v.encounter.id for v in screen.encounters] == [older])
        stored = encounter(medoffice_practice, visit)
        assert stored.encounter.status == "closed"
        assert [(c.code, c.modifiers, c.units, c.pointers, c.amount) for c in stored.encounter.lines] == [
            ("99213", ("25",), 1, (1, 2), Decimal("95.00")), ("J3420", (), 2, (2,), Decimal("50.00"))]
        assert balance(medoffice_practice, world.ann) == Decimal("145.00")

    async def test_a_bad_diagnosis_code_shows_the_error_and_writes_nothing(self, medoffice_practice, world):
        """E11 is a category, not a billable code: said under the field as it is typed, and again
        on Enter, which keeps the text and adds nothing."""
        visit = open_visit(medoffice_practice, world.ann, world.adams)
        async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
            screen = await open_charge_entry(pilot)
            await pilot.press(*"E11")
            await wait_for(pilot, lambda: "billable" in text_of(screen, "#diagnosis-error"), timeout=15)
            await pilot.press("enter")
            await pilot.pause()
            await wait_for(pilot, lambda: not screen.busy)
            assert "E11" in text_of(screen, "#diagnosis-error")
            assert screen.query_one("#diagnosis", Input).value == "E11"
            assert screen.current.diagnoses == ()
        assert encounter(medoffice_practice, visit).diagnoses == ()

    async def test_a_line_the_service_refuses_is_named_and_not_written(self, medoffice_practice, world):
        """A code not in the fee schedule and a pointer to no diagnosis: both named at once."""
        visit = open_visit(medoffice_practice, world.ann, world.adams)
        async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
            screen = await open_charge_entry(pilot)
            await type_into(pilot, screen, "#code", "99999")
            await type_into(pilot, screen, "#pointers", "3")
            await pilot.press("enter")
            await wait_for(pilot, lambda: "fee schedule" in text_of(screen, "#line-error"))
            assert "points to no diagnosis" in text_of(screen, "#line-error")
            assert screen.query_one("#code", Input).value == "99999"
        assert encounter(medoffice_practice, visit).encounter.lines == ()

    async def test_the_front_desk_has_no_charge_entry(self, medoffice_practice, world):
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await wait_for(pilot, lambda: app.home is not None)
            visible = {s.id for _, s in app.contributions.screens_for(app.user)}
            assert "billing.charges" not in visible and "billing.payment" in visible


# -- taking a payment ------------------------------------------------------------------------


class TestBillingPanel:
    async def test_the_card_shows_each_patients_insurance_as_the_desk_checks_it(self, medoffice_practice, world):
        """Ann's own Acme plan with its copay; Cy's Blue Plan held by his father; Bo has none."""
        async with medoffice_practice.pilot("frontdesk", size=(120, 40)) as pilot:
            panel = await open_card(pilot, medoffice_practice, world.ann, "frontdesk")
            assert text_of(panel, "#billing-insurance") == (
                "Insurance Acme Health (primary)  member ACM123  group G1  copay $25.00")
            await pilot.press("escape")
            panel = await open_card(pilot, medoffice_practice, world.cy, "frontdesk")
            assert text_of(panel, "#billing-insurance") == (
                "Insurance Blue Plan (primary)  member BLU9  subscriber Diaz, Dan (patient: child)")
            await pilot.press("escape")
            panel = await open_card(pilot, medoffice_practice, world.bo, "frontdesk")
            assert text_of(panel, "#billing-insurance") == "Insurance none on file: self-pay"


class TestTakePayment:
    async def test_the_front_desk_takes_a_20_dollar_copay_from_the_card_and_saves_the_receipt(
            self, medoffice_practice, world, tmp_path, monkeypatch, medoffice_env):
        """Ann owes 95.00 for today's visit. On her card the Billing panel shows it; p, 20,
        cash, Enter (the 25.00 copay offered and the method's "card" are typed over): the receipt shows, s saves it in the receipts folder of the data folder
        (not the current directory) and says where, and the panel shows 75.00."""
        monkeypatch.chdir(tmp_path)
        claimable(medoffice_practice, world)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            panel = await open_card(pilot, medoffice_practice, world.ann, "frontdesk")
            assert "Balance $95.00" in text_of(panel, "#billing-balance")
            panel.query_one(DataTable).focus()
            await pilot.press("p")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, TakePaymentScreen)
                           and pilot.app.screen.account is not None)
            screen = pilot.app.screen
            assert screen.query_one("#amount", Input).value == "25.00"  # Acme's copay, offered
            await burst(pilot, *"20", "enter", *"cash", "enter", "enter")
            await wait_for(pilot, lambda: screen.taken is not None)
            assert screen.taken.payment.amount == Decimal("20.00")
            assert screen.taken.payment.method == "cash"
            receipt = text_of(screen, "#receipt")
            assert "RECEIPT" in receipt and "$20.00" in receipt and "$75.00" in receipt
            await pilot.press("s")
            saved = medoffice_env / "data" / "receipts" / f"receipt-{screen.taken.payment.id}.txt"
            await wait_for(pilot, lambda: saved.exists())
            assert saved.read_text() == screen.taken.receipt
            await wait_for(pilot, lambda: text_of(screen, "#pay-message") == f"Receipt saved to {saved}")
            assert not list(tmp_path.glob("receipt-*"))
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, PatientCardScreen)
                           and "$75.00" in text_of(panel, "#billing-balance"))
        assert balance(medoffice_practice, world.ann) == Decimal("75.00")

    async def test_more_than_owed_is_said_to_be_a_prepayment_before_it_is_taken(self, medoffice_practice, world):
        """Ann owes 95.00 and hands over 120.00: the screen says 25.00 will be held for the
        visit's charges before Ctrl+S takes it; the receipt says it is a credit."""
        claimable(medoffice_practice, world)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            panel = await open_card(pilot, medoffice_practice, world.ann, "frontdesk")
            panel.query_one(DataTable).focus()
            await pilot.press("p")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, TakePaymentScreen)
                           and pilot.app.screen.account is not None)
            screen = pilot.app.screen
            screen.query_one("#amount", Input).value = "120"
            await wait_for(pilot, lambda: "$95.00 owed: the rest is held" in text_of(screen, "#pay-message"))
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: screen.taken is not None)
            assert "Credit on your account" in text_of(screen, "#receipt")
            assert "$25.00 held on the account" in text_of(screen, "#pay-title")
        assert balance(medoffice_practice, world.ann) == Decimal("-25.00")

    @pytest.mark.parametrize("typed", ["1e30", "-5", "0", "abc", "25.005"])
    async def test_a_hostile_amount_is_refused_under_the_field_and_nothing_is_taken(
            self, medoffice_practice, world, typed):
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            panel = await open_card(pilot, medoffice_practice, world.bo, "frontdesk")
            panel.query_one(DataTable).focus()
            await pilot.press("p")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, TakePaymentScreen)
                           and pilot.app.screen.account is not None)
            screen = pilot.app.screen
            await pilot.press(*typed, "enter", "enter", "enter")
            await wait_for(pilot, lambda: text_of(screen, "#amount-error").startswith("amount"))
            assert screen.step == "form" and screen.taken is None
            assert "billing" not in text_of(screen, "#pay-message")
        assert balance(medoffice_practice, world.bo) == Decimal("0.00")

    async def test_the_palette_starts_with_the_patient_search(self, medoffice_practice, world):
        """Take payment from the palette: find Bo, take 10.00 by card (no balance needed for a
        biller, who may leave a credit)."""
        async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
            app = pilot.app
            await wait_for(pilot, lambda: app.home is not None)
            actions = {a.title: (p, a) for p, a in app.contributions.actions_for(app.user)}
            assert {"Take payment", "Charge entry", "Claims queue"} <= set(actions)
            app.run_plugin_action(*actions["Take payment"])
            await wait_for(pilot, lambda: isinstance(app.screen, TakePaymentScreen))
            screen = app.screen
            await pilot.press(*"Bo")
            await wait_for(pilot, lambda: screen.found and screen.found[0].mrn == world.bo)
            await pilot.press("enter")
            await wait_for(pilot, lambda: screen.step == "form" and screen.account is not None)
            await pilot.press(*"10", "enter", "enter", *"VISA 4242", "enter")
            await wait_for(pilot, lambda: screen.taken is not None)
        assert balance(medoffice_practice, world.bo) == Decimal("-10.00")


# -- the claims queue and the A/R ------------------------------------------------------------


class TestClaimsQueue:
    async def test_the_front_desk_does_not_see_the_claims_queue(self, medoffice_practice, world):
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await wait_for(pilot, lambda: app.home is not None)
            visible = {s.id for _, s in app.contributions.screens_for(app.user)}
            assert not visible & {"billing.claims", "billing.aging"}
            assert "Claims queue" not in {a.title for _, a in app.contributions.actions_for(app.user)}
            await pilot.press("f8")
            await pilot.pause()
            assert not isinstance(app.screen, ClaimsQueueScreen)

    async def test_build_scrub_and_export_a_batch(self, medoffice_practice, world, tmp_path):
        """b builds Ann's claim and scrubs it ready; e asks for the file and exports it."""
        claimable(medoffice_practice, world)
        async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
            screen = await open_screen(pilot, "billing.claims", ClaimsQueueScreen)
            await wait_for(pilot, lambda: screen.queue is not None)
            screen.save_dir = tmp_path
            assert screen.shown == []
            await pilot.press("b")
            await wait_for(pilot, lambda: screen.shown and screen.shown[0].status == "ready")
            assert "Built 1 claim(s)" in text_of(screen, "#claims-message")
            assert "no problem found" in text_of(screen, "#claim-problems")
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ExportDialog))
            await pilot.press("enter", "enter", "enter")
            await wait_for(pilot, lambda: "Exported batch" in text_of(screen, "#claims-message"))
            await wait_for(pilot, lambda: screen.shown and screen.shown[0].status == "submitted")
        (written,) = tmp_path.glob("claims-*.837")
        assert written.read_text(encoding="ascii").startswith("ISA*")

    async def test_a_batch_whose_file_cannot_be_written_is_not_recorded(self, medoffice_practice, world, tmp_path,
                                                                        monkeypatch):
        """The outbox goes away (a share unmounted) once the batch is made: the desk reads one
        line saying the file cannot be written, and the claims stay ready, no batch recorded
        (it used to be recorded, its claims submitted, with no file)."""
        import shutil

        from medoffice.core import audit
        from medoffice.core.context import Context

        claimable(medoffice_practice, world)
        outbox = tmp_path / "outbox"
        outbox.mkdir()
        made = Context.audit

        def then_the_share_goes(self, what, *args, **kwargs):
            made(self, what, *args, **kwargs)
            if what == "billing.batch.exported" and outbox.exists():
                shutil.rmtree(outbox)

        async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
            screen = await open_screen(pilot, "billing.claims", ClaimsQueueScreen)
            await wait_for(pilot, lambda: screen.queue is not None)
            screen.save_dir = outbox
            await pilot.press("b")
            await wait_for(pilot, lambda: screen.shown and screen.shown[0].status == "ready")
            monkeypatch.setattr(Context, "audit", then_the_share_goes)
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ExportDialog))
            await pilot.press("enter", "enter", "enter")
            await wait_for(pilot, lambda: "cannot write" in text_of(screen, "#claims-message"))
            assert "No such file or directory" in text_of(screen, "#claims-message")
            await wait_for(pilot, lambda: not screen.busy)
            assert screen.shown[0].status == "ready"
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert list(audit.iter_entries(ctx.session, action="billing.batch.exported")) == []
        assert not outbox.exists() and not list(tmp_path.glob("*.837*"))

    async def test_scrub_names_every_problem_of_the_selected_claim(self, medoffice_practice, world):
        """Without the practice's ZIP+4 the claim stays a draft, and the problem is listed."""
        claimable(medoffice_practice, world)
        with medoffice_practice.operation("admin") as ctx:
            practice.update(ctx, {"postal_code": "12207"})
        with medoffice_practice.operation("billing") as ctx:
            claims.build_claims(ctx)
        async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
            screen = await open_screen(pilot, "billing.claims", ClaimsQueueScreen)
            await wait_for(pilot, lambda: screen.queue is not None and screen.shown)
            await pilot.press("c")
            await wait_for(pilot, lambda: "problem(s) to fix" in text_of(screen, "#claim-problems"))
            assert "ZIP+4" in text_of(screen, "#claim-problems")
            assert screen.shown[0].status == "draft"

    async def test_the_aging_shows_the_buckets_by_payer_and_by_patient(self, medoffice_practice, world):
        claimable(medoffice_practice, world)
        async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
            screen = await open_screen(pilot, "billing.aging", ArAgingScreen)
            await wait_for(pilot, lambda: screen.data is not None)
            rows = [[str(c) for c in screen.query_one("#by-payer", DataTable).get_row_at(i)]
                    for i in range(screen.query_one("#by-payer", DataTable).row_count)]
            assert rows == [["patient (self-pay)", "95.00", "0.00", "0.00", "0.00", "95.00"],
                            ["total", "95.00", "0.00", "0.00", "0.00", "95.00"]]
            assert screen.query_one("#by-patient", DataTable).row_count == 2


async def test_every_billing_screen_and_panel_mounts(medoffice_practice, world):
    """The conformance check for screens: charge entry, take payment, the claims queue, the
    A/R aging and the card's Billing panel."""
    open_visit(medoffice_practice, world.ann, world.adams)
    await check_screens(medoffice_practice, "billing")


# -- the look --------------------------------------------------------------------------------


@pytest.mark.medoffice_backends("sqlite")  # the look does not depend on the database
class TestSnapshots:
    def test_charge_entry(self, snap_compare, medoffice_practice, world):
        """Ann's visit with two diagnoses and one line, Bo's older visit below."""
        open_visit(medoffice_practice, world.bo, world.adams, day="2026-01-02")
        visit = open_visit(medoffice_practice, world.ann, world.adams)
        with medoffice_practice.operation("billing") as ctx:
            encounters.add_diagnoses(ctx, visit, ["J06.9", "E11.9"])
            encounters.add_charge(ctx, visit, "99213", modifiers=["25"], pointers=[1, 2])
        app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("billing"))

        async def enter_a_line(pilot):
            screen = await open_charge_entry(pilot)
            await type_into(pilot, screen, "#code", "36415")
            await pilot.pause()

        assert snap_compare(app, terminal_size=SMALL, run_before=enter_a_line)

    @pytest.mark.parametrize("size", [SMALL, (120, 40)])
    def test_take_payment_receipt(self, snap_compare, medoffice_practice, world, size):
        """The receipt of Ann's 20.00 cash copay: the practice's address, the local time."""
        claimable(medoffice_practice, world)
        app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

        async def take_copay(pilot):
            await wait_for(pilot, lambda: app.home is not None)
            with medoffice_practice.operation("frontdesk", write=False) as ctx:
                ann = patients.get(ctx, world.ann)
            app.push_screen(TakePaymentScreen(app.host.for_plugin("billing"), ann))
            await wait_for(pilot, lambda: isinstance(app.screen, TakePaymentScreen) and app.screen.account)
            screen = app.screen
            screen.query_one("#amount", Input).value = "20"
            screen.query_one("#method", Input).value = "cash"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: screen.taken is not None)
            await pilot.pause()

        assert snap_compare(app, terminal_size=size, run_before=take_copay)

    @pytest.mark.parametrize("size", [SMALL, (120, 40)])
    def test_a_copay_before_the_charges_says_it_is_a_prepayment(self, snap_compare, medoffice_practice, world, size):
        """Ann owes nothing yet; her 25.00 copay is offered and said to be held for the visit."""
        app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

        async def offered(pilot):
            await wait_for(pilot, lambda: app.home is not None)
            with medoffice_practice.operation("frontdesk", write=False) as ctx:
                ann = patients.get(ctx, world.ann)
            app.push_screen(TakePaymentScreen(app.host.for_plugin("billing"), ann))
            await wait_for(pilot, lambda: isinstance(app.screen, TakePaymentScreen) and app.screen.account)
            for field in app.screen.query(Input):
                field.cursor_blink = False  # the picture must not depend on the blink
            await pilot.pause()

        assert snap_compare(app, terminal_size=size, run_before=offered)
