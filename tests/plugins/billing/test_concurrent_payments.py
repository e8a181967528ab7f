"""Two terminals taking payments for one account at once lose nothing and never overdraw it."""

from __future__ import annotations

import multiprocessing
from decimal import Decimal
from pathlib import Path

import pytest

from medoffice.plugins.billing import encounters, ledger

pytestmark = pytest.mark.medoffice_plugins("billing")

WORKERS = 2
AMOUNTS = ["10.00", "5.55", "7.45", "2.00", "12.00", "3.00"]


def test_two_terminals_post_payments_to_one_account_at_once(medoffice_practice, world, monkeypatch):
    """The account owes 60.00; each terminal tries to take 40.00 in six payments. The front
    desk may not overdraw the balance, so exactly 60.00 is taken, every accepted payment is
    stored, and the balance is zero."""
    with medoffice_practice.operation("billing") as ctx:
        number = encounters.open_encounter(ctx, world.bo, world.adams).encounter.id
        encounters.add_charge(ctx, number, "99213", fee="60.00")
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    import payment_race_worker  # a top-level module (named apart from scheduling's race_worker), so that spawned processes can import it too

    settings = medoffice_practice.runtime.settings
    spawn = multiprocessing.get_context("spawn")
    ready, go, results = spawn.Semaphore(0), spawn.Event(), spawn.Queue()
    processes = [spawn.Process(target=payment_race_worker.pay_all,
                               args=(medoffice_practice.url, str(settings.audit_key_file), str(settings.config_dir),
                                     worker, world.bo, AMOUNTS if worker == 0 else AMOUNTS[::-1], ready, go,
                                     results))
                 for worker in range(WORKERS)]
    for process in processes:
        process.start()
    try:
        for _ in processes:
            assert ready.acquire(timeout=120), "a worker did not start"
        go.set()
        outcomes = [results.get(timeout=180) for _ in range(WORKERS * len(AMOUNTS))]
    finally:
        for process in processes:
            process.join(timeout=60)
    assert [p.exitcode for p in processes] == [0] * WORKERS
    assert [o for o in outcomes if o[1] == "error"] == []
    refused = [o[3] for o in outcomes if o[1] == "refused"]
    assert all("is more than the balance" in message for message in refused), refused
    paid = {o[2]: Decimal(o[3]) for o in outcomes if o[1] == "paid"}
    with medoffice_practice.operation("billing", write=False) as ctx:
        book = ledger.ledger(ctx, world.bo)
    stored = {e.id: e.credit for e in book.entries if e.kind == "payment"}
    assert stored == paid
    assert sum(paid.values()) + book.balance == Decimal("60.00")
    assert book.balance >= 0
