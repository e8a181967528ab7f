"""Every 837P the demo practice sends, for several demo practices (one per seed), passes the
independent validator pyx12 and reads right to a payer: people named by their parts without
credentials, the practice's taxonomy, the service facility of the visits at Northside, the
NDC of the drug lines. The demo's patients all live at addresses an 837P accepts."""

from __future__ import annotations

import pyx12.codes
import pytest

from medoffice.core.config import Settings
from medoffice.core.demo import DEMO_PASSWORD, make_demo
from medoffice.core.loader import discover
from medoffice.core.runtime import open_runtime
from medoffice.core.services import patients, staff
from medoffice.plugins.billing import claims, encounters
from medoffice.plugins.billing.x12 import batches
from medoffice.testing._cli import run_cli

from ._claims_world import pyx12_errors
from ._x12_read import person_problems, read_837

SEEDS = (11, 23, 37, 41, 59)
X12_STATES = pyx12.codes.ExternalCodes()
"""pyx12's own list of the state codes X12 accepts: not the scrubber's."""


def billing_only():
    candidates, _failures = discover()
    return [c for c in candidates if c.info.id == "billing"]


@pytest.fixture(params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def demo(request, medoffice_env, medoffice_db_url):
    runtime = open_runtime(settings=Settings.resolve(medoffice_db_url), candidates=billing_only())
    make_demo(runtime, seed=request.param, patient_count=30)
    yield runtime, medoffice_db_url
    runtime.close()


def expected_name(text: str) -> tuple[str, str]:
    """The demo writes providers as 'First Last, CRED': (last, first), read without any parser."""
    person = text.split(",")[0].split()
    return person[-1], person[0]


def test_every_claim_of_the_demo_passes_pyx12_and_reads_right_to_a_payer(demo):
    runtime, url = demo

    def medoffice(*args):
        return run_cli(url, args, user="billing", password=DEMO_PASSWORD, candidates=billing_only())

    with runtime.operation(write=False) as ctx:
        people = list(patients.iter_all(ctx))
        bad_addresses = [(p.mrn, p.address.state, p.address.postal_code) for p in people
                         if not X12_STATES.isValid("states", p.address.state)
                         or not (p.address.postal_code or "").isdigit() or len(p.address.postal_code) != 5]
        assert bad_addresses == []

    # The biller's morning: build, scrub the claims by id (a script stops on exit 1), export.
    built = medoffice("billing", "claims", "build", "--json")
    assert built.exit_code == 0, built.stderr
    ids = [str(c["id"]) for c in built.json()["built"]]
    assert ids
    scrubbed = medoffice("billing", "claims", "scrub", *ids, "--json")
    findings = scrubbed.json()
    assert [f["problems"] for f in findings] == [[] for _ in ids]
    assert {f["status"] for f in findings} == {"ready"} and scrubbed.exit_code == 0
    exported = medoffice("billing", "claims", "export", "--receiver-id", "DEMOCLEARING", "--receiver-name",
                         "DEMO CLEARINGHOUSE", "--json")
    assert exported.exit_code == 0, exported.stderr

    with runtime.operation(write=False) as ctx:
        files = [batches.batch_file(ctx, b.id).text for b in batches.list_batches(ctx)]
        providers = {s.npi: s.name for s in staff.list_staff(ctx, include_inactive=True) if s.npi}
        locations = {loc.id: loc.name for loc in ctx.practice.locations}
        records = {c.claim_number: c for c in claims.list_claims(ctx)}
        visits = {number: encounters.get_encounter(ctx, c.encounter_id) for number, c in records.items()}
        people = {p.mrn: p for p in patients.iter_all(ctx)}
    assert len(files) == 2  # the demo's own batch and the morning's

    seen = {"claims": 0, "facility": 0, "drugs": 0}
    for text in files:
        assert pyx12_errors(text) == []
        sent = read_837(text)
        hl = sent.header.index(next(s for s in sent.header if s[:2] == ("HL", "1")))
        assert sent.header[hl + 1] == ("PRV", "BI", "PXC", "207Q00000X")
        for claim in sent.claims:
            seen["claims"] += 1
            rendering = claim.name("82")
            assert person_problems(rendering) == []
            assert (rendering[3], rendering[4]) == expected_name(providers[rendering[9]])
            patient = people[records[claim.number].mrn]
            named = claim.name("QC") or claim.name("IL")
            assert person_problems(named) == []
            assert (named[3], named[4]) == (patient.last_name, patient.first_name)

            location = locations.get(visits[claim.number].encounter.location_id)
            facility = claim.name("77")
            if location == "Northside":
                seen["facility"] += 1
                assert facility == ("NM1", "77", "2", "Northside")
                assert claim.after(facility, 2) == [("N3", "45 North Avenue", "Suite 2"),
                                                    ("N4", "Riverside", "NY", "128042210")]
            else:
                assert facility is None, (claim.number, location)

            for line in claim.segments("SV1"):
                if line[1].startswith("HC:J"):
                    seen["drugs"] += 1
                    units = line[4]
                    assert claim.after(line, 3)[1:] == [("LIN", "", "N4", "99999034201"),
                                                        ("CTP", "", "", "", units, "ML")]
    assert seen["claims"] >= 15 and seen["facility"] >= 1
