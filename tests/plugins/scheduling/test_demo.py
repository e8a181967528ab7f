"""The demo practice comes with a schedule: types, office hours and a week of bookings."""

from __future__ import annotations

import datetime as dt

from medoffice.core.config import Settings
from medoffice.core.demo import make_demo
from medoffice.core.loader import discover
from medoffice.core.runtime import open_runtime


def test_the_demo_has_types_hours_and_bookings(tmp_path, medoffice_env):
    from medoffice.plugins.scheduling import appointment_lists, catalogue

    candidates, _failures = discover()
    runtime = open_runtime(settings=Settings.resolve(f"sqlite:///{tmp_path / 'demo.sqlite'}"),
                           candidates=[c for c in candidates if c.info.id == "scheduling"])
    try:
        make_demo(runtime, seed=5, patient_count=40)
        with runtime.operation(write=False) as ctx:
            types = [t.name for t in catalogue.list_types(ctx)]
            templates = catalogue.list_templates(ctx)
            today = ctx.local(ctx.now()).date()
            booked = [a for offset in range(9) for a in appointment_lists.day(ctx, today + dt.timedelta(days=offset))]
    finally:
        runtime.close()
    assert {"New patient", "Follow-up", "Sick visit", "Annual physical"} == set(types)
    assert len(templates) == 4 * 5 * 2  # four providers, Monday to Friday, morning and afternoon
    assert len(booked) == 4 * 8
    by_provider: dict[str, list] = {}
    for appointment in booked:
        by_provider.setdefault(appointment.provider, []).append((appointment.start, appointment.end))
    for spans in by_provider.values():
        spans.sort()
        assert all(earlier[1] <= later[0] for earlier, later in zip(spans, spans[1:]))
