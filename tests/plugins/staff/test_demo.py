"""The demo practice comes with an HR desk in mid-flight, beside the scheduling and billing
demos (whose bookings the staff plugin's credential block must not refuse)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from medoffice.core.services import staff as core_staff
from medoffice.plugins.staff import credentials, hiring, onboarding, reports, tasks, training


@pytest.fixture
def demo(medoffice_env, medoffice_backend, medoffice_db_url):
    """The demo with every installed plugin (seed 5, 30 patients), made once per process and copied."""
    from medoffice.testing._demo import demo_runtime

    runtime = demo_runtime(medoffice_db_url, backend=medoffice_backend, seed=5, patient_count=30)
    yield runtime
    runtime.close()


def test_the_demo_has_openings_applicants_trainings_and_credentials_to_chase(demo):
    with demo.operation(write=False) as ctx:
        openings = {o.title: o.status for o in hiring.list_openings(ctx, include_closed=True)}
        stages = Counter(a.stage for a in hiring.list_applicants(ctx, include_closed=True))
        due = training.standing(ctx, within=30)
        alerts = credentials.expiring(ctx)
        todo = onboarding.to_do(ctx, include_done=True)
        people = {s.name: s for s in core_staff.list_staff(ctx)}
        chase = reports.compliance(ctx, {})
        everyone = tasks.listing(ctx, include_finished=True)
        repeating = tasks.list_recurring(ctx)
    assert openings == {"Front desk receptionist": "open", "Medical assistant": "open",
                        "Billing specialist": "on_hold"}
    assert stages == Counter({"applied": 2, "phone screen": 1, "interview": 1, "offer": 1, "hired": 1,
                              "rejected": 1, "withdrawn": 1})
    assert {d.status for d in due} == {"overdue", "due"}
    assert [c.kind for c in alerts if c.blocks] == ["BLS card"]
    assert any(c.kind == "DEA registration" and c.alert == "30" for c in alerts)
    assert "Sam Whitfield" in people and {i.status for i in todo} == {"done", "to do"}
    assert chase.rows and chase.notes.endswith("due within 30 days")
    assert sorted(r.title for r in repeating) == ["Log the vaccine fridge temperature", "Take the bank deposit"]
    assert {t.status for t in everyone} >= {"open", "in_progress"} and any(t.overdue_days for t in everyone)
    assert any(row[2] == "task" for row in chase.rows)


@pytest.mark.medoffice_backends("sqlite")
def test_the_demos_bookings_are_the_same_with_and_without_the_staff_plugin(demo, tmp_path):
    """No demo provider is blocked, so the scheduling demo books its week as without staff."""
    from medoffice.core.loader import discover
    from medoffice.plugins.scheduling import appointment_lists
    from medoffice.testing._demo import demo_runtime

    def week(runtime):
        with runtime.operation(write=False) as ctx:
            today = ctx.local(ctx.now()).date()
            return [(a.provider, a.start, a.mrn) for offset in range(9)
                    for a in appointment_lists.day(ctx, today + dt.timedelta(days=offset))]

    installed, _failures = discover()
    without = demo_runtime(f"sqlite:///{tmp_path / 'without.sqlite'}", backend="sqlite", seed=5, patient_count=30,
                           candidates=[c for c in installed if c.info.id != "staff"])
    try:
        assert week(demo) == week(without) and len(week(demo)) > 20
    finally:
        without.close()
    with demo.operation(write=False) as ctx:
        providers = [s.id for s in core_staff.list_staff(ctx, providers_only=True)]
        today = ctx.local(ctx.now()).date()
        assert all(not credentials.blocking(ctx, p, today)[0] for p in providers)
