"""A front-desk terminal in a process of its own, for the concurrent-use test (not a test
module). Started with ``spawn``: it shares only the database URL and the environment."""

from __future__ import annotations


def use_all(url: str, key_file: str, home: str, worker: int, attempts: list[tuple[str, int]], ready, go,
            results) -> None:
    import os

    os.environ["MEDOFFICE_HOME"] = home
    os.environ["MEDOFFICE_AUDIT_KEY_FILE"] = key_file
    from medoffice.core.errors import MedofficeError
    from medoffice.core.runtime import open_runtime
    from medoffice.core.services.users import load_user
    from medoffice.plugins.inventory import stock

    runtime = open_runtime(url)
    try:
        user = load_user(runtime, "frontdesk")
        ready.release()
        go.wait(30)
        for sku, quantity in attempts:
            try:
                with runtime.operation(user) as ctx:
                    done = stock.use(ctx, sku, quantity)
                results.put((worker, "used", sku, [(m.lot, m.quantity) for m in done.movements]))
            except MedofficeError as error:
                results.put((worker, "refused", sku, error.message))
            except Exception as error:  # anything else is a failure the test reports
                results.put((worker, "error", sku, f"{type(error).__name__}: {error}"))
    finally:
        runtime.close()


def complete_visits(url: str, key_file: str, home: str, worker: int, visits: list[int], patient: int, ready, go,
                    results) -> None:
    """Complete each visit (announced as the scheduling role does): its kit is drawn."""
    import datetime as dt
    import os

    os.environ["MEDOFFICE_HOME"] = home
    os.environ["MEDOFFICE_AUDIT_KEY_FILE"] = key_file
    from medoffice.core.records import AppointmentRecord, VisitRecord
    from medoffice.core.runtime import open_runtime
    from medoffice.core.services.users import load_user

    runtime = open_runtime(url)
    start = dt.datetime(2090, 1, 5, 15, tzinfo=dt.timezone.utc)
    try:
        user = load_user(runtime, "frontdesk")
        ready.release()
        go.wait(30)
        for number in visits:
            record = AppointmentRecord(number, patient, 1, "Flu shot", start, start + dt.timedelta(minutes=15),
                                       status="completed")
            try:
                with runtime.operation(user) as ctx:
                    ctx.hooks.visit_completed(ctx, VisitRecord(record, start))
                results.put((worker, number, "completed"))
            except Exception as error:  # the visit must complete whatever the stock: any error fails the test
                results.put((worker, number, f"{type(error).__name__}: {error}"))
    finally:
        runtime.close()
