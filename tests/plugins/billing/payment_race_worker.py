"""A front-desk terminal in a process of its own, for the concurrent-payments test (not a
test module). Started with ``spawn``: it shares only the database URL and the environment."""

from __future__ import annotations


def pay_all(url: str, key_file: str, home: str, worker: int, mrn: str, amounts: list[str], ready, go,
            results) -> None:
    import os

    os.environ["MEDOFFICE_HOME"] = home
    os.environ["MEDOFFICE_AUDIT_KEY_FILE"] = key_file
    from medoffice.core.errors import MedofficeError
    from medoffice.core.runtime import open_runtime
    from medoffice.core.services.users import load_user
    from medoffice.plugins.billing import ledger

    runtime = open_runtime(url)
    try:
        user = load_user(runtime, "frontdesk")
        ready.release()
        go.wait(30)
        for amount in amounts:
            try:
                with runtime.operation(user) as ctx:
                    paid = ledger.take_payment(ctx, mrn, amount, "cash")
                results.put((worker, "paid", paid.id, amount))
            except MedofficeError as error:
                results.put((worker, "refused", None, error.message))
            except Exception as error:  # anything else is a failure the test reports
                results.put((worker, "error", None, f"{type(error).__name__}: {error}"))
    finally:
        runtime.close()
