"""Demo practices to export from, on the backend under test, beside the test's own practice."""

from __future__ import annotations

import pytest

SEEDS = (3, 17, 2026)
"""Demo practices drawn with these seeds (each has its own patients, policies, claims, week)."""


@pytest.fixture(params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def demo_source(request, medoffice_env, medoffice_backend, tmp_path):
    """A demo practice (scheduling and billing, 18 patients) in a database of its own (made
    once per test process and seed, then copied: :mod:`medoffice.testing._demo`)."""
    from medoffice.testing._backends import postgres_schema, postgres_url, sqlite_url
    from medoffice.testing._demo import demo_runtime
    from medoffice.testing._schema_pool import give_back

    def build(url):
        return demo_runtime(url, backend=medoffice_backend, seed=request.param, patient_count=18)

    if medoffice_backend == "sqlite":
        runtime = build(sqlite_url(tmp_path / "demo.sqlite"))
        yield runtime
        runtime.close()
        return
    with postgres_schema(postgres_url(), give_back=give_back) as url:
        runtime = build(url)
        yield runtime
        runtime.close()
