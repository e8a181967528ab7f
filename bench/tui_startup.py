"""How long from process start to the day board being interactive, against a bare Textual app?

Two programs, each started as a process of its own, alternating, as the median of repeats, so
the ratio holds on any machine:

- **medoffice**: the reception TUI on the demo practice, as ``medoffice tui`` starts it (the
  command line and the ``medoffice.ui`` entry point imported, the app built on the sign-in
  screen, which opens the practice, the installed plugins discovered from their entry points,
  in a worker thread while it is up). A headless pilot fills the two fields in one go and,
  as a person still typing would, presses Enter once the practice is open (``--enter-at-once``
  presses it at once: the password check then waits for the practice); nobody's typing is
  timed, the password check is. If the home screen is not the day board, it opens it the
  way a user does, with F5. The JSON result says which way the board was reached.
- **bare Textual**: an ``App`` whose only widget is a ``DataTable`` of the same rows and
  columns (eight: time, patient, type, provider, room, status, arrived, waiting), read from the
  same SQLite file with raw ``sqlite3`` in ``on_mount``.

- **floor**: the bare app plus the two costs no medoffice start can avoid: importing
  SQLAlchemy's ORM (the storage every service runs on) and one argon2 check of the user's
  stored password hash (read with raw ``sqlite3``, checked with the practice's parameters), in
  ``on_mount`` before the rows. medoffice's ratio to it says how much of the rest is ours.

**Interactive** means: the board's table (``#board``) holds every appointment of the day (the
row count the parent read with raw SQL) *and* the screen has settled: the app's and every
widget of the screen's message queues are empty at two checks a millisecond apart (the rows
have been laid out and a refresh requested), so the next key is handled at once. The
sign-in screen counts as shown when it has settled the same way. (Not :meth:`Pilot.pause`:
it waits for the whole process to be idle, and medoffice opens the practice in a worker
thread while the sign-in screen is up.) The clock
is ``time.perf_counter`` (``CLOCK_MONOTONIC``, the same in every process): the parent reads
it just before starting the process, the child when the board is interactive; the process's
exit is not timed. Both apps run headless (Textual's own headless driver: everything is
composed and rendered, nothing is written to a terminal) at the same size.

The day shown is the demo's busiest day of the coming week: the demo books the next working
days, so on a weekend "today" is empty. When that day is not today, the practice's clock is
moved to 10:00 on that day, so the board's "today" is that day (``--day`` picks another).

Run (makes the demo practice first if the file does not exist, with ``medoffice demo``):

    .venv/bin/python bench/tui_startup.py --repeat 11

``--db`` also takes a practice made by ``bench/scheduling_data.py`` (its audit key beside it;
pass ``--day 2025-06-02 --password bench-password``), as the smoke test does.

Targets (docs/performance.md, issue 16), both against the bare app's start to interactive:
the command to the sign-in screen shown within 1.5x, and Enter to the interactive board within
2x. A medoffice from before the sign-in screen came first (no ``open_practice``) is measured
too, opening the practice before the app, for a "before" run with the same marks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DEFAULT_DB = Path("/tmp/medoffice-bench/tui/demo.sqlite")
COLUMNS = ("Time", "Patient", "Type", "Provider", "Room", "Status", "Arr.", "Wait")

DAY_ROWS = """
SELECT a.starts_at, p.last_name || ', ' || p.first_name, t.name, s.name, r.name, a.status, a.arrived_at
FROM scheduling_appointment AS a
JOIN scheduling_appointment_type AS t ON t.id = a.type_id
JOIN core_patient AS p ON p.id = a.patient_id
JOIN core_staff AS s ON s.id = a.provider_id
LEFT JOIN core_room AS r ON r.id = a.room_id
WHERE a.starts_at >= ? AND a.starts_at < ?
ORDER BY s.name, a.starts_at, a.id
"""


# -- the practice and its day (raw sqlite3, in the parent and in the bare app) ---------------------


def stamp(moment: dt.datetime) -> str:
    """A UTC time as SQLAlchemy stores it in SQLite."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def zone_of(path: Path):
    from zoneinfo import ZoneInfo

    with sqlite3.connect(path) as conn:
        (name,) = conn.execute("SELECT timezone FROM core_practice").fetchone()
    return ZoneInfo(name)


def day_bounds(path: Path, day: dt.date) -> tuple[str, str]:
    zone = zone_of(path)
    start = dt.datetime.combine(day, dt.time(), zone)
    return stamp(start), stamp(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone))


def day_rows(path: Path, day: dt.date) -> list[tuple[str, ...]]:
    """The day's appointments as the board's eight cells, with raw sqlite3."""
    zone = zone_of(path)

    def clock(value: str | None) -> str:
        if not value:
            return ""
        moment = dt.datetime.fromisoformat(value).replace(tzinfo=dt.timezone.utc)
        return moment.astimezone(zone).strftime("%H:%M")

    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(DAY_ROWS, day_bounds(path, day)).fetchall()
    finally:
        conn.close()
    return [(clock(start), patient, kind, provider, room or "", status, clock(arrived), "")
            for start, patient, kind, provider, room, status, arrived in rows]


def busiest_day(path: Path) -> tuple[dt.date, int]:
    """The local day from today on with the most appointments (today if it ties)."""
    zone = zone_of(path)
    today = dt.datetime.now(zone).date()
    with sqlite3.connect(path) as conn:
        starts = [s for (s,) in conn.execute("SELECT starts_at FROM scheduling_appointment WHERE starts_at >= ?",
                                            (day_bounds(path, today)[0],))]
    counts: dict[dt.date, int] = {}
    for value in starts:
        local = dt.datetime.fromisoformat(value).replace(tzinfo=dt.timezone.utc).astimezone(zone).date()
        counts[local] = counts.get(local, 0) + 1
    if not counts:
        raise SystemExit(f"{path} has no appointments from today on: make the demo again (delete the file)")
    best = max(sorted(counts), key=lambda d: counts[d])
    return best, counts[best]


def bench_env(path: Path) -> dict[str, str]:
    """The environment of every process: the practice's home (config, audit key) beside the file."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as an installed medoffice runs: byte-code written once
    env["MEDOFFICE_HOME"] = str(path.with_name(path.name + ".home"))
    env["MEDOFFICE_DB"] = f"sqlite:///{path}"
    beside = path.with_name(path.name + ".audit-key")  # a practice made by bench/scheduling_data.py
    if beside.exists():
        env["MEDOFFICE_AUDIT_KEY_FILE"] = str(beside)
    return env


def ensure_demo(path: Path, patients: int) -> None:
    """Make the demo practice, or bring one an older medoffice made up to date (``medoffice
    demo`` reuses and upgrades it). A practice that is not a demo is used as it is."""
    if path.exists() and not _is_demo(path):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    medoffice = str(Path(sys.executable).with_name("medoffice"))
    subprocess.run([medoffice, "--db", f"sqlite:///{path}", "demo", "--patients", str(patients), "--json"],
                   check=True, stdout=subprocess.DEVNULL, env=bench_env(path))


def _is_demo(path: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute("SELECT is_demo FROM core_practice").fetchone()
    except sqlite3.Error:
        return False
    return bool(row and row[0])


# -- the children ---------------------------------------------------------------------------------


async def wait_until(condition, timeout: float = 60.0) -> None:
    import asyncio

    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.001)


async def settle(app: Any) -> None:
    """Until the screen shown is mounted and every message queue of the app and the screen
    is empty, at two checks a millisecond apart (what the app has left to do for what it
    shows is done; a worker thread may still be busy)."""
    import asyncio

    def settled() -> bool:
        screen = app.screen
        return (screen.is_mounted and app.message_queue_size == 0
                and all(node.message_queue_size == 0 for node in screen.walk_children(with_self=True)))

    quiet = 0
    deadline = time.perf_counter() + 60
    while quiet < 2:
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not settle in time")
        await asyncio.sleep(0.001)
        quiet = quiet + 1 if settled() else 0


def board_table(app: Any) -> Any | None:
    """The day board's table on the screen shown, if the screen is the day board."""
    from textual.widgets import DataTable

    found = app.screen.query("#board")
    return found.first(DataTable) if found else None


def child_medoffice(args: argparse.Namespace, marks: dict[str, float], info: dict[str, Any]) -> None:
    import click
    from medoffice.core.cli import cli  # the command line, as `medoffice tui` starts
    from medoffice.core.cli._app import AppState
    from medoffice.core.cli.tui_cmd import load_ui
    from textual.widgets import Input

    load_ui()  # the entry-point lookup `medoffice tui` makes (imports medoffice.tui)
    from medoffice.tui.app import MedofficeApp
    from medoffice.tui.screens.signin import SignInScreen

    marks["imported"] = time.perf_counter()
    state = AppState()

    def open_practice() -> Any:
        """What `medoffice tui` hands the app: opened in its worker while the form is up."""
        if args.day is not None:  # move the practice's clock to 10:00 on the day shown
            from medoffice.core.runtime import utc_now

            day = dt.date.fromisoformat(args.day)
            target = dt.datetime.combine(day, dt.time(10), zone_of(args.db))
            if day != dt.datetime.now(target.tzinfo).date():
                shift = target - utc_now()
                state.clock = lambda: utc_now() + shift
        runtime = state.runtime()
        marks["practice open"] = time.perf_counter()
        return runtime

    try:
        app = MedofficeApp(open_practice=open_practice)
    except TypeError:  # a medoffice from before the sign-in screen came first (a "before" run)
        from click.globals import push_context

        push_context(click.Context(cli))  # whose AppState.runtime() needs a command's context
        app = MedofficeApp(open_practice())

    async def drive(pilot: Any) -> None:
        await wait_until(lambda: isinstance(app.screen, SignInScreen))
        await settle(app)
        marks["sign-in shown"] = time.perf_counter()
        form = app.screen
        form.query_one("#username", Input).value = args.user
        form.query_one("#password", Input).value = args.password
        form.query_one("#password", Input).focus()
        # the person types while the practice opens: Enter once it is open (--enter-at-once: at once)
        if not args.enter_at_once and hasattr(app, "practice"):
            await wait_until(lambda: app.practice.loaded)
            await settle(app)
        marks["enter"] = time.perf_counter()
        await pilot.press("enter")
        await wait_until(lambda: app.user is not None and not isinstance(app.screen, SignInScreen))
        marks["signed in"] = time.perf_counter()
        await settle(app)
        info["opened_with"] = "home"
        if board_table(app) is None:
            info["opened_with"] = "F5"
            await pilot.press("f5")
        await wait_until(lambda: board_table(app) is not None)
        marks["board up"] = time.perf_counter()
        await wait_until(lambda: board_table(app).row_count >= args.rows)
        await settle(app)
        marks["interactive"] = time.perf_counter()
        table = board_table(app)
        info["rows"] = table.row_count
        info["columns"] = len(table.columns)
        info["screen"] = type(app.screen).__name__
        app.exit()

    try:
        app.run(headless=True, size=args.size, auto_pilot=drive)
    finally:
        if state._runtime is not None:
            state._runtime.close()
    if getattr(app, "start_error", None) is not None:
        raise app.start_error


def run_table_app(args: argparse.Namespace, marks: dict[str, float], info: dict[str, Any],
                  before_rows: Any = None) -> None:
    """The baselines' app: one ``DataTable`` of the day's rows read with raw ``sqlite3`` in
    ``on_mount``, after ``before_rows()`` if given; marked interactive like the board."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    day = dt.date.fromisoformat(args.day) if args.day else dt.date.today()

    class Table(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(id="board", cursor_type="row", zebra_stripes=True)

        def on_mount(self) -> None:
            if before_rows is not None:
                before_rows()
            table = self.query_one(DataTable)
            table.add_columns(*COLUMNS)
            table.add_rows(day_rows(args.db, day))

    app = Table()

    async def drive(pilot: Any) -> None:
        await wait_until(lambda: (t := board_table(app)) is not None and t.row_count >= args.rows)
        await settle(app)
        marks["interactive"] = time.perf_counter()
        table = board_table(app)
        info["rows"] = table.row_count
        info["columns"] = len(table.columns)
        app.exit()

    app.run(headless=True, size=args.size, auto_pilot=drive)


def child_bare(args: argparse.Namespace, marks: dict[str, float], info: dict[str, Any]) -> None:
    import textual.app  # noqa: F401
    import textual.widgets  # noqa: F401

    marks["imported"] = time.perf_counter()
    run_table_app(args, marks, info)


def child_floor(args: argparse.Namespace, marks: dict[str, float], info: dict[str, Any]) -> None:
    import sqlalchemy.orm  # noqa: F401 - the ORM every medoffice service runs on
    import textual.app  # noqa: F401
    import textual.widgets  # noqa: F401
    from argon2 import PasswordHasher

    marks["imported"] = time.perf_counter()
    with sqlite3.connect(args.db) as conn:
        (stored,) = conn.execute("SELECT password_hash FROM core_user WHERE username = ?", (args.user,)).fetchone()

    def check_password() -> None:
        PasswordHasher().verify(stored, args.password)
        marks["signed in"] = time.perf_counter()

    run_table_app(args, marks, info, before_rows=check_password)


CHILDREN = {"medoffice": child_medoffice, "bare": child_bare, "floor": child_floor}


def run_child(args: argparse.Namespace) -> None:
    marks: dict[str, float] = {}
    info: dict[str, Any] = {}
    CHILDREN[args.child](args, marks, info)
    Path(args.result).write_text(json.dumps({"marks": marks, **info}))


# -- the parent -----------------------------------------------------------------------------------


def measure(args: argparse.Namespace, which: str, day: dt.date, rows: int, result: Path) -> dict[str, Any]:
    """Run one child; its marks as seconds since the process was started."""
    result.unlink(missing_ok=True)
    argv = [sys.executable, __file__, "--child", which, "--db", str(args.db), "--day", day.isoformat(),
            "--rows", str(rows), "--size", f"{args.size[0]}x{args.size[1]}", "--user", args.user,
            "--password", args.password, "--result", str(result), *(["--enter-at-once"] if args.enter_at_once else [])]
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=bench_env(args.db), stdout=subprocess.DEVNULL, timeout=120)
    data = json.loads(result.read_text())
    data["marks"] = {name: at - start for name, at in data["marks"].items()}
    return data


def size(text: str) -> tuple[int, int]:
    columns, _, lines = text.partition("x")
    return int(columns), int(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="the demo practice (made if missing)")
    parser.add_argument("--patients", type=int, default=300, help="patients of a demo made here")
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--warm", type=int, default=1, help="untimed runs of each program first")
    parser.add_argument("--day", help="the day shown, YYYY-MM-DD (default: the busiest from today on)")
    parser.add_argument("--size", type=size, default=(80, 24), help="the terminal, COLUMNSxLINES")
    parser.add_argument("--user", default="frontdesk")
    parser.add_argument("--password", default="demo")
    parser.add_argument("--json-out", type=Path, help="write the samples and medians here")
    parser.add_argument("--enter-at-once", action="store_true",
                        help="press Enter on the sign-in screen at once, not once the practice is open")
    parser.add_argument("--child", choices=tuple(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_child(args)
        return

    ensure_demo(args.db, args.patients)
    if args.day:
        day = dt.date.fromisoformat(args.day)
        rows = len(day_rows(args.db, day))
    else:
        day, rows = busiest_day(args.db)
    if rows == 0:
        raise SystemExit(f"no appointments on {day}: nothing to show")
    result = args.db.with_name(f"tui-startup-{os.getpid()}.json")
    cases = ("bare", "floor", "medoffice")
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in cases}
    try:
        for _ in range(args.warm):  # warm the file cache and byte-code
            for name in cases:
                measure(args, name, day, rows, result)
        for _ in range(args.repeat):
            for name in cases:
                samples[name].append(measure(args, name, day, rows, result))
    finally:
        result.unlink(missing_ok=True)

    def median(name: str, mark: str) -> float:
        return statistics.median(s["marks"][mark] for s in samples[name])

    tui = samples["medoffice"]
    opened = sorted({s["opened_with"] for s in tui})
    baseline = median("bare", "interactive")
    floor = median("floor", "interactive")
    total = median("medoffice", "interactive")
    sign_in = median("medoffice", "sign-in shown")
    board = statistics.median(s["marks"]["interactive"] - s["marks"]["enter"] for s in tui)
    password = statistics.median(s["marks"]["signed in"] - s["marks"]["enter"] for s in tui)
    summary = {
        "day": day.isoformat(), "rows": rows, "columns": tui[0]["columns"], "size": list(args.size),
        "repeat": args.repeat, "opened_with": opened, "board_screen": tui[0]["screen"],
        "enter_at_once": args.enter_at_once,
        "bare_interactive": baseline, "floor_interactive": floor, "medoffice_interactive": total,
        "ratio": total / baseline, "floor_ratio": floor / baseline, "ratio_to_floor": total / floor,
        "sign_in_shown": sign_in, "sign_in_ratio": sign_in / baseline,
        "enter_to_board": board, "board_ratio": board / baseline, "enter_to_signed_in": password,
        "medoffice_phases": {m: median("medoffice", m) for m in tui[0]["marks"]},
        "bare_phases": {m: median("bare", m) for m in samples["bare"][0]["marks"]},
        "floor_phases": {m: median("floor", m) for m in samples["floor"][0]["marks"]},
        "load": os.getloadavg(),
    }
    assert all(s["rows"] == rows for ss in samples.values() for s in ss), "a table missed rows"
    if args.json_out:
        args.json_out.write_text(json.dumps({"summary": summary, "samples": samples}, indent=2))

    print(f"Day board of {day} ({rows} rows x {summary['columns']} columns) at {args.size[0]}x{args.size[1]}, "
          f"median of {args.repeat}; board reached via {', '.join(opened)}; Enter pressed "
          f"{'at once' if args.enter_at_once else 'once the practice is open'}; load {summary['load'][0]:.2f}\n")
    print("| program | phase | median since process start (ms) | ratio to bare |\n|---|---|---:|---:|")
    for mark, at in summary["bare_phases"].items():
        print(f"| bare Textual | {mark} | {at * 1000:.0f} | {at / baseline:.2f}x |")
    for mark, at in summary["floor_phases"].items():
        print(f"| floor (bare + SQLAlchemy ORM + argon2) | {mark} | {at * 1000:.0f} | {at / baseline:.2f}x |")
    for mark, at in summary["medoffice_phases"].items():
        print(f"| medoffice tui | {mark} | {at * 1000:.0f} | {at / baseline:.2f}x |")
    print(f"| medoffice tui | Enter to interactive board (of which {password * 1000:.0f} ms to signed in) | "
          f"{board * 1000:.0f} | {summary['board_ratio']:.2f}x |")
    verdict = "met" if summary["sign_in_ratio"] <= 1.5 else "missed"
    print(f"\nCommand to sign-in screen: {summary['sign_in_ratio']:.2f}x the bare app (target 1.5x: {verdict}).")
    verdict = "met" if summary["board_ratio"] <= 2 else "missed"
    print(f"Enter to interactive board: {summary['board_ratio']:.2f}x the bare app (target 2x: {verdict}).")
    print(f"Start to interactive board: {summary['ratio']:.2f}x the bare app; "
          f"the floor is {summary['floor_ratio']:.2f}x, medoffice is {summary['ratio_to_floor']:.2f}x the floor.")


if __name__ == "__main__":
    main()
