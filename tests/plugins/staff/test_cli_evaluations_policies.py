"""``medoffice evaluations …`` and ``medoffice policies …`` as the office uses them: ``--json``,
exit codes 0/1/2, one-line errors, nothing written on a refusal, no traceback on hostile input."""

from __future__ import annotations

import pytest

from ._audit import actions
from .conftest import NOW

pytestmark = pytest.mark.medoffice_plugins("staff")


@pytest.fixture
def run(medoffice_practice, world):
    def run(*args, user="manager", input=None):
        return medoffice_practice.cli(*args, user=user, clock=lambda: NOW, input=input)
    return run


@pytest.fixture
def office(run, world, tmp_path):
    """A form, an annual cycle with Cleo's (frontdesk) and Max's evaluations, and two policies."""
    body = tmp_path / "phones.md"
    body.write_text("# Phones\n\nAnswer by the third ring.\n", encoding="utf-8")
    for args in (("evaluations", "templates", "add", "Front office", "--competency", "Patient care",
                  "--competency", "Teamwork", "--comment", "Strengths"),
                 ("evaluations", "cycles", "add", "Annual review", "--kind", "annual", "--template", "Front office"),
                 ("evaluations", "schedule", "Annual review", "--due", "2026-01-02", "--staff", str(world.cleo),
                  "--staff", str(world.max)),
                 ("policies", "add", "Phone etiquette", "--category", "Front desk", "--role", "front_desk",
                  "--body-file", str(body), "--within", "7"),
                 ("policies", "add", "HIPAA privacy", "--category", "HIPAA", "--role", "all", "--file", "S:/hipaa.pdf")):
        done = run(*args)
        assert done.exit_code == 0, (args, done.stderr)
    world.body = body
    return world


def test_the_front_desk_reads_and_acknowledges_and_a_new_version_asks_again(run, office, medoffice_practice):
    shown = run("policies", "show", "phone etiquette", user="frontdesk")
    assert shown.exit_code == 0 and "Answer by the third ring." in shown.stdout.splitlines()
    assert "you have not acknowledged this version" in shown.stdout
    todo = run("policies", "unsigned", "--mine", "--json", user="frontdesk").json()
    assert [(u["policy"], u["due_on"], u["status"]) for u in todo] == [
        ("Phone etiquette", "2026-01-12", "due"), ("HIPAA privacy", "2026-01-19", "due")]
    acked = run("policies", "ack", "Phone etiquette", "--version", "1", "--json", user="frontdesk")
    assert acked.exit_code == 0, acked.stderr
    assert (acked.json()["staff"], acked.json()["version"]) == ("Cleo Desk", 1)
    assert run("policies", "list", "--json").json()[0]["signed"] == 1
    office.body.write_text("# Phones\n\nAnswer by the second ring.\n", encoding="utf-8")
    assert run("policies", "publish", "Phone etiquette", "--body-file", "-", "--note", "faster",
               input=office.body.read_text()).exit_code == 0
    again = run("policies", "ack", "Phone etiquette", "--version", "1", user="frontdesk")
    assert again.exit_code == 1 and "not the one in force" in again.stderr
    who = run("policies", "signatures", "Phone etiquette", "--json").json()
    assert [(s["staff"], s["acknowledged_at"]) for s in who] == [("Cleo Desk", None)]
    assert [a[0] for a in actions(medoffice_practice, "hr.policy.")] == [
        "hr.policy.added", "hr.policy.added", "hr.policy.acknowledged", "hr.policy.published"]


def test_an_evaluation_through_the_commands(run, office):
    mine = run("evaluations", "list", "--mine", "--json", user="frontdesk").json()
    assert [(e["staff"], e["status"], e["overdue"]) for e in mine] == [("Cleo Desk", "open", True)]
    number = str(mine[0]["id"])
    filled = run("evaluations", "self-assess", number, "--rate", "Patient care=4", "--rate", "teamwork=5",
                 "--write", "Strengths=Calm with upset patients", user="frontdesk")
    assert filled.exit_code == 0, filled.stderr
    assert run("evaluations", "sign", number, user="frontdesk").exit_code == 0
    assert run("evaluations", "review", number, "--rate", "Patient care=4", "--rate", "Teamwork=4",
               "--goals", "Lead orientation").exit_code == 0
    signed = run("evaluations", "sign", number, "--json")
    assert signed.exit_code == 0 and signed.json()["summary"]["status"] == "signed"
    shown = run("evaluations", "show", number, user="frontdesk").stdout
    assert "goals for the next period: Lead orientation" in shown and "review signed by manager" in shown
    due = run("reports", "run", "staff.evaluations_due", "--json")
    assert due.exit_code == 0 and [r[1] for r in due.json()["rows"]] == ["Max Assist"]


def test_the_front_desk_reads_no_one_elses_evaluation_through_any_command(run, office, medoffice_practice):
    other = run("evaluations", "list", "--staff", str(office.max), "--json").json()[0]["id"]
    before = len(actions(medoffice_practice, "hr."))
    for args in (("evaluations", "list"), ("evaluations", "list", "--staff", str(office.max)),
                 ("evaluations", "due"), ("evaluations", "show", str(other)),
                 ("evaluations", "show", str(other), "--json"),
                 ("evaluations", "self-assess", str(other), "--rate", "Teamwork=1"),
                 ("evaluations", "review", str(other), "--goals", "x"), ("evaluations", "sign", str(other)),
                 ("evaluations", "waive-self", str(other), "--reason", "x"),
                 ("evaluations", "cancel", str(other), "--reason", "x"),
                 ("evaluations", "templates", "list"), ("evaluations", "cycles", "list"),
                 ("evaluations", "schedule", "Annual review", "--due", "2026-03-01"),
                 ("reports", "run", "staff.evaluations_due"), ("reports", "run", "staff.compliance"),
                 ("policies", "unsigned"), ("policies", "signatures", "HIPAA privacy")):
        result = run(*args, user="frontdesk")
        assert result.exit_code == 1, (args, result.stdout)
        assert "Max" not in result.stdout + result.stderr and len(result.stderr.strip().splitlines()) == 1, args
    assert len(actions(medoffice_practice, "hr.")) == before


HOSTILE = [
    (("evaluations", "templates", "add", "X"), 2, "Missing option '--competency'"),
    (("evaluations", "templates", "add", "X\x1b[31m", "--competency", "A"), 1, "name"),
    (("evaluations", "templates", "add", "X", "--competency", "A", "--scale-max", "1e9"), 1, "whole number"),
    (("evaluations", "templates", "retire", "Nope"), 1, "no evaluation template named 'Nope'"),
    (("evaluations", "cycles", "add", "X", "--kind", "weekly", "--template", "Front office"), 2, "'weekly' is not"),
    (("evaluations", "cycles", "add", "X", "--kind", "annual", "--template", "Nope"), 1, "no evaluation template"),
    (("evaluations", "cycles", "retire", "\u202eevil"), 1, "cycle"),
    (("evaluations", "schedule", "Annual review", "--due", "soon"), 1, "due must be"),
    (("evaluations", "schedule", "Annual review", "--due", "2026-03-01", "--staff", "4242"), 1, "no staff member"),
    (("evaluations", "schedule", "Annual review", "--staff", "1", "--role", "x"), 2, "--staff or --role"),
    (("evaluations", "list", "--staff", "1", "--mine"), 2, "give --staff or --mine"),
    (("evaluations", "list", "--status", "lost"), 2, "'lost' is not one of"),
    (("evaluations", "list", "--cycle", "Nope"), 1, "no evaluation cycle"),
    (("evaluations", "due", "--within", "NaN"), 1, "whole number"),
    (("evaluations", "show", "0"), 2, "is not an id"),
    (("evaluations", "show", "99999999999"), 2, "is not an id"),
    (("evaluations", "show", "77"), 1, "no evaluation with id 77"),
    (("evaluations", "self-assess", "1", "--rate", "Teamwork"), 2, "--rate takes NAME=VALUE"),
    (("evaluations", "review", "1", "--rate", "=3"), 2, "--rate takes NAME=VALUE"),
    (("evaluations", "review", "1", "--rate", "Teamwork=3", "--rate", "teamwork=4"), 2, "twice"),
    (("evaluations", "review", "1", "--rate", "Teamwork=-3"), 1, "Teamwork must be from 1 to 5"),
    (("evaluations", "review", "1", "--write", "Strengths=\x07bell"), 1, "Strengths"),
    (("evaluations", "review", "1", "--goals", "x" * 2001), 1, "goals is longer than 2000"),
    (("evaluations", "sign", "abc"), 2, "is not an id"),
    (("evaluations", "waive-self", "1"), 2, "Missing option '--reason'"),
    (("evaluations", "cancel", "1", "--reason", "a\nb"), 1, "reason may not hold a line break"),
    (("policies", "add", "X", "--role", "all", "--body-file", "y"), 2, "Missing option '--category'"),
    (("policies", "add", "X", "--category", "c", "--role", "all"), 1, "one of the two"),
    (("policies", "add", "X", "--category", "c", "--role", "all", "--body-file", "/nonexistent/p.md"), 1,
     "cannot read"),
    (("policies", "add", "X", "--category", "c", "--role", "all", "--body-file", "BINARY"), 1, "not UTF-8"),
    (("policies", "add", "X", "--category", "c", "--role", "a;b", "--file", "f"), 1, "letters and digits"),
    (("policies", "add", "X", "--category", "c", "--role", "all", "--file", "f", "--within", "400"), 1,
     "from 0 to 365"),
    (("policies", "publish", "Nope", "--file", "f"), 1, "no policy titled 'Nope'"),
    (("policies", "publish", "HIPAA privacy", "--file", "S:/hipaa.pdf"), 1, "nothing to publish"),
    (("policies", "retire", ""), 1, "policy is required"),
    (("policies", "show", "HIPAA privacy", "--version", "9"), 1, "has no version 9"),
    (("policies", "show", "HIPAA privacy", "--version", "0x1"), 1, "whole number"),
    (("policies", "ack", "HIPAA privacy"), 1, "not linked to a staff record"),
    (("policies", "unsigned", "--staff", "1", "--mine"), 2, "give --staff or --mine"),
    (("policies", "unsigned", "--within", "-5"), 1, "from 0 to 3650"),
    (("policies", "unsigned", "--policy", "Nope"), 1, "no policy titled"),
    (("policies", "signatures", "Nope\x1b]0;x\x07"), 1, "policy"),
]


def test_hostile_input_is_one_line_with_its_exit_code_and_writes_nothing(run, office, medoffice_practice, tmp_path):
    binary = tmp_path / "policy.pdf"
    binary.write_bytes(b"%PDF-1.7\xff\xfe\x00\x01")
    before = len(actions(medoffice_practice, "hr."))
    for args, code, words in HOSTILE:
        args = tuple(str(binary) if a == "BINARY" else a for a in args)
        result = run(*args)
        assert result.exit_code == code, (args, result.stdout, result.stderr)
        assert words in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr, args
        if code == 1:
            assert len(result.stderr.strip().splitlines()) == 1 and "\x1b" not in result.stderr, args
    assert len(actions(medoffice_practice, "hr.")) == before
