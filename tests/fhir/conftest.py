"""Demo practices to export from, on the backend under test, beside the test's own practice."""

from __future__ import annotations

import pytest

SEEDS = (3, 17, 2026)
"""Demo practices drawn with these seeds (each has its own patients, policies, claims, week)."""


@pytest.fixture(params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def demo_source(request, medoffice_env, medoffice_backend, tmp_path):
    """A demo practice (scheduling and billing, 18 patients) in a database of its own."""
    from medoffice.core.config import Settings
    from medoffice.core.demo import make_demo
    from medoffice.core.runtime import open_runtime
    from medoffice.testing._backends import postgres_schema, postgres_url, sqlite_url

    def build(url):
        runtime = open_runtime(settings=Settings.resolve(url))
        make_demo(runtime, seed=request.param, patient_count=18)
        return runtime

    if medoffice_backend == "sqlite":
        runtime = build(sqlite_url(tmp_path / "demo.sqlite"))
        yield runtime
        runtime.close()
        return
    with postgres_schema(postgres_url()) as url:
        runtime = build(url)
        yield runtime
        runtime.close()
