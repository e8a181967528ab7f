"""Many claims at once: a biller builds, scrubs and exports a day's claims in one go and is
told how far each step has got; the claims are read and written a chunk at a time, and a
step that fails on a claim deep in the batch leaves nothing written (no claim moved, no
history, no audit entry, no control number taken)."""

from __future__ import annotations

from unittest.mock import Mock, call

import pytest
from sqlalchemy import func, select

from medoffice.core import audit
from medoffice.core.errors import ValidationError
from medoffice.plugins.billing import claims
from medoffice.plugins.billing.models import ClaimBatch, ClaimStatusChange, Encounter
from medoffice.plugins.billing.x12 import batches

from ._claims_world import encounter, make_billable

pytestmark = pytest.mark.medoffice_plugins("billing")
VISITS = 7


@pytest.fixture
def visits(medoffice_practice, world, monkeypatch):
    """Seven closed visits of Ann's, read three claims at a time."""
    make_billable(medoffice_practice, world)
    monkeypatch.setattr(claims, "CHUNK", 3)
    return [encounter(medoffice_practice, world, world.ann) for _ in range(VISITS)]


def written(practice) -> tuple:
    with practice.operation("admin", write=False) as ctx:
        statuses = sorted(r.status for r in claims.list_claims(ctx))
        history = ctx.session.execute(select(func.count(ClaimStatusChange.id))).scalar_one()
        batch_count = ctx.session.execute(select(func.count(ClaimBatch.id))).scalar_one()
        entries = len(list(audit.iter_entries(ctx.session)))
    return statuses, history, batch_count, entries


def test_build_scrub_and_export_report_their_progress_claim_by_claim(medoffice_practice, visits):
    progress = Mock()
    with medoffice_practice.operation("billing") as ctx:
        built = claims.build_claims(ctx, progress=progress).built
        results = claims.scrub_claims(ctx, progress=progress)
        sent = batches.export_batch(ctx, progress=progress)
    assert [c.encounter_id for c in built] == visits
    assert [r.status for r in results] == ["ready"] * VISITS
    assert sent.batch.claim_count == VISITS and sent.text.count("~CLM*") == VISITS
    loading = call.step("loading the ICD-10-CM code set", None)  # the first check in a process loads it
    assert [c for c in progress.mock_calls if c != loading] == [
        call.step(label, VISITS) if n == 0 else call.advance(count)
        for label in ("building claims", "scrubbing claims", "checking and writing claims")
        for n, count in enumerate((0, 3, 3, 1))], "a chunk of three claims at a time"
    with medoffice_practice.operation("billing", write=False) as ctx:
        assert [c.status for c in claims.list_claims(ctx)] == ["submitted"] * VISITS
        assert [(h.from_status, h.status) for h in claims.get_claim(ctx, built[-1].id).history] == [
            (None, "draft"), ("draft", "ready"), ("ready", "submitted")]
    verified = medoffice_practice.cli("audit", "verify", "--json")
    assert verified.exit_code == 0, verified.stderr


def test_an_export_refused_for_a_claim_in_its_last_chunk_writes_nothing(medoffice_practice, visits):
    with medoffice_practice.operation("billing") as ctx:
        built = claims.build_claims(ctx).built
        claims.scrub_claims(ctx)
    with medoffice_practice.operation("billing") as ctx:  # the last visit changed after it was scrubbed
        ctx.session.get(Encounter, visits[-1]).prior_authorization = "PA*1"
    before = written(medoffice_practice)
    with pytest.raises(ValidationError, match=rf"nothing exported; 1 problem\(s\): claim {built[-1].claim_number}: "
                                              "the prior authorization 'PA\\*1' has the X12 delimiter"):
        with medoffice_practice.operation("billing") as ctx:
            batches.export_batch(ctx)
    assert written(medoffice_practice) == before == (["ready"] * VISITS, 2 * VISITS, 0, before[3])
    with medoffice_practice.operation("billing") as ctx:
        ctx.session.get(Encounter, visits[-1]).prior_authorization = "PA-1"
    with medoffice_practice.operation("billing") as ctx:
        assert batches.export_batch(ctx).batch.interchange_control_number == 1, "no number was taken"


def test_a_build_that_fails_while_writing_leaves_no_claim(medoffice_practice, visits, monkeypatch):
    """The audit of the second chunk fails: the first chunk's claims go with it."""
    from medoffice.core.context import Context

    made, calls = Context.audit_many, []

    def fails_the_second_time(self, entries):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        made(self, entries)

    before = written(medoffice_practice)
    monkeypatch.setattr(Context, "audit_many", fails_the_second_time)
    with pytest.raises(RuntimeError, match="the disk is full"):
        with medoffice_practice.operation("billing") as ctx:
            claims.build_claims(ctx)
    monkeypatch.undo()
    assert written(medoffice_practice) == before
