"""How fast is the inventory plugin through its services, against raw ``sqlite3`` computing the
same on the same file, in the same run?

The practice (made fresh in ``--work-dir``, or kept with ``--keep``): ``--items`` items (2,000
by default; every fourth tracked by lot, three lots each, one of them expired) in three
locations, and a ledger of ``--movements`` movements (1,000,000 by default) over two years,
received and used, written with their running balances as the ledger writes them
(``inventory_balance``). Each case is the median of ``--repeat`` runs, the service in a
read-only unit of work (``runtime.operation``) against raw ``sqlite3`` in ``BEGIN``/``COMMIT``
on the same file with the same indexes, and the ratio (target: within 5x):

- **on hand, every item**: ``stock.stock_levels`` (usable and expired units, value at cost,
  LOW, SHORT) against one grouped SQL query over items, balances, lots and open shortages;
  for reference, summing the ledger itself (``SUM(quantity)`` of a million movements) is
  shown too: it is what the running balances save;
- **one item's lots**: ``stock.item_stock`` of a lot-tracked item against one query;
- **the reorder pass**: ``orders.reorder_list`` against one query (usable units per item,
  packs on open orders, the packs to reach par).

Then **a kit at visit completion**: ``--visits`` visits are completed through scheduling's
``day_flow.complete`` (one unit of work each, commit included) with no kit for their type,
then as many with a three-item kit (one item by lot): the difference of the medians is what
drawing the kit adds (target: at most 2 ms).

Times are the process's CPU time (``time.process_time``: SQLite runs in the process, so its
work is counted; the waits for a core on a shared machine are not), per call: each sample
times as many calls as take about ``--sample-ms`` (20 ms; a call of 12 us is otherwise lost in
the noise), after an untimed garbage collection. Memory: each case's peak (``tracemalloc``, a separate untimed pass). Run it at two ledger
lengths (``--movements 100000`` and ``1000000``) to see that it does not grow with the ledger.

    .venv/bin/python bench/inventory.py --repeat 5
    .venv/bin/python bench/inventory.py --items 40 --movements 2000 --visits 4 --repeat 1   # smoke test
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

TODAY = dt.date(2025, 6, 2)  # a Monday
TIMEZONE = "America/New_York"
PASSWORD = "bench-password"
LOCATIONS = ("Supply room", "Vaccine fridge", "Front desk")
KIT_TYPE, PLAIN_TYPE = "Flu shot", "Follow-up"
TARGET_RATIO, TARGET_KIT_MS = 5.0, 2.0


def open_practice(path: Path, clock):
    from medoffice.core.config import Settings
    from medoffice.core.loader import discover
    from medoffice.core.runtime import open_runtime

    url = f"sqlite:///{path}"
    settings = Settings(database_url=url, config_dir=path.parent / "config",
                        audit_key_file_given=path.with_name(path.name + ".audit-key"))
    candidates = [c for c in discover()[0] if c.info.id in ("inventory", "scheduling")]
    return open_runtime(url, settings=settings, candidates=candidates, clock=clock)


# -- the practice ----------------------------------------------------------------------------


def _set_up(ctx, visits: int) -> None:
    """Locations, a vendor, a provider working today, the two visit types and their patients."""
    from medoffice.core.demo import fake_npi
    from medoffice.core.services import patients, practice, staff, users
    from medoffice.plugins.inventory import catalogue
    from medoffice.plugins.scheduling import catalogue as types

    users.add_user(ctx, "frontdesk", "Front Desk", PASSWORD, ["front_desk"])
    practice.add_location(ctx, "Main")
    for name in LOCATIONS:
        catalogue.add_location(ctx, name)
    catalogue.add_vendor(ctx, {"name": "Harbor Medical Supply"})
    doctor = staff.add(ctx, {"name": "Dr Bench", "role": "physician", "is_provider": True,
                             "npi": fake_npi(random.Random(1))}).id
    for name in (KIT_TYPE, PLAIN_TYPE):
        types.add_type(ctx, name, 5, colour="green")
    for weekday in ("mon", "tue", "wed", "thu", "fri"):
        types.add_template(ctx, doctor, weekday, "07:00", "19:00", "Main")
    for number in range(2 * visits):
        patients.register(ctx, {"first_name": f"Pat{number}", "last_name": "Bench", "date_of_birth": "1970-01-02",
                                "sex": "f"})


def _items(rng: random.Random, count: int, vendor_id: int, locations: list[int]) -> tuple[list[dict], list[dict]]:
    items, lots = [], []
    for number in range(1, count + 1):
        tracked = number % 4 == 2
        items.append({"id": number, "sku": f"IT-{number:05d}", "name": f"Supply item {number:05d}",
                      "category": ("medical", "office", "drug", "lab")[number % 4], "unit": "each",
                      "pack_unit": "box", "pack_size": rng.choice((1, 10, 50, 100)), "tracks_lots": tracked,
                      "par": rng.randint(20, 400), "reorder_point": 0, "location_id": locations[number % 3],
                      "vendor_id": vendor_id, "vendor_item_number": f"V{number}",
                      "pack_price": rng.randint(100, 50_000), "lead_time_days": 5, "active": True, "ndc": None})
        items[-1]["reorder_point"] = items[-1]["par"] // 3
        if tracked:
            for index, days in enumerate((-20, 90, 400)):
                lots.append({"id": len(lots) + 1, "item_id": number, "lot_number": f"L{number}-{index}",
                             "expires_on": TODAY + dt.timedelta(days=days), "pack_price": None,
                             "pack_size": items[-1]["pack_size"]})
    return items, lots


def _ledger(rng: random.Random, items: list[dict], lots: list[dict], movements: int, now: dt.datetime):
    """Movements in time order per balance, never below zero, and the balances they sum to."""
    by_item: dict[int, list[int | None]] = {}
    for lot in lots:
        by_item.setdefault(lot["item_id"], []).append(lot["id"])
    buckets = [(item["id"], item["location_id"], lot) for item in items for lot in by_item.get(item["id"], [None])]
    start = now - dt.timedelta(days=730)
    step = dt.timedelta(days=730) / max(movements, 1)
    balance = dict.fromkeys(buckets, 0)
    rows = []
    for number in range(movements):
        key = buckets[rng.randrange(len(buckets))]
        have = balance[key]
        if have < 30 or rng.random() < 0.08:
            quantity, kind = rng.randint(50, 200), "received"
        else:
            quantity, kind = -rng.randint(1, min(10, have)), "used"
        balance[key] = have + quantity
        item_id, location_id, lot_id = key
        rows.append({"at": start + step * number, "kind": kind, "item_id": item_id, "location_id": location_id,
                     "lot_id": lot_id, "quantity": quantity, "reason": None, "reference": None, "by": "bench",
                     "below_zero": False, "receipt_id": None, "count_id": None, "appointment_id": None})
    sums = [{"item_id": i, "location_id": loc, "lot_id": lot, "lot_key": lot or 0, "on_hand": units}
            for (i, loc, lot), units in balance.items()]
    return rows, sums


def make_practice(path: Path, *, items: int, movements: int, visits: int, seed: int) -> dict[str, Any]:
    from sqlalchemy import insert, select

    from medoffice.core.setup import init_practice
    from medoffice.plugins.inventory.models import Balance, Item, Location, Lot, Movement, Vendor

    rng = random.Random(seed)
    now = dt.datetime.combine(TODAY, dt.time(6), ZoneInfo(TIMEZONE)).astimezone(dt.timezone.utc)
    started = time.perf_counter()
    runtime = open_practice(path, clock=lambda: now)
    try:
        init_practice(runtime, {"name": "Inventory Bench Practice", "timezone": TIMEZONE}, admin_username="admin",
                      admin_password=PASSWORD, populate=lambda ctx: _set_up(ctx, visits))
        with runtime.engine.begin() as conn:
            vendor = conn.execute(select(Vendor.id)).scalar_one()
            places = [i for (i,) in conn.execute(select(Location.id).order_by(Location.id))]
            item_rows, lot_rows = _items(rng, items, vendor, places)
            conn.execute(insert(Item.__table__), item_rows)
            if lot_rows:
                conn.execute(insert(Lot.__table__), lot_rows)
            ledger, sums = _ledger(rng, item_rows, lot_rows, movements, now)
            for chunk in range(0, len(ledger), 50_000):
                conn.execute(insert(Movement.__table__), ledger[chunk:chunk + 50_000])
            conn.execute(insert(Balance.__table__), sums)
    finally:
        runtime.close()
    with sqlite3.connect(path) as conn:
        conn.execute("ANALYZE")
    return {"items": items, "lots": len(lot_rows), "movements": movements, "balances": len(sums),
            "seconds": round(time.perf_counter() - started, 1)}


# -- measuring ---------------------------------------------------------------------------------


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    """The action's CPU time in this process (service and raw sqlite3 both run here): on a
    shared machine, wall time would count the waits for a free core as well."""
    start = time.process_time()
    result = action()
    return time.process_time() - start, result


def repeated(action: Callable[[], Any], calls: int) -> Any:
    """``action`` called ``calls`` times; the last result."""
    result = None
    for _ in range(calls):
        result = action()
    return result


def peak_kib(action: Callable[[], Any]) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


RAW_ON_HAND = """
SELECT i.sku, i.name, i.category, i.unit,
       COALESCE(SUM(CASE WHEN l.expires_on IS NULL OR l.expires_on >= :day THEN b.on_hand END), 0) AS usable,
       COALESCE(SUM(CASE WHEN l.expires_on < :day THEN b.on_hand END), 0) AS expired,
       i.reorder_point, i.par,
       SUM(b.on_hand * COALESCE(l.pack_price, i.pack_price) * 1.0 / COALESCE(l.pack_size, i.pack_size)) AS cents,
       (SELECT COALESCE(SUM(s.short), 0) FROM inventory_shortage AS s WHERE s.item_id = i.id AND s.status = 'open')
FROM inventory_item AS i
LEFT JOIN inventory_balance AS b ON b.item_id = i.id AND b.on_hand <> 0
LEFT JOIN inventory_lot AS l ON l.id = b.lot_id
WHERE i.active
GROUP BY i.id
ORDER BY lower(i.name)
"""
RAW_LEDGER_SUM = "SELECT item_id, SUM(quantity) FROM inventory_movement GROUP BY item_id"
RAW_LOTS = """
SELECT loc.name, l.lot_number, l.expires_on, b.on_hand, l.expires_on < :day,
       b.on_hand * COALESCE(l.pack_price, i.pack_price) * 1.0 / COALESCE(l.pack_size, i.pack_size)
FROM inventory_item AS i
JOIN inventory_balance AS b ON b.item_id = i.id
JOIN inventory_location AS loc ON loc.id = b.location_id
LEFT JOIN inventory_lot AS l ON l.id = b.lot_id
WHERE i.sku = upper(:sku) AND b.on_hand <> 0
ORDER BY loc.name, l.expires_on IS NULL, l.expires_on, b.lot_key
"""
RAW_REORDER = """
WITH usable AS (
    SELECT b.item_id, SUM(b.on_hand) AS units FROM inventory_balance AS b
    LEFT JOIN inventory_lot AS l ON l.id = b.lot_id
    WHERE l.expires_on IS NULL OR l.expires_on >= :day GROUP BY b.item_id),
coming AS (
    SELECT ol.item_id, SUM((ol.packs - ol.packs_received) * ol.pack_size) AS units
    FROM inventory_order_line AS ol JOIN inventory_order AS o ON o.id = ol.order_id
    WHERE o.status IN ('draft', 'approved', 'sent', 'partially_received') AND ol.packs > ol.packs_received
    GROUP BY ol.item_id)
SELECT i.sku, i.name, COALESCE(u.units, 0), i.reorder_point, i.par, COALESCE(c.units, 0), i.unit, v.name,
       MAX(0, (i.par - COALESCE(u.units, 0) - COALESCE(c.units, 0) + i.pack_size - 1) / i.pack_size),
       i.pack_unit, i.pack_price
FROM inventory_item AS i
LEFT JOIN usable AS u ON u.item_id = i.id
LEFT JOIN coming AS c ON c.item_id = i.id
LEFT JOIN inventory_vendor AS v ON v.id = i.vendor_id
WHERE i.active AND i.par > 0 AND COALESCE(u.units, 0) <= i.reorder_point
ORDER BY i.name
"""


class Bench:
    def __init__(self, path: Path, args: argparse.Namespace) -> None:
        from medoffice.core.services.users import load_user

        zone = ZoneInfo(TIMEZONE)
        self.now = dt.datetime.combine(TODAY, dt.time(6), zone).astimezone(dt.timezone.utc)
        self.runtime = open_practice(path, clock=lambda: self.now)
        self.user = load_user(self.runtime, "frontdesk")
        self.manager = load_user(self.runtime, "admin")
        self.raw = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"):
            self.raw.execute(f"PRAGMA {pragma}")
        self.day = TODAY.isoformat()
        self.sku = "IT-00002"  # tracked by lot
        self.args = args

    def close(self) -> None:
        self.raw.close()
        self.runtime.close()

    def read(self, fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        def run() -> Any:
            with self.runtime.operation(self.manager, write=False) as ctx:
                return fn(ctx, *args)
        return run

    def sql(self, query: str, **params: Any) -> Callable[[], list]:
        def run() -> list:
            self.raw.execute("BEGIN")
            rows = self.raw.execute(query, params).fetchall()
            self.raw.execute("COMMIT")
            return rows
        return run

    def measure(self, action: Callable[[], Any]) -> dict[str, Any]:
        """The median over ``--repeat`` samples of one call's CPU time: a sample times as many
        calls as take about ``--sample-ms`` (at least one), so that a call of a few
        microseconds is not lost in the clock's and the machine's noise; the garbage collector
        runs (untimed) before each sample, so a case does not pay for the garbage of the one
        before."""
        action()  # warm: statements compiled and cached, as on a terminal that has run a while
        once, result = timed(action)
        calls = max(1, min(self.args.max_calls, int(self.args.sample_ms / 1000 / max(once, 1e-7))))
        times = []
        for _ in range(self.args.repeat):
            gc.collect()
            seconds, result = timed(lambda: repeated(action, calls))
            times.append(seconds / calls)
        return {"median": statistics.median(times), "rows": len(result), "calls": calls,
                "peak_kib": round(peak_kib(action), 1)}

    def reading_cases(self) -> dict[str, dict[str, Any]]:
        from medoffice.plugins.inventory import orders, stock

        return {
            "on hand: service": self.measure(self.read(stock.stock_levels)),
            "on hand: raw sqlite3": self.measure(self.sql(RAW_ON_HAND, day=self.day)),
            "on hand: raw sqlite3 summing the ledger": self.measure(self.sql(RAW_LEDGER_SUM)),
            "lots: service": self.measure(lambda: self.read(stock.item_stock, self.sku)().rows),
            "lots: raw sqlite3": self.measure(self.sql(RAW_LOTS, day=self.day, sku=self.sku)),
            "reorder: service": self.measure(self.read(orders.reorder_list)),
            "reorder: raw sqlite3": self.measure(self.sql(RAW_REORDER, day=self.day)),
        }

    def visit_cases(self) -> dict[str, dict[str, Any]]:
        """Complete ``--visits`` visits without a kit, then as many with one; each in its own unit of work."""
        from medoffice.core.services import patients
        from medoffice.plugins.inventory import kits, stock
        from medoffice.plugins.scheduling import booking, day_flow

        zone = ZoneInfo(TIMEZONE)
        visits = self.args.visits
        with self.runtime.operation(self.manager) as ctx:
            mrns = [p.mrn for p in patients.iter_all(ctx)][:2 * visits]
            doctor = ctx.session.execute(_doctor()).scalar_one()
            booked = {}
            for index, mrn in enumerate(mrns):
                kind = PLAIN_TYPE if index < visits else KIT_TYPE
                start = dt.datetime.combine(TODAY, dt.time(7), zone) + dt.timedelta(minutes=5 * index)
                booked.setdefault(kind, []).append(booking.book(ctx, mrn, doctor, kind, start).id)
                day_flow.check_in(ctx, booked[kind][-1])
            kits.define(ctx, KIT_TYPE, {"IT-00001": 1, "IT-00002": 1, "IT-00003": 2})
            for sku, lot in (("IT-00001", None), ("IT-00002", "KIT-LOT"), ("IT-00003", None)):
                stock.adjust(ctx, sku, 10 * visits, "bench", lot=lot,
                             expires=(TODAY + dt.timedelta(days=300)).isoformat() if lot else None)
        self.now = dt.datetime.combine(TODAY, dt.time(19), zone).astimezone(dt.timezone.utc)
        found = {}
        for kind, name in ((PLAIN_TYPE, "complete a visit: no kit"), (KIT_TYPE, "complete a visit: 3-item kit")):
            times = []
            for appointment in booked[kind]:
                seconds, _ = timed(lambda a=appointment: self._complete(day_flow, a))
                times.append(seconds)
            found[name] = {"median": statistics.median(times), "rows": len(times), "peak_kib": 0.0}
        return found

    def _complete(self, day_flow, appointment_id: int) -> None:
        with self.runtime.operation(self.user) as ctx:
            day_flow.complete(ctx, appointment_id)


def _doctor():
    from sqlalchemy import select

    from medoffice.core.storage.models import Staff

    return select(Staff.id).where(Staff.is_provider.is_(True)).limit(1)


def report(description: dict[str, Any], cases: dict[str, dict[str, Any]]) -> str:
    ms = lambda name: cases[name]["median"] * 1000  # noqa: E731
    lines = [f"inventory: {description['items']:,} items, {description['lots']:,} lots, "
             f"{description['movements']:,} movements, {description['balances']:,} balances", "",
             "| case | service CPU ms | raw sqlite3 CPU ms | ratio | peak KiB (service / raw) |", "| --- | --- | --- | --- | --- |"]
    for label, key in (("on hand, every item", "on hand"), ("one item's lots", "lots"),
                       ("the reorder pass", "reorder")):
        service, raw = f"{key}: service", f"{key}: raw sqlite3"
        ratio = cases[service]["median"] / cases[raw]["median"]
        mark = "" if ratio <= TARGET_RATIO else " ✗"
        lines.append(f"| {label} | {ms(service):.3g} | {ms(raw):.3g} | {ratio:.1f}x{mark} | "
                     f"{cases[service]['peak_kib']:.0f} / {cases[raw]['peak_kib']:.0f} |")
    lines.append(f"| (raw: on hand summed from the ledger) | | {ms('on hand: raw sqlite3 summing the ledger'):.2f} | | |")
    added = ms("complete a visit: 3-item kit") - ms("complete a visit: no kit")
    mark = "" if added <= TARGET_KIT_MS else " ✗"
    lines += ["", f"completing a visit: {ms('complete a visit: no kit'):.2f} ms without a kit, "
                  f"{ms('complete a visit: 3-item kit'):.2f} ms with a 3-item kit: the kit adds {added:.2f} ms{mark} "
                  f"(target at most {TARGET_KIT_MS:.0f} ms)"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--visits", type=int, default=30, help="visits completed without, then with, a kit")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sample-ms", type=float, default=20.0,
                        help="CPU time each timed sample of a reading aims at (as many calls as fit, at least one)")
    parser.add_argument("--max-calls", type=int, default=2000, help="the most calls in one sample")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work-dir", type=Path, help="where the practice is made (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the practice's file")
    parser.add_argument("--json-out", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)
    if not 3 <= args.items <= 100_000 or args.movements < 0 or not 1 <= args.visits <= 60 or args.repeat < 1 \
            or args.sample_ms < 0 or args.max_calls < 1:
        parser.error("--items 3..100000, --movements >= 0, --visits 1..60, --repeat >= 1, --sample-ms >= 0, "
                     "--max-calls >= 1")
    folder = Path(tempfile.mkdtemp(prefix="inventory-bench-", dir=args.work_dir))
    path = folder / "inventory.sqlite"
    try:
        description = make_practice(path, items=args.items, movements=args.movements, visits=args.visits,
                                    seed=args.seed)
        print(f"made in {description['seconds']} s", file=sys.stderr, flush=True)
        bench = Bench(path, args)
        try:
            cases = bench.reading_cases() | bench.visit_cases()
        finally:
            bench.close()
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(report(description, cases))
    if args.json_out:
        args.json_out.write_text(json.dumps([{"description": description, "cases": cases}], indent=2))


if __name__ == "__main__":
    main()
