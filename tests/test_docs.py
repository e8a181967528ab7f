"""The documentation cannot drift from the code.

Every hook (the core's, and those the installed plugins publish through
``PluginInfo.hookspecs``) has a section in docs/hooks.md and a test of its own; every core command has a
section in docs/cli.md; every environment variable the core reads is documented; the examples
are valid Python; links between the pages resolve. Plain file checks: no database.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import click
import pytest

from medoffice.core.cli import CORE_COMMANDS, _load_core
from medoffice.core.hookspecs import SPEC_MODULES
from medoffice.core.loader import discover

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HOOKS_MD = DOCS / "hooks.md"
CLI_MD = DOCS / "cli.md"
CORE_DIR = Path(inspect.getfile(SPEC_MODULES[0])).resolve().parent.parent
OWN_PAGES = ("index.md", "users-guide.md", "cli.md", "hooks.md", "architecture.md", "configuration.md")
PAGES_WRITTEN_ELSEWHERE = ("plugins.md", "tui.md")
"""Pages other people write; a link to one that does not exist yet is skipped, not failed."""


def published_modules() -> list:
    """The spec modules the installed plugins publish (``PluginInfo.hookspecs``), each once."""
    modules = []
    for candidate in discover()[0]:
        for dotted in candidate.info.hookspecs:
            module = importlib.import_module(dotted)
            if module not in modules:
                modules.append(module)
    return modules


ALL_SPEC_MODULES = [*SPEC_MODULES, *published_modules()]


def hookspecs() -> list[tuple[str, str]]:
    """``(hook name, module name)`` for every hook specification, the core's and the
    plugins'."""
    return [
        (name, module.__name__)
        for module in ALL_SPEC_MODULES
        for name, value in vars(module).items()
        if name.startswith("medoffice_") and callable(value) and hasattr(value, "medoffice_spec")
    ]


HOOK_NAMES = [name for name, _ in hookspecs()]


def prose_lines(text: str) -> list[str]:
    """The lines of a Markdown text with fenced code blocks blanked out."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            lines.append("")
        else:
            lines.append("" if fenced else line)
    return lines


def headings(text: str) -> list[tuple[int, str]]:
    """``(level, title)`` of every Markdown heading outside fenced code blocks."""
    return [(len(match.group(1)), match.group(2)) for line in prose_lines(text)
            if (match := re.match(r"^(#{1,6}) (.+?)\s*$", line))]


def hook_sections() -> list[str]:
    return [title for level, title in headings(HOOKS_MD.read_text(encoding="utf-8"))
            if level == 2 and title.startswith("medoffice_")]


def core_commands() -> list[tuple[str, bool]]:
    """``("patients find", is_group)`` for every core command, groups included, recursively."""
    found: list[tuple[str, bool]] = []

    def walk(path: str, command: click.Command) -> None:
        is_group = isinstance(command, click.Group)
        found.append((path, is_group))
        if is_group:
            for name, sub in sorted(command.commands.items()):
                walk(f"{path} {name}", sub)

    for name in sorted(CORE_COMMANDS):
        walk(name, _load_core(name))
    return found


def cli_sections() -> dict[str, int]:
    return {title.removeprefix("medoffice "): level for level, title in headings(CLI_MD.read_text(encoding="utf-8"))
            if title.startswith("medoffice ")}


class TestHookReference:
    """docs/hooks.md has exactly one section per hook specification."""

    def test_the_spec_modules_declare_hooks(self):
        """A guard for the tests below: an empty list would make them pass vacuously."""
        assert len(HOOK_NAMES) >= 20

    def test_the_plugins_published_hooks_are_among_them(self):
        """A guard: the built-in plugins' published specs are found, so the rules apply to them."""
        assert {"medoffice_send_reminders", "medoffice_billing_clearinghouse"} <= set(HOOK_NAMES)
        assert dict(hookspecs())["medoffice_billing_clearinghouse"] == "medoffice.plugins.billing.hookspecs"

    @pytest.mark.parametrize("hook", HOOK_NAMES)
    def test_every_hook_has_a_section(self, hook):
        """Each hookspec has a ``## medoffice_<name>`` section."""
        assert hook in hook_sections(), f"docs/hooks.md has no '## {hook}' section"

    def test_every_section_names_an_existing_hook(self):
        """No stale section documents a hook that was renamed or removed."""
        stale = sorted(set(hook_sections()) - set(HOOK_NAMES))
        assert not stale, f"docs/hooks.md documents hooks that do not exist: {stale}"

    def test_each_hook_has_one_section(self):
        sections = hook_sections()
        duplicated = sorted({s for s in sections if sections.count(s) > 1})
        assert not duplicated, f"docs/hooks.md has more than one section for {duplicated}"

    @pytest.mark.parametrize(("hook", "module"), hookspecs())
    def test_each_hook_sits_in_its_modules_chapter(self, hook, module):
        """Sections are grouped under a ``#`` chapter whose introduction names the hookspec module
        (``medoffice.core.hookspecs.events``, ``medoffice.plugins.billing.hookspecs``)."""
        chapter_intro = None
        lines = prose_lines(HOOKS_MD.read_text(encoding="utf-8"))
        for index, line in enumerate(lines):
            if line.startswith("# "):
                intro = []
                for following in lines[index + 1:]:
                    if following.startswith("#"):
                        break
                    intro.append(following)
                chapter_intro = "\n".join(intro)
            elif line.strip() == f"## {hook}":
                break
        assert chapter_intro is not None and f"`{module}`" in chapter_intro, (
            f"'## {hook}' is not under the chapter of {module}"
        )


def _test_sources() -> list[Path]:
    files = [p for p in (ROOT / "tests").rglob("*.py") if p.resolve() != Path(__file__).resolve()]
    files += list((DOCS / "examples").glob("*/tests/**/*.py"))
    return files


class TestHookTests:
    """Every hook has a test of its own, named ``test_…hook_<name>…``."""

    @pytest.fixture(scope="class")
    def test_function_names(self) -> list[str]:
        names = []
        for path in _test_sources():
            source = path.read_text(encoding="utf-8")
            names += re.findall(r"^\s*(?:async\s+)?def\s+(test\w*)\s*\(", source, flags=re.MULTILINE)
        return names

    @pytest.mark.parametrize("hook", HOOK_NAMES)
    def test_every_hook_has_its_own_test(self, hook, test_function_names):
        wanted = "hook_" + hook.removeprefix("medoffice_")
        assert any(wanted in name for name in test_function_names), (
            f"no test function under tests/ or docs/examples/*/tests has '{wanted}' in its name"
        )


class TestCommandReference:
    """docs/cli.md has a section per core command."""

    def test_the_walk_finds_the_commands(self):
        """A guard: the core has top-level commands and nested subcommands."""
        paths = [path for path, _ in core_commands()]
        assert "init" in paths and "patients find" in paths

    @pytest.mark.parametrize(("path", "is_group"), core_commands())
    def test_every_command_has_a_section(self, path, is_group):
        """``### medoffice <group> <command>`` per command; a group may be a ``##`` chapter."""
        level = cli_sections().get(path)
        allowed = (2, 3) if is_group else (3,)
        heading = "## or ###" if is_group else "###"
        assert level in allowed, f"docs/cli.md has no '{heading} medoffice {path}' heading"

    def test_every_section_names_an_existing_command(self):
        known = {path for path, _ in core_commands()}
        stale = sorted(set(cli_sections()) - known)
        assert not stale, f"docs/cli.md documents commands that do not exist: {stale}"


def test_every_environment_variable_the_core_reads_is_documented():
    cli_md = CLI_MD.read_text(encoding="utf-8")
    variables = set()
    for path in CORE_DIR.rglob("*.py"):
        variables |= set(re.findall(r"\bMEDOFFICE_[A-Z][A-Z0-9_]*[A-Z0-9]\b", path.read_text(encoding="utf-8")))
    assert variables, "found no MEDOFFICE_* variables in the core: the search is broken"
    missing = sorted(v for v in variables if f"`{v}`" not in cli_md)
    assert not missing, f"docs/cli.md does not document {missing}"


@pytest.mark.parametrize("page", OWN_PAGES)
def test_python_examples_are_valid_python(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    for number, block in enumerate(re.findall(r"^```python\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL), 1):
        try:
            compile(block, f"{page} example {number}", "exec")
        except SyntaxError as error:
            pytest.fail(f"docs/{page}, python example {number}: {error}")


def _slug(title: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return text.replace(" ", "-")


@pytest.mark.parametrize("page", OWN_PAGES)
def test_links_between_pages_resolve(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    text = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    problems, pending = [], []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"^[a-z]+:", target):  # https:, mailto:
            continue
        name, _, anchor = target.partition("#")
        path = (DOCS / page).parent / name if name else DOCS / page
        if not path.exists():
            (pending if name in PAGES_WRITTEN_ELSEWHERE else problems).append(target)
            continue
        if anchor and path.suffix == ".md":
            anchors = {_slug(title) for _, title in headings(path.read_text(encoding="utf-8"))}
            if anchor not in anchors:
                problems.append(target)
    assert not problems, f"docs/{page} has broken links: {problems}"
    if pending:
        pytest.skip(f"docs/{page} links to pages not written yet: {sorted(set(pending))}")


def hookspec_functions() -> dict[str, object]:
    return {name: value for module in ALL_SPEC_MODULES for name, value in vars(module).items()
            if name.startswith("medoffice_") and callable(value)}


def documented_arguments(hook: str) -> list[str] | None:
    """The argument names the ``- **Arguments:**`` item of a hook's section lists, in order.

    ``- **Arguments:** none.`` is an empty list; each argument is a sub-item at two spaces,
    ``  - `name`: …`` (deeper items describe an argument's fields and are not counted). ``None``
    when the section has no arguments item at all.
    """
    lines = prose_lines(HOOKS_MD.read_text(encoding="utf-8"))
    start = lines.index(f"## {hook}") + 1
    section = []
    for line in lines[start:]:
        if line.startswith("#"):
            break
        section.append(line)
    for index, line in enumerate(section):
        if line.startswith("- **Arguments:**"):
            rest = line.removeprefix("- **Arguments:**").strip()
            if rest:
                return [] if rest == "none." else [f"unparsed: {rest}"]
            names = []
            for item in section[index + 1:]:
                if item.startswith("- ") or not item.strip():
                    break
                if match := re.match(r"^  - `(\w+)`", item):
                    names.append(match.group(1))
            return names
    return None


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_documented_hook_arguments_match_the_hookspec(hook):
    """docs/hooks.md lists exactly the hookspec's parameters, in the hookspec's order."""
    if hook not in hook_sections():
        pytest.fail(f"docs/hooks.md has no '## {hook}' section")
    documented = documented_arguments(hook)
    actual = list(inspect.signature(hookspec_functions()[hook]).parameters)
    assert documented is not None, f"'## {hook}' has no '- **Arguments:**' item"
    assert documented == actual, (
        f"docs/hooks.md documents {hook}({', '.join(documented)}) but the hookspec is {hook}({', '.join(actual)})"
    )
