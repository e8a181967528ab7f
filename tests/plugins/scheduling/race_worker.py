"""A booking terminal in a process of its own, for the concurrency test (not a test module).

It is started with the ``spawn`` context, so it shares nothing with the test but the
database URL and the environment (``MEDOFFICE_HOME``, ``MEDOFFICE_AUDIT_KEY_FILE``).
"""

from __future__ import annotations


def book_all(url: str, key_file: str, home: str, worker: int, mrn: str, provider_id: int, room: str | None,
             starts: list[str], ready, go, results) -> None:
    import os

    os.environ["MEDOFFICE_HOME"] = home
    os.environ["MEDOFFICE_AUDIT_KEY_FILE"] = key_file
    from medoffice.core.errors import Conflict
    from medoffice.core.runtime import open_runtime
    from medoffice.core.services.users import load_user
    from medoffice.plugins.scheduling import booking

    runtime = open_runtime(url)
    try:
        user = load_user(runtime, "frontdesk")
        ready.release()
        go.wait(30)
        for start in starts:
            try:
                with runtime.operation(user) as ctx:
                    record = booking.book(ctx, mrn, provider_id, "Check-up", start, room=room)
                results.put((worker, start, "won", record.id))
            except Conflict as error:
                results.put((worker, start, error.code, error.message))  # "slot_taken"
            except Exception as error:  # anything else is a failure the test reports
                results.put((worker, start, "error", f"{type(error).__name__}: {error}"))
    finally:
        runtime.close()
