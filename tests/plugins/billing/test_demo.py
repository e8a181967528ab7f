"""The demo practice comes with billing: fees, payers, insurance, visits with their charges,
payments and claims at every step, and balances that add up to the cent."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from medoffice.core.config import Settings
from medoffice.core.demo import DEMO_PASSWORD, make_demo
from medoffice.core.loader import discover
from medoffice.core.runtime import open_runtime
from medoffice.core.services import patients
from medoffice.plugins.billing import claims, encounters, fees, ledger, payers, policies, reports
from medoffice.testing._cli import run_cli

from ._claims_world import pyx12_errors

ZERO = Decimal("0.00")


def billing_only():
    candidates, _failures = discover()
    return [c for c in candidates if c.info.id == "billing"]


def demo_runtime(url: str, *, seed: int = 5, patient_count: int = 30):
    runtime = open_runtime(settings=Settings.resolve(url), candidates=billing_only())
    make_demo(runtime, seed=seed, patient_count=patient_count)
    return runtime


@pytest.fixture
def demo(medoffice_env, medoffice_backend, medoffice_db_url):
    """The billing demo (seed 5, 30 patients), made once per test process and copied."""
    from medoffice.testing._demo import demo_runtime as copied_demo

    runtime = copied_demo(medoffice_db_url, backend=medoffice_backend, seed=5, patient_count=30,
                          candidates=billing_only())
    yield runtime
    runtime.close()


def everything(runtime):
    """What a biller would look at: fees, payers, policies, encounters, claims, ledgers."""
    with runtime.operation(write=False) as ctx:
        people = list(patients.iter_all(ctx))
        return {
            "fees": fees.list_fees(ctx),
            "payers": payers.list_payers(ctx),
            "policies": [p for person in people for p in policies.list_policies(ctx, person.mrn)],
            "encounters": encounters.list_encounters(ctx),
            "claims": claims.list_claims(ctx),
            "ledgers": [ledger.ledger(ctx, person.mrn) for person in people],
            "aging": reports.ar_aging(ctx, {}),
            "day_sheet": reports.day_sheet(ctx, {}),
            "today": ctx.local(ctx.now()).date(),
        }


class TestTheDemoPractice:
    def test_a_biller_finds_fees_insurance_visits_claims_and_balances_that_add_up(self, demo):
        """One demo, looked at as a biller would (each demo takes seconds to make)."""
        seen = everything(demo)

        codes = {f.code: f.fee for f in seen["fees"]}
        assert codes["99213"] == Decimal("95.00") and {"36415", "90686", "J3420"} <= set(codes)
        assert len(seen["payers"]) >= 2
        assert all(p.payer_code and p.address.line1 and p.address.postal_code for p in seen["payers"])
        ranks = Counter(p.rank for p in seen["policies"])
        assert ranks["primary"] >= 8 and ranks["secondary"] >= 1

        closed = [e for e in seen["encounters"] if e.encounter.status == "closed"]
        still_open = [e for e in seen["encounters"] if e.encounter.status == "open"]
        assert len(closed) >= 20
        assert all(e.diagnoses and e.encounter.lines and e.total > 0 for e in closed)
        assert len(still_open) == 2 and {e.encounter.date_of_service for e in still_open} == {seen["today"]}
        ages = {(seen["today"] - e.encounter.date_of_service).days for e in closed}
        assert min(ages) == 0 and max(ages) > 90  # every aging bucket can fill

        statuses = Counter(c.status for c in seen["claims"])
        assert statuses["ready"] >= 1 and statuses["paid"] >= 1

        # Per patient: the encounters' charges, less the ledger's payments and adjustments (plus
        # refunds), is the balance the billing domain reports, to the cent.
        charged: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for view in seen["encounters"]:
            charged[view.mrn] += view.total
        paying = 0
        with demo.operation(write=False) as ctx:
            for account in seen["ledgers"]:
                money_in = sum((e.credit for e in account.entries if e.kind in ("payment", "adjustment")), ZERO)
                refunds = sum((e.debit for e in account.entries if e.kind == "refund"), ZERO)
                paying += money_in > 0
                expected = charged[account.mrn] - money_in + refunds
                assert account.balance == expected, account.mrn
                patient = patients.get(ctx, account.mrn)
                assert ctx.hooks.billing(ctx).patient_balance(ctx, patient.id) == expected
        assert paying >= 10
        owed = sum((a.balance for a in seen["ledgers"] if a.balance > 0), ZERO)
        assert owed > 0 and seen["aging"].rows[-1][-1] == f"{owed:.2f}"

        day_total = seen["day_sheet"].rows[-1]
        assert Decimal(day_total[1]) > 0 and Decimal(day_total[2]) > 0  # today's charges and copays
        by_payer = {row[0] for row in seen["aging"].rows}
        assert "patient (self-pay)" in by_payer and len(by_payer) >= 3

    def test_claims_can_be_built_scrubbed_and_exported_from_the_command_line(self, demo, medoffice_db_url, tmp_path):
        """The biller's morning on the demo: build the claims of the closed visits, scrub, export;
        the batch passes pyx12, an independent X12 validator."""
        def medoffice(*args):
            return run_cli(medoffice_db_url, args, user="billing", password=DEMO_PASSWORD, candidates=billing_only())

        built = medoffice("billing", "claims", "build", "--json")
        assert built.exit_code == 0, built.stderr
        scrubbed = medoffice("billing", "claims", "scrub", "--json")
        assert scrubbed.exit_code == 0, scrubbed.stderr
        out = tmp_path / "batch.837"
        exported = medoffice("billing", "claims", "export", "--receiver-id", "DEMOCLEARING", "--receiver-name",
                             "DEMO CLEARINGHOUSE", "--out", str(out), "--json")
        assert exported.exit_code == 0, exported.stderr
        assert exported.json()["batch"]["claim_count"] >= 1
        text = out.read_text(encoding="ascii")
        assert text.startswith("ISA*")
        assert pyx12_errors(text) == []  # the independent validator accepts the demo's 837P


def test_the_same_seed_gives_the_same_demo(medoffice_env, tmp_path):
    def summary(path):
        runtime = demo_runtime(f"sqlite:///{path}", seed=9, patient_count=20)
        try:
            seen = everything(runtime)
        finally:
            runtime.close()
        return ([(p.mrn, p.payer, p.member_id) for p in seen["policies"]],
                [(e.mrn, e.encounter.date_of_service, e.diagnoses, e.total) for e in seen["encounters"]],
                [(a.mrn, a.balance) for a in seen["ledgers"]])

    assert summary(tmp_path / "one.sqlite") == summary(tmp_path / "two.sqlite")
