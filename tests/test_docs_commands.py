"""Every ``medoffice …`` command the docs show in a shell block runs.

The commands are the lines starting with ``medoffice`` (or ``$ medoffice``) in the fenced
``sh``/``shell``/``bash``/``console`` blocks of docs/*.md and README.md, with ``\\``
continuations joined. Each page's commands run in the page's order, in-process through
click's ``CliRunner``, as ``admin``, against its own copy of one small SQLite demo practice
made once per test session (``medoffice demo``) in a temporary ``MEDOFFICE_HOME``. Each
must exit 0 unless the docs say otherwise.

The conventions the docs follow for this test:

- ``# fails: exit N`` as the comment on a command's line: the command is shown to fail, and
  it must exit ``N`` (1 a domain error, 2 a usage error).
- ``# example`` as the comment on a command's line: not run, because it cannot run here
  (it opens the terminal UI, needs a terminal or another practice, or would replace the
  practice). ``NOT_RUN`` below lists, with a reason, the commands that are not run although
  they carry no marker.
- A synopsis line is run in its shortest form: its optional parts ``[…]`` are dropped, and of
  alternatives ``a|b`` or ``(a | b)`` the first is taken.
- Placeholders (``MRN``, ``MINUTES``, ``000123``…) are replaced by values of the demo
  practice through ``WORDS``, and shell expansions (``$(date +%F)``) through
  ``SUBSTITUTIONS``; any other word is run as written. A command about one record (``ID``,
  ``12``) or one the demo has already (``add-location "Main Street"``) is first given what it
  needs by ``PREPARE``: the record made, and the words replaced by its id or another name. The shell's part of a line
  (``|| …``, ``> file``) is left out.
- A command shown again on the same page (in a recap) runs the first time only.

A synopsis (a ``medoffice …`` line in a fence without a language, as the reference pages
write a command's full form) is not run, but its command must be exercised by a command
that is, or be listed in ``NOT_SHOWN_AT_WORK`` with a reason.

The files the commands read are made in the folder they run in (``INPUT_FILES``). The whole
set takes 15 to 35 s on a shared two-core machine, most of it the commands themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
SHELL_LANGUAGES = {"sh", "shell", "bash", "console"}
DEMO_PATIENTS = 50

NOT_RUN = {
    "medoffice tui": "opens the terminal UI",
    "medoffice demo --tui": "opens the terminal UI",
    "medoffice --db sqlite:////srv/medoffice/practice.sqlite tui": "opens the terminal UI on another practice",
    "medoffice plugins revision": "writes a migration into a plugin's source tree, for models that changed",
}
"""Commands (by the start of their text) that are not run, each with the reason."""

TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()
SUBSTITUTIONS = {
    "$(date +%F)": dt.date.today().isoformat(),
    "$(date -d tomorrow +%F)": TOMORROW,
    "/mnt/backup/": "./",
}
"""Text replaced in a command before it is split into words: shell expansions and paths."""

WORDS = {
    "MRN": "000005",
    "Main": "Main Street",
    "MINUTES": "10",
    "000123": "000012",
    "000124": "000013",
    "000031": "000031",
    "000045": "000045",
}
"""Whole words replaced by a value of the demo practice."""

NEW_PASSWORD = "a long new password"
"""The password of a new practice's administrator, and the one ``recover-admin`` sets."""

PATIENT = "000005"
"""The demo patient that ``MRN`` stands for, whose appointments the scheduling page moves on."""


DATABASE = "--db"
"""The key of a ``PREPARE`` answer that runs its command on another database than the page's."""


class Practice:
    """The page's demo practice, for the commands that prepare what a documented command needs."""

    def __init__(self, url: str, monkeypatch: pytest.MonkeyPatch):
        self.url = url
        self.monkeypatch = monkeypatch

    def invoke(self, *args: str) -> None:
        from medoffice.core.cli import AppState, cli

        result = CliRunner().invoke(cli, list(args), obj=AppState(database_url=self.url), input="")
        assert result.exit_code == 0, (args, result.output)

    def new_practice(self) -> dict[str, str]:
        """``init`` makes a practice in an empty database of its own, beside the demo's."""
        return {DATABASE: f"sqlite:///{Path.cwd() / 'new-practice.sqlite'}"}

    def recovering_admin(self) -> dict[str, str]:
        """``recover-admin`` sets ``MEDOFFICE_NEW_PASSWORD``: the later commands sign in with it."""
        self.monkeypatch.setenv("MEDOFFICE_PASSWORD", NEW_PASSWORD)
        return {}

    def backup(self, name: str) -> dict[str, str]:
        self.invoke("backup", name)
        return {}

    def folders(self, *paths: str) -> dict[str, str]:
        """The clearinghouse's folders, absolute as it asks, made in the folder the test runs in."""
        here = {}
        for path in paths:
            here[path] = str(Path.cwd() / path.strip("/"))
            Path(here[path]).mkdir(parents=True)
        return here

    def claim(self, status: str) -> str:
        """The oldest claim in ``status``: the demo's claims are numbered by its visits' days."""
        return str(min(c["id"] for c in self.json("billing", "claims", "list", "--status", status)))

    def own_staff_record(self) -> dict[str, str]:
        """Asking for one's own time off needs one: the demo's admin becomes office manager 9."""
        self.invoke("staff", "edit", "9", "--set", "user=admin")
        return {}

    def own_evaluation(self) -> dict[str, str]:
        """Filling in one's own evaluation needs one: the admin, as office manager 9, has the
        demo's annual review to fill in."""
        self.own_staff_record()
        return {"ID": str(self.json("evaluations", "list", "--mine", "--cycle", "Annual review")[0]["id"])}

    def task(self, *, finished: bool = False) -> dict[str, str]:
        """A task of its own for a command about one (``tasks start 12``), done first for
        ``reopen``, so that the page's commands do not depend on the demo's task ids."""
        made = self.json("tasks", "add", "Check the crash cart", "--role", "manager")["id"]
        if finished:
            self.invoke("tasks", "done", str(made))
        return {"12": str(made), "14": str(made)}

    def recurring_task(self) -> dict[str, str]:
        made = self.json("tasks", "recurring", "add", "Empty the sharps bin", "--every", "week", "--role",
                         "manager")["id"]
        return {"3": str(made)}

    def backdated_clock(self, *, back_from_break: bool) -> dict[str, str]:
        """The docs clock in and out within one minute, which the clock refuses (a clock-out
        must follow the clock-in): a manager's correction moves the admin's open punch ten
        minutes back first (and, back from the break, the break to the next minute and the
        new punch to the one after). Ten minutes before now is in the past at any hour, also
        just after midnight (the punch then crosses it, which the clock allows)."""
        zone = ZoneInfo(self.json("practice", "show")["timezone"])
        start = (dt.datetime.now(zone) - dt.timedelta(minutes=10)).replace(second=0, microsecond=0)

        def minute(offset: int) -> str:
            return f"{start + dt.timedelta(minutes=offset):%Y-%m-%d %H:%M}"

        punches = [p for p in self.json("timeclock", "punches") if not p["voided_at"]]
        open_punch = next((p["id"] for p in punches if p["clock_out"] is None), None)
        assert open_punch is not None, punches
        if back_from_break:
            earlier = max(p["id"] for p in punches if p["clock_out"] is not None)
            self.invoke("timeclock", "correct", str(earlier), "--out", minute(1), "--reason", "docs")
            self.invoke("timeclock", "correct", str(open_punch), "--in", minute(2), "--reason", "docs")
        else:
            self.invoke("timeclock", "correct", str(open_punch), "--in", minute(0), "--reason", "docs")
        return {}

    def newest_punch(self, staff_id: int, day: str) -> str:
        """The punch the page's ``timeclock add`` just made for the staff member on the day."""
        return str(max(p["id"] for p in self.json("timeclock", "punches", "--staff", str(staff_id), "--since", day,
                                                  "--until", day)))

    def json(self, *args: str):
        from medoffice.core.cli import AppState, cli

        result = CliRunner().invoke(cli, [*args, "--json"], obj=AppState(database_url=self.url), input="")
        assert result.exit_code == 0, (args, result.output)
        return json.loads(result.output)

    def today(self) -> dt.date:
        zone = ZoneInfo(self.json("practice", "show")["timezone"])
        return dt.datetime.now(zone).date()

    def newest_appointment(self, status: str) -> str:
        ids = [a["id"] for a in self.json("appointments", "list", PATIENT) if a["status"] == status]
        return str(max(ids))

    def night(self, day: dt.date, minute: int) -> str:
        """``day`` at 00:00 + ``minute``, in hours provider 3 keeps that night only for this test
        (the demo's hours are by day, and not on every day the test may run)."""
        from medoffice.core.cli import AppState, cli

        weekday = day.strftime("%a").lower()
        CliRunner().invoke(cli, ["schedule", "templates", "add", "--provider", "3", "--weekday", weekday,
                                 "--start", "00:00", "--end", "06:00", "--location", "Main Street"],
                           obj=AppState(database_url=self.url))  # refused once there: the hours stay
        return f"{day.isoformat()} {minute // 60:02d}:{minute % 60:02d}"

    def book(self, day: dt.date, minute: int) -> str:
        """A sick visit for the patient that night."""
        at = self.night(day, minute)
        return str(self.json("appointments", "book", PATIENT, "--provider", "3", "--type", "Sick visit",
                             "--at", at)["id"])

    def series(self) -> str:
        at = self.night(self.today() + dt.timedelta(days=7), 180)
        return str(self.json("appointments", "book-series", PATIENT, "--provider", "3", "--type", "Sick visit",
                             "--at", at, "--count", "2")["series_id"])

    def open_encounter(self) -> str:
        return str(max(e["encounter"]["id"] for e in self.json("billing", "encounters", "list", "--status", "open")))

    def credit(self, mrn: str) -> dict[str, str]:
        """More paid at the desk than the patient owes, so the account holds a credit to refund."""
        self.json("billing", "payments", "take", mrn, "500", "--method", "cash")
        return {}

    def waitlist_entry(self) -> str:
        """An entry for another patient and provider, whom the page's series leaves free then."""
        return str(self.json("waitlist", "add", "000030", "--type", "Sick visit", "--provider", "1")["id"])

    def time_off(self, day: str) -> str:
        """A request for someone else's day off (one a day: a second would overlap the first)."""
        return str(self.json("rota", "time-off", "request", "--staff", "6", "--first", day)["id"])


def _booked_line(practice: Practice) -> dict[str, str]:
    encounter = practice.open_encounter()
    lines = practice.json("billing", "encounters", "show", encounter)["encounter"]["lines"]
    return {"57": str(lines[-1]["id"])}


PREPARE = {
    # A new practice, and the commands that act on the whole practice.
    "medoffice init --name": lambda p: p.new_practice(),
    "medoffice users recover-admin admin": lambda p: p.recovering_admin(),
    "medoffice restore /mnt/backup/practice-2026-03-01.sqlite": lambda p: p.backup("practice-2026-03-01.sqlite"),
    "medoffice billing clearinghouse file-drop": lambda p: p.folders("/srv/clearinghouse/out",
                                                                     "/srv/clearinghouse/in"),
    "medoffice billing clearinghouse fetch": lambda p: p.folders("/srv/claims/answers"),
    "medoffice rota time-off request --first": lambda p: p.own_staff_record(),
    "medoffice evaluations self-assess ID": lambda p: p.own_evaluation(),
    "medoffice evaluations sign ID": lambda p: p.own_evaluation(),
    "medoffice evaluations review ID": lambda p: p.own_evaluation(),
    "medoffice policies unsigned --mine": lambda p: p.own_staff_record(),
    "medoffice tasks start 12": lambda p: p.task(),
    "medoffice tasks comment 12": lambda p: p.task(),
    "medoffice tasks done 12": lambda p: p.task(),
    "medoffice tasks show 12": lambda p: p.task(),
    "medoffice tasks edit 14": lambda p: p.task(),
    "medoffice tasks cancel 14": lambda p: p.task(),
    "medoffice tasks reopen 14": lambda p: p.task(finished=True),
    "medoffice tasks recurring stop 3": lambda p: p.recurring_task(),
    "medoffice timeclock break": lambda p: p.backdated_clock(back_from_break=False),
    "medoffice timeclock out": lambda p: p.backdated_clock(back_from_break=True),
    # Setting up a practice: the demo has these records, so the commands make others like them.
    'medoffice practice add-location "Main Street"': lambda p: {"Main Street": "Lakeside"},
    'medoffice practice add-room "Main Street"': lambda p: {"Main Street": "Lakeside"},
    "medoffice practice add-location Northside": lambda p: {"Northside": "Westside"},
    "medoffice practice add-room Northside": lambda p: {"Northside": "Westside"},
    'medoffice schedule types add "New patient"': lambda p: {"New patient": "First visit"},
    'medoffice schedule types add "Follow-up"': lambda p: {"Follow-up": "Recheck"},
    "medoffice schedule templates add --provider 3 --weekday mon": lambda p: {"mon": "sat"},
    'medoffice billing payers add "Acme Health"': lambda p: {"Acme Health": "Acme Health West", "ACME1": "ACME7"},
    "medoffice billing policies add 000123": lambda p: {"000123": "000030"},  # 000012 has a policy
    'medoffice billing policies add 000124 --payer "Blue Plan"': lambda p: {"Blue Plan": "Bluestone Plan"},
    # A story about one record: the id of the record the page's earlier command made.
    "medoffice schedule exceptions remove ID": lambda p: {"ID": "1"},
    "medoffice schedule closures remove ID": lambda p: {"ID": "1"},
    "medoffice billing claims show 20": lambda p: {"20": p.claim("ready")},
    "medoffice billing claims export 20": lambda p: {"20": p.claim("ready")},
    "medoffice billing claims export --batch 2": lambda p: {"2": str(max(b["id"] for b in p.json(
        "billing", "claims", "batches")))},
    "medoffice billing claims status 19": lambda p: {"19": p.claim("submitted")},
    "medoffice billing claims resubmit 19": lambda p: {"19": p.claim("denied")},
    "medoffice billing claims fhir 20": lambda p: {"20": p.claim("submitted")},
    "medoffice billing encounters diagnose 12": lambda p: {"12": p.open_encounter()},
    "medoffice billing encounters charge 12": lambda p: {"12": p.open_encounter()},
    "medoffice billing encounters void 57": _booked_line,
    "medoffice billing encounters close 12": lambda p: {"12": p.open_encounter()},
    "medoffice billing refunds add 000123": lambda p: p.credit("000012"),
    "medoffice appointments move ID": lambda p: {"ID": p.newest_appointment("booked")},
    "medoffice appointments cancel ID": lambda p: {"ID": p.newest_appointment("booked")},
    "medoffice appointments no-show ID": lambda p: {"ID": p.book(p.today() - dt.timedelta(days=1), 60)},
    "medoffice appointments check-in ID": lambda p: {"ID": p.book(p.today(), 90)},
    "medoffice appointments room ID": lambda p: {"ID": p.newest_appointment("arrived")},
    "medoffice appointments complete ID": lambda p: {"ID": p.newest_appointment("in_room")},
    "medoffice appointments undo ID": lambda p: {"ID": p.newest_appointment("completed")},
    "medoffice appointments slots --moving ID": lambda p: {"ID": p.book(p.today() + dt.timedelta(days=1), 120)},
    "medoffice appointments cancel-series SERIES_ID": lambda p: {"SERIES_ID": p.series()},
    "medoffice waitlist book ENTRY_ID": lambda p: {"ENTRY_ID": p.waitlist_entry()},
    "medoffice timeclock correct PUNCH": lambda p: {"PUNCH": p.newest_punch(7, "2026-03-02")},
    "medoffice timeclock void PUNCH": lambda p: {"PUNCH": p.newest_punch(7, "2026-03-03")},
    "medoffice waitlist remove ENTRY_ID": lambda p: {"ENTRY_ID": p.waitlist_entry()},
    "medoffice rota time-off approve 3": lambda p: {"3": p.time_off("2026-04-01")},
    "medoffice rota time-off decline 4": lambda p: {"4": p.time_off("2026-04-02")},
    "medoffice rota time-off cancel 3": lambda p: {"3": p.time_off("2026-04-03")},
}
"""What one command needs that the demo lacks, by the start of the command's text: made before
the command runs, and the words of the command replaced by the ids (or names) to use."""


INPUT_FILES = {
    "new.csv": "mrn,first_name,last_name,date_of_birth,sex,phone\n"
               "A-100,Ana,Lopez,1975-06-01,female,(555) 222-3333\n,Ben,Okafor,2001-11-30,m,\n",
    "patients.csv": "mrn,first_name,last_name,date_of_birth,sex,phone\nA-200,Rosa,Diaz,1990-02-03,female,\n",
    "bad.csv": "mrn,first_name,last_name,date_of_birth,sex,phone\n,Al,Bad,2090-01-01,m,\n,Bo,,1970-01-01,m,\n",
    "patients.json": '{"resourceType": "Bundle", "type": "collection", "entry": [{"fullUrl": "urn:uuid:1", '
                     '"resource": {"resourceType": "Patient", "name": [{"family": "Nobirth", "given": ["Ann"]}], '
                     '"gender": "female"}}]}',
    "dress-code.md": "# Dress code\n\nScrubs or business casual; closed shoes in clinical areas.\n",
    "vendors.csv": "name,contact,phone,account_number,terms,ordering_method\n"
                   "Coastal Surgical,Ria Shah,(555) 013-7000,CS-310,net 30,email\n",
    "items.csv": "sku,name,category,location,unit,pack_unit,pack_size,tracks_lots,par,reorder_point,vendor,pack_price\n"
                 "SUT-4,Sutures 4-0,medical,Supply room,each,box,12,yes,24,12,Coastal Surgical,54.00\n"
                 "GLV-M,,,,,,,,450,,,\n",
    "synthea/Ana761_Ruiz529.json": '{"resourceType": "Bundle", "type": "transaction", "entry": ['
                                   '{"fullUrl": "urn:uuid:p1", "resource": {"resourceType": "Patient", '
                                   '"name": [{"family": "Ruiz529", "given": ["Ana761"]}], "gender": "female", '
                                   '"birthDate": "1984-07-09"}}, {"fullUrl": "urn:uuid:e1", "resource": '
                                   '{"resourceType": "Encounter", "status": "finished"}}]}',
}
"""Files the commands read, in the folder they run in (``fees.csv`` is exported from the demo).
``synthea/…`` is a Synthea bundle: a patient and a resource the import leaves alone.
``bad.csv`` and ``patients.json`` hold the mistakes the docs show being refused."""


@dataclass(frozen=True)
class DocCommand:
    where: str
    text: str
    expected_exit: int | None
    """The exit code the docs promise; None for a command that is not run."""

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


def _marker(comment: str) -> int | None | str:
    if match := re.search(r"#\s*fails: exit (\d)\b", comment):
        return int(match.group(1))
    if re.search(r"#\s*example\b", comment):
        return "example"
    return 0


def _split_comment(line: str) -> tuple[str, str]:
    """A shell line's command and its trailing ``# comment`` (outside quotes)."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip(), line[index:]
    return line.rstrip(), ""


def shortest_form(text: str) -> str:
    """A synopsis without its optional ``[…]`` parts, and with the first of ``a|b`` and of
    ``(a | b)`` alternatives."""
    previous = None
    while previous != text:
        previous, text = text, re.sub(r"\s*\[[^\[\]]*\](?:\.\.\.|…)?", "", text)
    text = re.sub(r"\(([^()|]+?)\s*\|[^()]*\)", r"\1", text)
    return re.sub(r"(?<=\S)\|\S+", "", text)


def doc_commands() -> list[DocCommand]:
    found = []
    for page in PAGES:
        fenced, language, pending = False, "", None
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("```"):
                fenced, language = not fenced, line[3:].strip()
                continue
            if not fenced or language not in SHELL_LANGUAGES:
                continue
            if pending is None:
                stripped = line.strip().removeprefix("$ ")
                if not stripped.startswith("medoffice "):
                    continue
                pending = [f"{page.relative_to(ROOT)}:{number}", "", 0]
            else:
                stripped = line.strip()
            command, comment = _split_comment(stripped)
            if comment and pending[2] == 0:
                pending[2] = _marker(comment)
            continued = command.endswith("\\")
            pending[1] = f"{pending[1]} {command.removesuffix(chr(92)).strip()}".strip()
            if not continued:
                where, text, marker = pending
                if any(text.startswith(start) for start in NOT_RUN):
                    marker = "example"
                found.append(DocCommand(where, text, None if marker == "example" else marker))
                pending = None
    return found


def argv(command: DocCommand, words_here: dict[str, str] | None = None) -> list[str]:
    text = shortest_form(command.text)
    for old, new in SUBSTITUTIONS.items():
        text = text.replace(old, new)
    text = re.split(r"\s(?:\|\||>|<)\s", text)[0]  # `|| mail …`, `> file`: the shell's part
    words_here = words_here or {}
    words = [words_here.get(word, WORDS.get(word, word)) for word in shlex.split(text)]
    assert words[0] == "medoffice", command
    return words[1:]


def command_path(text: str) -> tuple[str, ...]:
    """The command's words before its first argument or option: ``('billing', 'claims', 'show')``."""
    words = []
    for word in text.split()[1:]:
        if not re.fullmatch(r"[a-z][a-z0-9-]*", word):
            break
        words.append(word)
    return tuple(words)


def synopses() -> list[tuple[str, str]]:
    """The synopsis lines: ``medoffice …`` lines in the fences without a language, which the
    reference pages use for a command's full form (the ``sh`` blocks show it at work)."""
    found = []
    for page in PAGES:
        fenced, language = False, ""
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("```"):
                fenced, language = not fenced, line[3:].strip()
                continue
            text = line.strip().removeprefix("$ ")
            if fenced and not language and text.startswith("medoffice "):
                found.append((f"{page.relative_to(ROOT)}:{number}", text))
    return found


NOT_SHOWN_AT_WORK = {
    ("plugins", "revision"): "writes a migration into a plugin's source tree (see NOT_RUN)",
    ("tui",): "opens the terminal UI (see NOT_RUN)",
}
"""Synopses (by command) that no command run by this test exercises, each with the reason."""


ALL_COMMANDS = doc_commands()
PAGES_WITH_COMMANDS = sorted({c.where.split(":")[0] for c in ALL_COMMANDS})


def test_every_synopsis_is_shown_at_work():
    """A command documented only by its synopsis could be wrong without this test noticing:
    each synopsis's command is also in a command that runs, or excused by name, with a reason."""
    run = {command_path(c.text) for c in ALL_COMMANDS if c.expected_exit is not None}
    found = synopses()
    assert len(found) >= 50
    unexercised = sorted({command_path(text) for _, text in found
                          if not any(path[:len(command_path(text))] == command_path(text) for path in run)})
    stale = set(NOT_SHOWN_AT_WORK) - set(unexercised)
    new = [f"{where}: {text}" for where, text in found
           if command_path(text) in set(unexercised) - set(NOT_SHOWN_AT_WORK)]
    assert not new, "synopses no documented command exercises (add an example to an sh block):\n" + "\n".join(new)
    assert not stale, f"exercised now, so no longer to excuse in NOT_SHOWN_AT_WORK: {sorted(stale)}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One small demo practice for the module: its home folder and database file."""
    from medoffice.core.cli import cli

    home = tmp_path_factory.mktemp("docs-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEDOFFICE_HOME", str(home))
        patch.setenv("MEDOFFICE_FAST_HASHING", "1")
        for name in ("MEDOFFICE_DB", "MEDOFFICE_USER", "MEDOFFICE_PASSWORD", "MEDOFFICE_CONFIG"):
            patch.delenv(name, raising=False)
        result = CliRunner().invoke(cli, ["demo", "--patients", str(DEMO_PATIENTS)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    databases = list(home.rglob("*.sqlite"))
    keys = list(home.rglob("audit-*.key"))
    assert len(databases) == 1 and len(keys) == 1, (databases, keys)
    return {"home": home, "database": databases[0], "key": keys[0]}


def test_the_docs_show_commands():
    """A guard: an empty list would make the page tests pass vacuously."""
    assert len(ALL_COMMANDS) >= 150
    assert sum(c.expected_exit is not None for c in ALL_COMMANDS) >= 150


@pytest.mark.parametrize("page", PAGES_WITH_COMMANDS)
def test_every_command_on_the_page_runs(page, demo, tmp_path, monkeypatch):
    from medoffice.core.cli import AppState, cli

    home = tmp_path / "home"
    shutil.copytree(demo["home"], home)
    database = home / demo["database"].relative_to(demo["home"])
    url = f"sqlite:///{database}"
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("MEDOFFICE_HOME", str(home))
    monkeypatch.setenv("MEDOFFICE_FAST_HASHING", "1")
    monkeypatch.setenv("MEDOFFICE_DB", url)
    monkeypatch.setenv("MEDOFFICE_AUDIT_KEY_FILE", str(home / demo["key"].relative_to(demo["home"])))
    monkeypatch.setenv("MEDOFFICE_USER", "admin")
    monkeypatch.setenv("MEDOFFICE_PASSWORD", "demo")
    monkeypatch.setenv("MEDOFFICE_NEW_PASSWORD", NEW_PASSWORD)
    monkeypatch.setenv("MEDOFFICE_ADMIN_PASSWORD", NEW_PASSWORD)
    for name, content in INPUT_FILES.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(content, encoding="utf-8")
    fees = CliRunner().invoke(cli, ["billing", "fees", "export", "-o", "fees.csv"], obj=AppState(database_url=url))
    assert fees.exit_code == 0, fees.output
    problems = []
    seen = set()
    for command in (c for c in ALL_COMMANDS if c.where.startswith(page + ":")):
        if command.expected_exit is None or command.text in seen:
            continue  # not runnable, or shown again (as in a recap) and run the first time
        seen.add(command.text)
        prepare = next((make for start, make in PREPARE.items() if command.text.startswith(start)), None)
        words = prepare(Practice(url, monkeypatch)) if prepare else {}
        here = words.pop(DATABASE, url)
        args = argv(command, words)
        result = CliRunner().invoke(cli, args, obj=AppState(database_url=here), input="")
        if result.exit_code != command.expected_exit:
            problems.append(f"{command}\n    ran: {shlex.join(args)}\n    exit {result.exit_code}, "
                            f"expected {command.expected_exit}: {(result.stderr or result.output).strip()[-300:]}")
    assert not problems, f"{len(problems)} commands in {page} do not do what the docs say:\n" + "\n".join(problems)
