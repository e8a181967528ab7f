"""Every leaf command, fed hostile values: never an internal error, never a write when refused.

The commands are found by walking the click command tree of ``medoffice`` as a demo practice
sees it (the core's and every enabled plugin's), so a new command is fuzzed without a line
here. Hypothesis draws each command's arguments from its parameters: record ids (real ones,
0, negatives, past SQLite's 64-bit range), choices (and words that are not), paths inside
the test's folder (missing folders, folders, 300-character names, files that are Latin-1,
binary or not a database), flags, and text by what the parameter means (MRNs, amounts, days,
times, counts) with hostile text mixed in: empty, blanks, 5,000 characters, control
characters, right-to-left marks, bytes that are not UTF-8 (as the shell hands them over),
numbers past every range and days at the calendar's ends. One value of each invocation is
the hostile one, the others plausible, so that the hostile value reaches the code past the
checks of the others.

An invocation fails the test when it exits 3 (an internal error), prints a traceback, raises
out of the command, says its domain error in more than one line, or changes the practice's
rows although it was refused (row counts of every table and the audit log's last entry
other than signing in, before and after).

Runs on a small demo practice per database with a fixed seed: ``MEDOFFICE_FUZZ_EXAMPLES``
invocations per command (default 3), e.g. ``MEDOFFICE_FUZZ_EXAMPLES=60 pytest
tests/core/test_cli_fuzz.py -n 0`` for a long run; ``MEDOFFICE_FUZZ_SEED`` draws another
set of values.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select, text

from medoffice.core.cli.params import RecordId

EXAMPLES = int(os.environ.get("MEDOFFICE_FUZZ_EXAMPLES", "3"))
SEED = int(os.environ.get("MEDOFFICE_FUZZ_SEED", "0"))
LOG = os.environ.get("MEDOFFICE_FUZZ_LOG")
"""A file to append every invocation to, with its exit code and last line of stderr."""

LAST = ("restore", "plugins")
"""Groups run after all others: restoring a backup or disabling a plugin changes what the
rest would see."""

HELD = {("demo", "reset"): False, ("demo", "open_tui"): False}
"""Flags held off: ``demo --reset`` rebuilds the practice (seconds, and the fuzz loses its
data); ``--tui`` opens the terminal UI, fuzzed key by key in tests/tui instead."""

NEEDS_EXTRA = {"tui"}
"""Commands run only with an unexpected argument: ``tui`` takes none and would open the UI."""

# -- hostile and plausible values ------------------------------------------------------------

HOSTILE_TEXT = [
    "", " ", "   \t", "\n", "x" * 300, "y" * 5000, "\x1b[31mred", "a\tb", "\u202eevil", "😀",
    "Zoë Ñúñez", "sm\udcff", "\udcc3\udca9", "\udcff\udcfe", "%s%n%x", "'; DROP TABLE core_patient;--",
    "../../etc/passwd", "NULL", "None", "true", "-", "--", "=", "a=b=c", "field=", "=value",
    "0", "-0", "-1", "1.5", "1e30", "-1e30", "1e-30", "NaN", "inf", "-inf", "9" * 25,
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "0x10", "1_000",
    "9999-12-31", "0001-01-01", "0000-00-00", "2026-02-30", "2026-13-01", "99999-01-01",
    "9999-12-31 23:59", "0001-01-01 00:00", "2026-06-01 24:00", "2026-06-01 25:61", "9999-12", "0001-01",
    "10000", "9999", "0001", "24:00", "23:59", "00:00", "-12:00",
]
"""Text that has broken, or could break, a command somewhere."""

TODAY = dt.date.today()
MONEY = ["12.50", "0.01", "100", "$1,200", "35"]
ODD_MONEY = ["0", "0.00", "-5", "0.001", "12.345", "99999999.99", "100000000", "1e30", "1E+999999999", "-1e30",
             "1e-30", "1E-999999999", "NaN", "sNaN", "Infinity", "1_000", "12,50", "$", ".", "9" * 40]
DAYS = [f"{TODAY + dt.timedelta(days=n)}" for n in (-30, -1, 0, 1, 2, 5)] + [
    f"{TODAY + dt.timedelta(days=n)} {clock}" for n in (1, 2) for clock in ("09:00", "10:30", "14:15")] + [
    "today", TODAY.strftime("%Y-%m"), str(TODAY.year), "09:00", "17:00", "mon", "fri", "1984-05-02"]
ODD_DAYS = ["2026-02-29", "1900-01-01", "1799-12-31", "0001-01-01", "0001-01-02", "9999-12-31", "9999-12-30",
            "3000-01-01", "2999-12-31", "9999-12", "0001-01", "9999", "0001", "0000", "2026-W23", "1/2/2026",
            "2026-06-01T09:00", "9999-12-31 23:30", "2999-12-31 23:30", "0001-01-01 00:00", "1800-01-01 00:00",
            "2026-03-08 02:30", "2026-11-01 01:30", "24:00", "12:60", "23:59", "00:00", "sunday", "8"]
COUNTS = ["1", "2", "3", "15", "30"]
ODD_COUNTS = ["0", "-1", "1440", "100000", "9" * 20, "1.5", "x", "2147483648"]

MONEY_NAMES = {"amount", "fee", "copay"}
DAY_NAMES = {"dob", "on", "received_on", "spent_on", "since", "until", "day", "date", "from", "to", "first",
             "last", "week", "month", "period", "at", "start", "end", "subscriber_dob", "weekday", "when",
             "effective", "days"}
COUNT_NAMES = {"minutes", "count", "weeks", "headcount", "units", "quantity", "patients", "every", "limit",
               "step", "seed", "share"}
PATIENT_NAMES = {"mrn", "keep", "absorb", "patient"}


def plausible_values(runtime) -> dict[str, list[str]]:
    """Real names in the demo practice: MRNs, codes, names of locations, rooms, types, payers…

    Read generically (every column so named in every table) so plugins' tables count too.
    "admin" is left out: deactivating the administrator or their role would leave the rest of
    the run signed out."""
    wanted = {"mrn": "mrn", "name": "name", "code": "code", "username": "name", "category": "name", "role": "name"}
    found: dict[str, set[str]] = {"mrn": set(), "name": set(), "code": set()}
    with runtime.engine.connect() as conn:
        inspector = inspect(conn)
        for table in inspector.get_table_names():
            for column in inspector.get_columns(table):
                pool = wanted.get(column["name"])
                if pool is None:
                    continue
                rows = conn.execute(text(f'SELECT DISTINCT "{column["name"]}" FROM "{table}" LIMIT 6')).scalars()
                found[pool].update(str(v) for v in rows if v is not None and str(v) != "admin")
    return {k: sorted(v) for k, v in found.items()}


def leaf_commands(root: click.Group, ctx: click.Context) -> list[tuple[str, ...]]:
    leaves: list[tuple[str, ...]] = []

    def walk(path: tuple[str, ...], command: click.Command) -> None:
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                walk((*path, name), command.get_command(ctx, name))
        else:
            leaves.append(path)

    walk((), root)
    return sorted(leaves, key=lambda p: (p[0] in LAST, LAST.index(p[0]) if p[0] in LAST else 0, p))


def command_at(root: click.Group, ctx: click.Context, path: tuple[str, ...]) -> click.Command:
    command: click.Command = root
    for name in path:
        command = command.get_command(ctx, name)  # type: ignore[union-attr]
    return command


class Values:
    """Strategies for one parameter: plausible and hostile."""

    def __init__(self, pools: dict[str, list[str]], folder: Path) -> None:
        self.pools = pools
        self.folder = folder
        self.ids = st.one_of(st.integers(1, 12), st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, 10**20, -(2**63) - 1]))
        files = folder / "files"
        self.paths = [str(p) for p in (
            files / "patients.csv", files / "latin1.csv", files / "binary.bin", files / "empty.csv",
            files / "not-a-database.sqlite", files / "nul.csv", files, folder / "none" / "deeper" / "out.file",
            folder / ("n" * 300), folder / "out.csv", folder / "out.sqlite", folder / "fresh-folder",
            folder / "bad\udcff.csv", folder / "x.pdf", files / "long-line.csv",
        )] + ["", ".", "..", "sub/none/out.file", "/proc/medoffice-fuzz/out.file", "/proc/version", "-"]

    def text(self, name: str) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
        hostile = st.sampled_from(HOSTILE_TEXT)
        if name in PATIENT_NAMES:
            return st.sampled_from(self.pools["mrn"] or ["000001"]), hostile
        if name in MONEY_NAMES:
            return st.sampled_from(MONEY), st.one_of(st.sampled_from(ODD_MONEY), hostile)
        if name in DAY_NAMES:
            return st.sampled_from(DAYS), st.one_of(st.sampled_from(ODD_DAYS), hostile)
        if name in COUNT_NAMES:
            return st.sampled_from(COUNTS), st.one_of(st.sampled_from(ODD_COUNTS), hostile)
        if name in {"code", "codes"}:
            return st.sampled_from(self.pools["code"] or ["99213"]), hostile
        return st.sampled_from(self.pools["name"] + self.pools["code"] or ["x"]), hostile

    def strategies(self, param: click.Parameter) -> tuple[st.SearchStrategy, st.SearchStrategy]:
        """(plausible, hostile) for one value of ``param``."""
        kind = param.type
        if isinstance(kind, click.Choice):
            return st.sampled_from(list(kind.choices)), st.sampled_from(["", "nope", "X" * 300, "sm\udcff"])
        if isinstance(kind, click.types.IntParamType | RecordId):
            return self.ids, st.one_of(self.ids, st.sampled_from(["", "1.5", "one", "9" * 30, "sm\udcff"]))
        if isinstance(kind, click.Path | click.File) or kind.name in {"filename", "file", "path", "directory"}:
            return st.sampled_from(self.paths), st.sampled_from(self.paths)
        if isinstance(kind, click.DateTime) or kind.name == "datetime":
            return st.sampled_from(DAYS), st.one_of(st.sampled_from(ODD_DAYS), st.sampled_from(HOSTILE_TEXT))
        if "=" in (param.help if isinstance(param, click.Option) and param.help else "") or param.name in {"assignments", "set_", "param"}:
            plausible = st.builds(lambda k, v: f"{k}={v}",
                                  st.sampled_from(["phone", "email", "first_name", "tax_id", "timezone", "day", "x"]),
                                  st.sampled_from(HOSTILE_TEXT + DAYS + ODD_DAYS))
            return plausible, st.sampled_from(HOSTILE_TEXT)
        return self.text(param.name or "")


def prepare_files(folder: Path) -> None:
    files = folder / "files"
    files.mkdir(parents=True)
    (files / "patients.csv").write_text("first_name,last_name,date_of_birth,sex\nAna,Ruiz,1984-05-02,f\n",
                                        encoding="utf-8")
    (files / "latin1.csv").write_bytes("first_name,last_name\nZo\xeb,M\xfcller\n".encode("latin-1"))
    (files / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (files / "empty.csv").write_bytes(b"")
    (files / "not-a-database.sqlite").write_text("hello\n")
    (files / "nul.csv").write_bytes(b"first_name,last_name\nA\x00n,B\n")
    (files / "long-line.csv").write_text("code,fee\n" + "9" * 200_000 + ",1\n")
    (folder / "cwd").mkdir()


@st.composite
def invocation(draw, command: click.Command, path: tuple[str, ...], values: Values) -> list[str]:
    """argv for ``command``: options first, then ``--`` and the positional values."""
    params = [p for p in command.params if p.name not in {"help"} and not getattr(p, "hidden", False)]
    candidates = [p for p in params if not (isinstance(p, click.Option) and p.is_flag)]
    target = draw(st.sampled_from([*candidates, None])) if candidates else None  # None: all plausible
    options: list[str] = []
    positional: list[str] = []
    for param in params:
        key = (path[0], param.name)
        if isinstance(param, click.Option) and param.is_flag:
            on = HELD.get(key, draw(st.booleans()))
            if on:
                options.append(param.opts[0])
            continue
        plausible, hostile = values.strategies(param)
        many = param.nargs == -1 or getattr(param, "multiple", False)
        given_at_all = param.required or param is target or draw(st.booleans())
        if not given_at_all:
            continue
        count = draw(st.integers(1, 3)) if many else 1
        drawn = [str(draw(hostile if param is target and i == 0 else plausible)) for i in range(count)]
        if isinstance(param, click.Argument):
            positional.extend(drawn)
        else:
            for value in drawn:
                options.extend([param.opts[0], value])
    extra = draw(st.sampled_from([()] * 10 + [("--bogus",), ("surplus",)]))
    if " ".join(path) in NEEDS_EXTRA and not extra:
        extra = ("surplus",)
    return [*path, *options, *(["--bogus"] if "--bogus" in extra else []), "--", *positional,
            *(["surplus"] if "surplus" in extra else [])]


# -- the practice and its fingerprint --------------------------------------------------------


@pytest.fixture
def demo_practice(medoffice_env, medoffice_backend, tmp_path) -> Iterator[tuple[str, object]]:
    """A small demo practice (6 patients, the demo's week, claims and payments) of its own."""
    from medoffice.core.config import Settings
    from medoffice.core.demo import make_demo
    from medoffice.core.runtime import open_runtime
    from medoffice.testing._backends import postgres_schema, postgres_url, sqlite_url

    def build(url):
        runtime = open_runtime(settings=Settings.resolve(url))
        make_demo(runtime, seed=5, patient_count=6)
        return runtime

    if medoffice_backend == "sqlite":
        url = sqlite_url(tmp_path / "demo.sqlite")
        runtime = build(url)
        yield url, runtime
        runtime.close()
        return
    with postgres_schema(postgres_url()) as url:
        runtime = build(url)
        yield url, runtime
        runtime.close()


def fingerprint(runtime, tables: list[str]) -> tuple:
    """Row counts of every table, and the last audit entry that is not a sign-in (signing in is
    audited whatever the command does next)."""
    from medoffice.core.storage.models import AuditRow

    with runtime.engine.connect() as conn:
        counts = conn.execute(text("SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables))).one()
        head = conn.execute(select(func.max(AuditRow.seq)).where(AuditRow.action.not_like("auth.%"))).scalar()
    return tuple(zip(tables, counts)), head


# -- the test --------------------------------------------------------------------------------


def test_no_command_fails_inside_or_writes_when_refused(demo_practice, tmp_path, monkeypatch):
    from medoffice.core import cli as cli_module
    from medoffice.core.cli import AppState, cli
    from medoffice.core.demo import DEMO_PASSWORD
    from medoffice.core.loader import discover
    from medoffice.testing._cli import run_cli

    url, runtime = demo_practice
    candidates = discover()[0]
    commands = cli_module.plugin_commands(url, candidates)
    monkeypatch.setattr(cli_module, "plugin_commands", lambda _url, _candidates=None: commands)  # once, not per run
    folder = tmp_path / "fuzz"
    prepare_files(folder)
    monkeypatch.chdir(folder / "cwd")
    values = Values(plausible_values(runtime), folder)
    ctx = click.Context(cli, obj=AppState(database_url=url, candidates=candidates))
    leaves = leaf_commands(cli, ctx)
    assert len(leaves) > 100, leaves  # the core's and the plugins' commands were all found

    with runtime.engine.connect() as conn:
        tables = sorted(t for t in inspect(conn).get_table_names() if not t.startswith("core_audit"))
    problems: list[str] = []
    runs = {"total": 0, "refused": 0}
    known: list[tuple] = []
    """The fingerprint the last invocation left, when it was taken after it (a refusal): nothing
    else writes between two invocations, so it is the next one's "before"."""

    def check(argv: list[str]) -> None:
        before = known.pop() if known else fingerprint(runtime, tables)
        shown = f"medoffice {' '.join(repr(a) if not a or not a.isprintable() or ' ' in a else a for a in argv)}"
        runs["total"] += 1
        try:
            result = run_cli(url, argv, user="admin", password=DEMO_PASSWORD, candidates=candidates, input="")
        except Exception as exc:  # escaped the CLI's own handling
            problems.append(f"{shown}\n    raised {type(exc).__name__}: {exc}")
            return
        both = result.stdout + result.stderr
        if LOG:
            with open(LOG, "a", encoding="utf-8", errors="backslashreplace") as log:
                log.write(f"{result.exit_code}\t{shown}\t{result.stderr.strip().splitlines()[-1:] or ['']}\n")
        if result.exit_code == 3 or "Traceback" in both:
            problems.append(f"{shown}\n    exit {result.exit_code}: {result.stderr.strip()[-400:]}")
            return
        if result.exit_code != 0:
            runs["refused"] += 1
            last = result.stderr.rstrip("\n").rsplit("\n", 1)[-1]
            if result.exit_code == 1 and result.stderr and not (last.startswith("error: ") or last == "Aborted!"):
                problems.append(f"{shown}\n    exit 1 without a one-line error: {result.stderr[-300:]!r}")
            after = fingerprint(runtime, tables)
            known.append(after)
            if after != before:
                changed = [f"{a[0]} {a[1]}->{b[1]}" for a, b in zip(before[0], after[0]) if a != b]
                problems.append(f"{shown}\n    refused (exit {result.exit_code}) but wrote: {changed} "
                                f"audit {before[1]}->{after[1]}")

    def fuzzer(path: tuple[str, ...]):
        command = command_at(cli, ctx, path)

        @seed(SEED)
        @settings(max_examples=EXAMPLES, database=None, deadline=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(st.data())
        def fuzz(data):
            check(data.draw(invocation(command, path, values)))

        return fuzz

    for path in leaves:
        fuzzer(path)()

    print(f"\n{runs['total']} invocations over {len(leaves)} commands, {runs['refused']} refused, "
          f"{len(problems)} problems")
    assert not problems, f"{len(problems)} of {runs['total']} invocations failed:\n" + "\n".join(problems)
