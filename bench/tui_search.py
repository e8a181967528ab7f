"""Patient search as you type in the TUI on 50,000 patients: from each key to its results shown.

A Textual pilot types a name fragment into the TUI's patient search one key at a time, waiting
for each key's results, on a practice made by ``bench/scheduling_data.py`` (``--scale year``:
50,000 patients). For every key it measures the time from the key press to the results
table showing *that* text's results (the screen's ``shown_query`` is the text typed) with the
app idle again (:meth:`Pilot.pause` returned: the rows are in the table and every widget has
processed its messages). Each position of the fragment is typed ``--repeat`` times (Escape
clears the field between rounds): the table gives the median and the 90th percentile.

The search screen waits for a pause in typing (``SEARCH_DELAY``, 0.15 s) before it searches,
so a key's latency is that pause plus the work: both are shown. Two baselines, measured in
the same run, per prefix, as medians:

- the service alone: ``patients.find(ctx, text, limit=50)`` in a read-only unit of work as the
  front desk, as the screen's worker calls it;
- raw ``sqlite3``: the same queries the service runs for a single word (MRN, exact last name,
  last-name prefix, a later word of a last or first name from the search-term table,
  first-name prefix: each an index range of ids and sort keys, ``LIMIT 50`` in the order the
  service asks), merged in Python, then the full rows of the 50 shown, on a plain
  connection.

Run (the practice as made by the generator; see docs/performance.md):

    .venv/bin/python bench/scheduling_data.py /tmp/medoffice-bench/scheduling-1y.sqlite --scale year
    .venv/bin/python bench/tui_search.py /tmp/medoffice-bench/scheduling-1y.sqlite --repeat 10

The fragment is ``--text``, or else the practice's most common last name of five letters or
more (``miles`` in the seed-1 year practice). ``--text 4433`` types a phone's ending (the
raw baseline is then the MRN and phone-ending queries). Nothing is written: the searches are reads and
the front desk is loaded, not signed in.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scheduling_data import FRONT_DESK, open_practice  # noqa: E402

LIMIT = 50  # the screen's SEARCH_LIMIT, which the service also asks of each query
TOP = "\U0010ffff"  # the service's "starts with" upper bound
KEYS = "id, search_last, search_first, mrn"
BY_NAME = "ORDER BY search_last, search_first, mrn LIMIT ?"
RAW_MRN = f"SELECT {KEYS} FROM core_patient WHERE active AND mrn = ? {BY_NAME}"
RAW = (
    f"SELECT {KEYS} FROM core_patient WHERE active AND search_last = ? {BY_NAME}",
    f"SELECT {KEYS} FROM core_patient WHERE active AND search_last >= ? AND search_last < ? {BY_NAME}",
    "SELECT p.id, p.search_last, p.search_first, p.mrn, t.kind FROM core_patient p JOIN core_patient_search_term t "
    "ON t.patient_id = p.id WHERE p.active AND t.kind IN ('first', 'last') AND t.term >= ? AND t.term < ? "
    "ORDER BY t.kind DESC, t.term LIMIT ?",
    f"SELECT {KEYS} FROM core_patient WHERE active AND search_first >= ? AND search_first < ? "
    "ORDER BY search_first LIMIT ?",
)
RAW_PHONE_ENDING = (
    "SELECT p.id, p.search_last, p.search_first, p.mrn FROM core_patient p JOIN core_patient_search_term t "
    "ON t.patient_id = p.id WHERE p.active AND t.kind = 'phone' AND t.term >= ? AND t.term < ? "
    "ORDER BY t.kind DESC, t.term LIMIT ?"
)
ROWS = "SELECT * FROM core_patient WHERE id IN ({})"


def default_text(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT search_last, count(*) AS n FROM core_patient WHERE length(search_last) >= 5 "
                           "GROUP BY search_last ORDER BY n DESC, search_last LIMIT 1").fetchone()
    if row is None:
        raise SystemExit(f"{path} has no patient with a last name of five letters or more: pass --text")
    return row[0][:5]


def raw_find(conn: sqlite3.Connection, word: str) -> list[tuple]:
    """The service's search for one word (or a phone's ending) in raw SQL: best score per
    patient, then by name; then the full rows of the ones shown."""
    scored: dict[int, tuple[int, tuple]] = {}
    queries: list[tuple[int, str, tuple]] = [(100, RAW_MRN, (word.upper(), LIMIT))]
    if word.isdigit():  # a phone's ending from 4 digits on
        if len(word) >= 4:
            queries.append((80, RAW_PHONE_ENDING, (word[::-1], word[::-1] + TOP, LIMIT)))
    else:
        queries += [(85, RAW[0], (word, LIMIT)), (75, RAW[1], (word, word + TOP, LIMIT)),
                    (72, RAW[2], (word, word + TOP, LIMIT)), (60, RAW[3], (word, word + TOP, LIMIT))]
    for score, sql, params in queries:
        for row in conn.execute(sql, params):
            if row[0] not in scored or scored[row[0]][0] < score:
                scored[row[0]] = (score, row[:4])
    ranked = sorted(scored.values(), key=lambda s: (-s[0], s[1][1], s[1][2], s[1][3]))[:LIMIT]
    ids = [row[0] for _, row in ranked]
    full = {row[0]: row for row in conn.execute(ROWS.format(", ".join("?" * len(ids))), ids)} if ids else {}
    return [full[i] for i in ids]


def median_of(action, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]


async def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen did not show the results in time")
        await asyncio.sleep(0.001)


async def type_in_tui(runtime: Any, user: Any, text: str, repeat: int, size: tuple[int, int]) -> dict[str, Any]:
    """Type ``text`` key by key ``repeat`` times; per prefix, each key's latency and the rows shown."""
    from textual.widgets import DataTable

    from medoffice.tui.app import MedofficeApp

    latencies: dict[str, list[float]] = {text[: i + 1]: [] for i in range(len(text))}
    rows: dict[str, int] = {}
    app = MedofficeApp(runtime, user=user)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if not app.screen.query("#query"):  # the home is another screen (the day board): F2 finds
            await pilot.press("f2")
            await wait_until(lambda: bool(app.screen.query("#query")))
            await pilot.pause()
        screen = app.screen
        table = screen.query_one("#results", DataTable)
        for _ in range(repeat):
            await pilot.press("escape")  # clear the field
            await wait_until(lambda: screen.shown_query in (None, ""))
            await pilot.pause()
            for typed in latencies:
                start = time.perf_counter()
                await pilot.press(typed[-1])
                await wait_until(lambda: screen.shown_query == typed)
                await pilot.pause()
                latencies[typed].append(time.perf_counter() - start)
                rows[typed] = table.row_count
    return {"latencies": latencies, "rows": rows}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("practice", type=Path, help="a practice made by bench/scheduling_data.py")
    parser.add_argument("--text", help="the fragment typed (default: a common last name)")
    parser.add_argument("--repeat", type=int, default=10, help="rounds of typing, and calls per baseline")
    parser.add_argument("--size", default="80x24", help="the terminal, COLUMNSxLINES")
    parser.add_argument("--json-out", type=Path, help="write the samples and medians here")
    args = parser.parse_args(argv)
    text = (args.text or default_text(args.practice)).lower()
    columns, _, lines = args.size.partition("x")

    from medoffice.core.services import patients
    from medoffice.core.services.users import load_user
    from medoffice.tui.screens.patients import SEARCH_DELAY

    runtime = open_practice(args.practice)
    conn = sqlite3.connect(args.practice)
    try:
        user = load_user(runtime, FRONT_DESK)
        prefixes = [text[: i + 1] for i in range(len(text))]

        def service(prefix: str) -> list:
            with runtime.operation(user, write=False) as ctx:
                return patients.find(ctx, prefix, limit=LIMIT)

        for prefix in prefixes:  # warm the caches, the compiled statements and the file pages
            service(prefix), raw_find(conn, prefix)
        baselines: dict[str, dict[str, Any]] = {}
        for prefix in prefixes:
            raw_time, raw_rows = median_of(lambda: raw_find(conn, prefix), args.repeat)
            service_time, found = median_of(lambda: service(prefix), args.repeat)
            baselines[prefix] = {"raw": raw_time, "raw_rows": len(raw_rows), "service": service_time,
                                 "service_rows": len(found)}
        typed = asyncio.run(type_in_tui(runtime, user, text, args.repeat, (int(columns), int(lines))))
    finally:
        conn.close()
        runtime.close()

    cases: dict[str, dict[str, Any]] = {}
    for prefix in prefixes:
        values = typed["latencies"][prefix]
        cases[prefix] = baselines[prefix] | {"tui_median": statistics.median(values), "tui_p90": p90(values),
                                             "tui_rows": typed["rows"][prefix], "tui_samples": values}
    everything = [v for p in prefixes for v in typed["latencies"][p]]
    summary = {"text": text, "repeat": args.repeat, "size": args.size, "search_delay": SEARCH_DELAY,
               "tui_median": statistics.median(everything), "tui_p90": p90(everything),
               "patients": sqlite3.connect(args.practice).execute("SELECT count(*) FROM core_patient").fetchone()[0],
               "load": os.getloadavg()}
    if args.json_out:
        args.json_out.write_text(json.dumps({"summary": summary, "cases": cases}, indent=2))

    print(f"Typing {text!r} on {summary['patients']:,} patients, {args.repeat} rounds at {args.size}; "
          f"the screen waits {SEARCH_DELAY * 1000:.0f} ms for a pause in typing; load {summary['load'][0]:.2f}\n")
    print("| typed | rows | raw sqlite3 (ms) | service (ms) | service / raw | key to screen, median (ms) | "
          "p90 (ms) | median less the pause (ms) | less the pause / service |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for prefix, case in cases.items():
        work = case["tui_median"] - SEARCH_DELAY
        print(f"| {prefix} | {case['tui_rows']} | {case['raw'] * 1000:.1f} | {case['service'] * 1000:.1f} | "
              f"{case['service'] / case['raw']:.1f}x | {case['tui_median'] * 1000:.0f} | "
              f"{case['tui_p90'] * 1000:.0f} | {work * 1000:.0f} | {work / case['service']:.1f}x |")
    print(f"| every key | | | | | {summary['tui_median'] * 1000:.0f} | {summary['tui_p90'] * 1000:.0f} | "
          f"{(summary['tui_median'] - SEARCH_DELAY) * 1000:.0f} | |")


if __name__ == "__main__":
    main()
