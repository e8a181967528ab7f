"""Demo practices made once per test process and copied for each test that asks for one.

``make_demo`` fills a practice with Faker patients, a week of bookings, visits, claims and
payments: seconds per practice, most of a demo test's time on PostgreSQL. Tests that read a
demo practice (exports, imports, claims, random keys) ask for the same few (seed, patient
count, plugins), so the first of a kind in this process is made for real and the next are
copies, as the kit's own practices are (:mod:`medoffice.testing._templates`: a SQLite file
copied with the backup API; on PostgreSQL a pooled schema put back as made, or the recorded
statements replayed), with the audit key and checkpoints they were signed with.

The demo places its visits and bookings around "today" in the practice's zone, so a copy
is only made of a demo built in the same hour of the same day there: a long run crossing an
hour (or midnight) makes the demo afresh, as it would have been made per test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from . import _templates

if TYPE_CHECKING:
    from medoffice.core.loader import Candidate
    from medoffice.core.runtime import Runtime

DEMO_ZONE = ZoneInfo("America/New_York")
"""The demo practice's zone (:func:`medoffice.core.demo.make_demo`): its "today"."""


def demo_runtime(url: str, *, backend: str, seed: int, patient_count: int,
                 candidates: Sequence[Candidate] | None = None) -> Runtime:
    """Open a demo practice (``make_demo(seed=, patient_count=)``) in the empty database at
    ``url`` and return its runtime; the caller closes it.

    Args:
        url: an empty database: a SQLite file, or a schema from
            :func:`medoffice.testing._backends.postgres_schema` (give it
            :func:`medoffice.testing._schema_pool.give_back`, so the copy can be lent again).
        backend: ``"sqlite"`` or ``"postgresql"``.
        seed, patient_count: as for ``make_demo``.
        candidates: the plugins to open it with (None: the installed ones, as ``medoffice demo``).
    """
    from medoffice.core.config import Settings
    from medoffice.core.demo import make_demo
    from medoffice.core.loader import discover
    from medoffice.core.runtime import open_runtime

    settings = Settings.resolve(url)
    failures: Sequence = ()
    if candidates is None:
        found, failures = discover()
        plugins = list(found)
    else:
        plugins = list(candidates)
    base = _templates.template_key(backend, plugins, failures, None, ())
    now = dt.datetime.now(DEMO_ZONE)
    key = None if base is None else (*base, "demo", seed, patient_count, now.date(), now.hour)
    template = _templates.lookup(key)
    if template is not None:
        template.copy_into(url, settings)
    else:
        with _templates.recording(key, url, settings):
            runtime = open_runtime(settings=settings, candidates=candidates)
            try:
                make_demo(runtime, seed=seed, patient_count=patient_count)
            finally:
                runtime.close()
    return open_runtime(settings=settings, candidates=candidates)
