"""The 837P of a seeded practice is the very file recorded in ``golden/``, byte for byte: the
claims read, checked and formatted a chunk at a time write what one pass over them wrote.

The practice sends two batches: the first holds Ann's plain visit, a visit with a referring
provider and a prior authorization, a visit at a location away from the practice, a drug
line with its NDC, three visits to several renderers, and Cy's visit (a child on her
father's policy, with a middle name); the second replaces one claim (frequency 7, REF*F8).
The files were recorded before the claims were read in bulk; to record them again on
purpose, delete them and run the test once.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from medoffice.core.services import patients, practice, staff
from medoffice.plugins.billing import claims, drugs
from medoffice.plugins.billing.models import Encounter
from medoffice.plugins.billing.x12 import batches

from ._claims_world import encounter, make_billable
from .conftest import NOW, build_fixed_world, npi

pytestmark = pytest.mark.medoffice_plugins("billing")
GOLDEN = Path(__file__).parent / "golden"
RENDERERS = ("Mary Reynolds, MD", "Dr. John Q. Public Jr., DO", "Robert Smith III, ANP-BC")


def build_claims_world(p) -> SimpleNamespace:
    w = build_fixed_world(p)
    make_billable(p, w)
    with p.operation("admin") as ctx:
        practice.add_location(ctx, "Uptown", address_line1="500 W 168th St", address_line2="Floor 2",
                              city="New York", state="NY", postal_code="10032-3702")
        patients.update(ctx, w.cy, {"middle_name": "Rose"})
        renderers = [staff.add(ctx, {"name": name, "role": "physician", "is_provider": True,
                                     "npi": npi(10 + n)}).id for n, name in enumerate(RENDERERS)]
    with p.operation("billing") as ctx:
        drugs.set_ndc(ctx, "J3420", "0409-1234-01", unit="ml", quantity="1")
    numbers = [encounter(p, w, w.ann), encounter(p, w, w.ann), encounter(p, w, w.ann, location="Uptown"),
               encounter(p, w, w.ann, lines=(("99213", (1,), (), 1), ("J3420", (1, 2), ("JW",), 2))),
               *(encounter(p, w, w.ann, provider=r) for r in renderers), encounter(p, w, w.cy)]
    with p.operation("billing") as ctx:
        row = ctx.session.get(Encounter, numbers[1])
        row.referring_name, row.referring_npi, row.prior_authorization = "Dr. Omar Haddad, MD", npi(40), "PA-77"
    return SimpleNamespace(world=w, numbers=numbers)


@pytest.fixture
def sent(medoffice_practice, monkeypatch):
    """The two batches' files, read and written a few claims at a time."""
    p = medoffice_practice
    built = p.seed(build_claims_world)
    p.runtime.clock = lambda: NOW  # the runtime is not part of the copy
    assert len(built.numbers) == 8
    monkeypatch.setattr(claims, "CHUNK", 3)
    with p.operation("billing") as ctx:
        made = claims.build_claims(ctx).built
        assert [r.status for r in claims.scrub_claims(ctx)] == ["ready"] * len(made)
        first = batches.export_batch(ctx, receiver_id="CH1", receiver_name="Clear House")
    with p.operation("billing") as ctx:
        claims.set_status(ctx, made[0].id, "paid")
        replacement = claims.resubmit(ctx, made[0].id, "PAYER-123", note="corrected units")
        claims.scrub_claims(ctx, [replacement.id])
        second = batches.export_batch(ctx, [replacement.id])
    with p.operation("billing", write=False) as ctx:
        again = [batches.batch_file(ctx, b.batch.id) for b in (first, second)]
    return first, second, again


def test_the_837p_files_are_the_bytes_recorded(sent):
    first, second, again = sent
    for name, export in (("batch1.x12", first), ("batch2.x12", second)):
        golden = GOLDEN / name
        if not golden.exists():
            golden.write_text(export.text.replace("~", "~\n"))
        assert export.text == golden.read_text().replace("\n", ""), name
    assert [(a.text, a.unchanged) for a in again] == [(first.text, True), (second.text, True)]
