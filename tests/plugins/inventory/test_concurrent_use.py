"""Two terminals using the last units at once never take stock below zero, on either database."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from medoffice.plugins.inventory import stock

from .conftest import on_hand_from_balances, on_hand_from_ledger

pytestmark = pytest.mark.medoffice_plugins("inventory")

WORKERS = 2
ATTEMPTS = [("GLV-M", 1), ("FLU", 1), ("GLV-M", 1), ("FLU", 2), ("GLV-M", 1), ("FLU", 1)]


def test_two_terminals_using_the_last_units_never_go_below_zero(medoffice_practice, world, monkeypatch):
    """3 pairs of gloves; 4 flu doses in two lots. Each terminal tries to take 3 pairs and 4
    doses. Exactly what was there is taken, every taking is in the ledger, first expiry
    first, and nothing is below zero."""
    with medoffice_practice.operation("manager") as ctx:
        stock.adjust(ctx, "GLV-M", 3, "last box")
        stock.adjust(ctx, "FLU", 2, "opening", lot="SOON", expires="2090-02-01")  # the workers run on the real clock
        stock.adjust(ctx, "FLU", 2, "opening", lot="LATER", expires="2090-06-01")
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    import inventory_race_worker  # a top-level module, so that spawned processes can import it too

    settings = medoffice_practice.runtime.settings
    spawn = multiprocessing.get_context("spawn")
    ready, go, results = spawn.Semaphore(0), spawn.Event(), spawn.Queue()
    processes = [spawn.Process(target=inventory_race_worker.use_all,
                               args=(medoffice_practice.url, str(settings.audit_key_file), str(settings.config_dir),
                                     worker, ATTEMPTS if worker == 0 else ATTEMPTS[::-1], ready, go, results))
                 for worker in range(WORKERS)]
    for process in processes:
        process.start()
    try:
        for _ in processes:
            assert ready.acquire(timeout=120), "a worker did not start"
        go.set()
        outcomes = [results.get(timeout=180) for _ in range(WORKERS * len(ATTEMPTS))]
    finally:
        for process in processes:
            process.join(timeout=60)
    assert [p.exitcode for p in processes] == [0] * WORKERS
    assert [o for o in outcomes if o[2] == "error" or o[1] == "error"] == []
    refused = [o[3] for o in outcomes if o[1] == "refused"]
    assert refused and all("only " in message or "changed meanwhile" in message for message in refused), refused
    taken = {"GLV-M": 0, "FLU": 0}
    for _, kind, sku, movements in outcomes:
        if kind == "used":
            taken[sku] -= sum(q for _, q in movements)
    assert taken == {"GLV-M": 3, "FLU": 4}
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert on_hand_from_ledger(ctx) == on_hand_from_balances(ctx) == {}
        assert stock.item_stock(ctx, "FLU").on_hand == 0 and stock.item_stock(ctx, "GLV-M").on_hand == 0


def test_two_terminals_completing_visits_for_the_last_units_never_go_below_zero(medoffice_practice, world,
                                                                                monkeypatch):
    """3 pairs of gloves, a kit of one pair, eight flu shot visits completed at once on two
    terminals: every visit completes, three draw a pair, five are short one, nothing is below zero."""
    from medoffice.core.services import patients
    from medoffice.plugins.inventory import kits, visit_supplies

    with medoffice_practice.operation("manager") as ctx:
        kits.define(ctx, "Flu shot", {"GLV-M": 1})
        stock.adjust(ctx, "GLV-M", 3, "last box")
        patient = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                          "sex": "f"}).patient.id
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    import inventory_race_worker

    settings = medoffice_practice.runtime.settings
    spawn = multiprocessing.get_context("spawn")
    ready, go, results = spawn.Semaphore(0), spawn.Event(), spawn.Queue()
    visits = {0: [1, 2, 3, 4], 1: [5, 6, 7, 8]}
    processes = [spawn.Process(target=inventory_race_worker.complete_visits,
                               args=(medoffice_practice.url, str(settings.audit_key_file), str(settings.config_dir),
                                     worker, visits[worker], patient, ready, go, results))
                 for worker in range(WORKERS)]
    for process in processes:
        process.start()
    try:
        for _ in processes:
            assert ready.acquire(timeout=120), "a worker did not start"
        go.set()
        outcomes = [results.get(timeout=180) for _ in range(8)]
    finally:
        for process in processes:
            process.join(timeout=60)
    assert [p.exitcode for p in processes] == [0] * WORKERS
    assert sorted(o[2] for o in outcomes) == ["completed"] * 8, outcomes
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert on_hand_from_ledger(ctx) == on_hand_from_balances(ctx) == {}
        assert sum(s.short for s in visit_supplies.shortages(ctx)) == 5
