"""The conformance check: does a plugin keep the contract the core documents?

Run it on a fresh practice (it takes the plugin's tables down and up again, so their rows
are lost)::

    from medoffice.testing.conformance import check_plugin

    def test_conformance(medoffice_practice):
        check_plugin(medoffice_practice, "patient-alerts")

or through the ``conformance`` fixture (``conformance("patient-alerts")``). Each check adds
the problems it finds; :func:`check_plugin` raises one ``AssertionError`` listing them all.
:func:`check_screens` is its asynchronous companion: it mounts the plugin's screens and
patient-card panels in the TUI.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from functools import reduce
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from medoffice.core.loader import PluginSet
    from medoffice.core.records import PluginInfo
    from medoffice.core.runtime import Runtime

PERMISSION_NAME = re.compile(r"^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$")


def _runtime(practice: Any) -> Runtime:
    return getattr(practice, "runtime", practice)


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def import_object(path: str) -> Any:
    """Import ``"package.module:Name"`` (``Name`` may be dotted), as the TUI does."""
    module_name, sep, attribute = path.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"{path!r} is not an import path like 'package.module:Name'")
    return reduce(getattr, attribute.split("."), importlib.import_module(module_name))


class _Hooks:
    """Call one plugin's contribution hooks alone, turning a raising hook into a problem."""

    def __init__(self, plugins: PluginSet, plugin_id: str, problems: list[str]) -> None:
        self.plugins = plugins
        self.plugin_id = plugin_id
        self.problems = problems

    def own(self, name: str, default: Any = None) -> Any:
        for impl in getattr(self.plugins.pm.hook, name).get_hookimpls():
            if impl.plugin_name == self.plugin_id:
                try:
                    result = impl.function()
                except Exception as exc:
                    self.problems.append(f"{name} raised {_describe(exc)}")
                    return default
                return default if result is None else result
        return default

    def others(self, name: str) -> list[tuple[str, Any]]:
        """Every other plugin's (and the core's) contributions, one item each; failures skipped."""
        found = []
        for impl in getattr(self.plugins.pm.hook, name).get_hookimpls():
            if impl.plugin_name == self.plugin_id:
                continue
            try:
                result = impl.function()
            except Exception:
                continue  # their problem, reported when they are checked
            if result is None:
                continue
            for item in result if isinstance(result, list | tuple) else [result]:
                found.append((impl.plugin_name, item))
        return found


def _labels(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def check_plugin(practice: Any, plugin_id: str) -> None:
    """Check that the plugin ``plugin_id`` keeps the core's contract in ``practice``.

    Checks that it loaded (status ``enabled``: its hooks match their specifications); that
    every table it declares starts with its table prefix; that every foreign key of its models
    resolves within its own ``MetaData``, as the ORM resolves it on a write; that a plugin
    with tables referring to patients moves their rows in a merge (both merge hooks); that
    its migrations carry its branch label, go down and up again, and leave the database
    exactly as its models say;
    that its commands are click groups whose names clash with neither the core's nor another
    plugin's; that its permissions are well formed and its own; that every screen, panel and
    palette action it names imports and is what it should be; that its permission names are
    defined as constants in one module and its migrations lie inside its package (the layout
    of docs/plugins.md; :func:`built_in_layout_problems` checks the rest of it).

    Args:
        practice: the ``medoffice_practice`` fixture (or a ``Runtime``), made fresh for the
            check: its plugin tables are dropped and re-created.
        plugin_id: the plugin to check; it must be enabled in the practice.

    Raises:
        AssertionError: listing every problem found.
    """
    problems = plugin_problems(practice, plugin_id)
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        count = f"{len(problems)} problem" + ("s" if len(problems) > 1 else "")
        raise AssertionError(f"plugin {plugin_id!r} does not conform ({count}):\n{lines}")


def plugin_problems(practice: Any, plugin_id: str) -> list[str]:
    """What :func:`check_plugin` would complain about, as a list (empty when it conforms)."""
    runtime = _runtime(practice)
    plugins = runtime.plugins
    status = plugins.status(plugin_id)
    if status is None:
        installed = ", ".join(s.id for s in plugins.statuses) or "none"
        return [f"is not installed in this practice (installed: {installed})"]
    if not status.active:
        reason = f": {status.reason}" if status.reason else ""
        return [f"did not load: its status is {status.status!r}{reason}"]
    info = plugins.candidates[plugin_id].info
    problems: list[str] = []
    hooks = _Hooks(plugins, plugin_id, problems)
    _check_schema(runtime, info, hooks, problems)
    _check_commands(hooks, problems)
    declared = _check_permissions(hooks, problems)
    _check_contributions(hooks, declared, problems)
    _check_role(runtime, info, hooks, problems)
    _check_published(info, problems)
    _check_layout(plugins.candidates[plugin_id].module, hooks, problems)
    return problems


# -- layout ----------------------------------------------------------------------------------


def _own_permissions(hooks: _Hooks) -> set[str]:
    from medoffice.core.records import PermissionSpec

    specs = hooks.own("medoffice_permissions", [])
    return {spec.name for spec in (specs if isinstance(specs, list | tuple) else [specs])
            if isinstance(spec, PermissionSpec)}


def _check_layout(module: Any, hooks: _Hooks, problems: list[str]) -> None:
    """Permission names defined in one module; migrations inside the package
    (:func:`medoffice.testing._layout.layout_problems`)."""
    from medoffice.core.records import SchemaContribution

    from ._layout import layout_problems

    schema = hooks.own("medoffice_schema")
    versions_dir = schema.versions_dir if isinstance(schema, SchemaContribution) else None
    problems.extend(layout_problems(module, _own_permissions(hooks), versions_dir))


def built_in_layout_problems(practice: Any, plugin_id: str) -> list[str]:
    """Where the plugin ``plugin_id`` departs from the layout the built-in plugins share
    (docs/plugins.md, "The layout of a plugin package"): ``permissions.py`` holding every
    permission name and nothing else spelling one out, ``models.py`` and ``migrations/`` for
    tables, ``domain.py``, ``cli/`` for commands, ``screens/`` for screens and panels,
    ``demo.py`` for demo data. Not part of :func:`check_plugin`: an outside plugin may be
    laid out more simply."""
    from ._layout import built_in_layout_problems as departures

    plugins = _runtime(practice).plugins
    problems: list[str] = []
    hooks = _Hooks(plugins, plugin_id, problems)
    implemented = {impl.plugin_name for name in ("medoffice_populate_demo",)
                   for impl in getattr(plugins.pm.hook, name).get_hookimpls()}
    problems += departures(
        plugins.candidates[plugin_id].module, _own_permissions(hooks),
        tables=hooks.own("medoffice_schema") is not None,
        commands=bool(hooks.own("medoffice_cli_commands")),
        screens=bool(hooks.own("medoffice_screens")) or bool(hooks.own("medoffice_patient_panels")),
        demo=plugin_id in implemented)
    return problems


# -- hooks the plugin publishes --------------------------------------------------------------


def _check_published(info: PluginInfo, problems: list[str]) -> None:
    """Each published hook is documented in its docstring as the core's are (what it is for,
    then ``Args:`` describing each argument): the plugin's docs and its implementers follow
    it. (That the modules import and no name clashes is checked at load time: a plugin
    failing that does not load.)"""
    import inspect

    from medoffice.core.loader.manager import spec_names

    for dotted in info.hookspecs:
        module = importlib.import_module(dotted)
        for name in spec_names(module):
            function = getattr(module, name)
            doc = inspect.getdoc(function) or ""
            arguments = list(inspect.signature(function).parameters)
            if not doc.strip():
                problems.append(f"publishes {name} without a docstring saying when it is called and what it returns")
            elif arguments and "Args:" not in doc:
                problems.append(f"publishes {name}, whose docstring has no 'Args:' section for "
                                f"{', '.join(arguments)}")
            else:
                missing = [a for a in arguments if not re.search(rf"^\s+{a}:", doc, flags=re.MULTILINE)]
                if missing:
                    problems.append(f"publishes {name}, whose docstring does not describe {', '.join(missing)}")


# -- roles -----------------------------------------------------------------------------------


def _check_role(runtime: Runtime, info: PluginInfo, hooks: _Hooks, problems: list[str]) -> None:
    """A plugin that needs a domain names the role, not today's provider; a provider keeps the
    role's guarantee as far as it can be checked without using it: its service satisfies the
    protocol and it declares the permission the rest of the product checks for the role."""
    from medoffice.core.domains import DOMAIN_PROTOCOLS, ROLE_PERMISSIONS
    from medoffice.core.records.plugin import ROLE_REQUIREMENT, required_role

    candidates = runtime.plugins.candidates
    for requirement in info.requires:
        other = candidates.get(requirement) if required_role(requirement) is None else None
        if other is not None and other.info.provides:
            role = other.info.provides
            problems.append(f"requires {requirement!r}, today's {role} provider; require "
                            f"'{ROLE_REQUIREMENT}{role}' so the practice may swap providers")
    role = info.provides
    if role is None:
        return
    hook = f"medoffice_{role}_service"
    if info.id not in runtime.plugins.hooks.implementers(hook):
        problems.append(f"provides the {role} role but does not implement {hook}")
        return
    try:
        with runtime.operation(write=False) as ctx:
            service = ctx.role_service(role)
    except Exception as exc:
        problems.append(f"{hook} raised {_describe(exc)}")
        return
    if service is None:
        problems.append(f"{hook} returned None: a {role} provider returns its service")
    elif not isinstance(service, DOMAIN_PROTOCOLS[role]):
        problems.append(f"{hook} returned {type(service).__name__}, which lacks part of "
                        f"{DOMAIN_PROTOCOLS[role].__name__}")
    own = hooks.own("medoffice_permissions", [])
    declared = {getattr(spec, "name", None) for spec in (own if isinstance(own, list | tuple) else [own])}
    for permission in ROLE_PERMISSIONS.get(role, ()):
        if permission not in declared:
            problems.append(f"provides the {role} role but does not declare the permission {permission!r}, "
                            "which the core and other plugins check for it")


# -- tables and migrations -------------------------------------------------------------------


def _check_schema(runtime: Runtime, info: PluginInfo, hooks: _Hooks, problems: list[str]) -> None:
    from sqlalchemy import MetaData

    from medoffice.core.records import SchemaContribution

    schema = hooks.own("medoffice_schema")
    if schema is None:
        return
    if not isinstance(schema, SchemaContribution):
        problems.append(f"medoffice_schema returned {type(schema).__name__}, not a SchemaContribution")
        return
    if not isinstance(schema.metadata, MetaData):
        problems.append(f"its schema's metadata is a {type(schema.metadata).__name__}, not a sqlalchemy MetaData")
        return
    for name in sorted(schema.metadata.tables):
        if not name.startswith(info.table_prefix):
            problems.append(f"table {name!r} does not start with the plugin's prefix {info.table_prefix!r}")
    problems.extend(foreign_key_problems(schema.metadata))
    _check_merge_hooks(hooks, schema.metadata, problems)
    if not schema.versions_dir.is_dir():
        problems.append(f"its migrations folder {schema.versions_dir} does not exist")
        return
    if _check_revisions(info, schema.versions_dir, problems):
        _check_round_trip(runtime, info, schema.metadata, problems)


def _model_names(metadata: Any) -> dict[str, str]:
    """The mapped class of each table of ``metadata``, where one is mapped."""
    from sqlalchemy.orm import mapperlib

    names: dict[str, str] = {}
    for registry in list(mapperlib._mapper_registries):
        if registry.metadata is not metadata:
            continue
        for mapper in registry.mappers:
            table = getattr(mapper, "local_table", None)
            if table is not None and table.name in metadata.tables:
                names.setdefault(table.name, mapper.class_.__name__)
    return names


def foreign_key_problems(metadata: Any) -> list[str]:
    """Every foreign key of ``metadata`` that the ORM cannot resolve, one line each.

    The ORM resolves a foreign key within its table's own ``MetaData`` when it orders a flush:
    a string naming a table of another ``MetaData`` (``"core_patient.id"``), a table that does
    not exist or a misspelt column passes the migrations yet fails the plugin's first write
    with ``NoReferencedTableError``.
    """
    from sqlalchemy.exc import NoReferencedColumnError, NoReferencedTableError

    from medoffice.core.storage.base import CoreBase

    models = _model_names(metadata)
    problems = []
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        model = f"model {models[table.name]} (table {table.name!r})" if table.name in models else f"table {table.name!r}"
        for fk in sorted(table.foreign_keys, key=lambda f: (f.parent.name, f.target_fullname)):
            target = fk.target_fullname
            try:
                fk.column  # noqa: B018 - resolving it is the check
                continue
            except NoReferencedTableError:
                referred = target.rsplit(".", 1)[0]
                if referred in CoreBase.metadata.tables:
                    why = (f"{referred!r} is the core's table, in another MetaData: name its column object "
                           f"(ForeignKey(<Model>.__table__.c.{target.rsplit('.', 1)[-1]}))")
                else:
                    why = f"there is no table {referred!r}"
            except NoReferencedColumnError:
                why = f"table {target.rsplit('.', 1)[0]!r} has no column {target.rsplit('.', 1)[-1]!r}"
            except Exception as exc:  # a malformed target string
                why = _describe(exc)
            problems.append(f"{model} column {fk.parent.name!r}: its foreign key to {target!r} does not resolve: "
                            f"{why}")
    return problems


MERGE_HOOKS = ("medoffice_patient_merge_preview", "medoffice_patient_merge")


def _check_merge_hooks(hooks: _Hooks, metadata: Any, problems: list[str]) -> None:
    """A table whose rows point at patients must move them when two patients are merged
    (docs/hooks.md, "Merging patients"), or they stay with the absorbed, inactive record."""
    pointing = sorted(table.name for table in metadata.tables.values()
                      if any(fk.target_fullname.startswith("core_patient.") for fk in table.foreign_keys))
    if not pointing:
        return
    missing = [name for name in MERGE_HOOKS if hooks.plugin_id not in
               {impl.plugin_name for impl in getattr(hooks.plugins.pm.hook, name).get_hookimpls()}]
    if missing:
        problems.append(f"table(s) {', '.join(pointing)} refer to core_patient but the plugin lacks "
                        f"{' and '.join(missing)}: a merge of two patients would leave their rows behind")


def _check_revisions(info: PluginInfo, versions_dir: Path, problems: list[str]) -> bool:
    """The plugin's own history: one first revision (``down_revision = None``), with its label.

    Each owner's history is loaded alone, with its own version table, as the core migrates it:
    a revision that points into the core's history (``depends_on = "core"``) does not load.
    """
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from medoffice.core.storage.migrate import ENV_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(ENV_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", str(versions_dir))
    try:
        script = ScriptDirectory.from_config(cfg)
        own = list(script.walk_revisions())
        script.get_current_head()  # refuses several heads
    except Exception as exc:
        problems.append(f"its migrations in {versions_dir} do not load on their own: {_describe(exc)}")
        return False
    if not own:
        problems.append(f"its migrations folder {versions_dir} has no revision")
        return False
    ok = True
    roots = [s for s in own if s.down_revision is None]
    # Alembic hands a branch's label down to every revision on it; what a revision file
    # itself declares is its module's ``branch_labels``.
    declared = {s.revision: _labels(getattr(s.module, "branch_labels", None)) for s in own}
    labelled = [s for s in own if info.branch_label in declared[s.revision]]
    if len(roots) != 1:
        problems.append(f"its migrations have {len(roots)} first revisions (down_revision = None); want one")
        ok = False
    if [s.revision for s in labelled] != [s.revision for s in roots]:
        problems.append(f"its first revision must carry the branch label {info.branch_label!r} "
                        f"(branch_labels = ({info.branch_label!r},)), and no other revision")
        ok = False
    foreign = sorted({label for labels in declared.values() for label in labels} - {info.branch_label})
    if foreign:
        problems.append(f"its revisions carry other branch labels: {', '.join(foreign)}")
        ok = False
    return ok


def _table_of(item: Any) -> str | None:
    """The table an Alembic autogenerate diff entry is about."""
    if isinstance(item, list):
        return _table_of(item[0]) if item else None
    op = item[0]
    if op in ("add_table", "remove_table"):
        return item[1].name
    if op in ("add_column", "remove_column") or op.startswith("modify_"):
        return item[2]
    target = item[1]
    table = getattr(target, "table", None)
    return getattr(table, "name", None)


def _combined_metadata(metadatas: list[Any]) -> Any:
    """The core's tables and the given ones in one ``MetaData``, so that a plugin's foreign
    keys to ``core_patient`` (or to a plugin it requires) resolve when the diff is computed."""
    from sqlalchemy import MetaData

    from medoffice.core.storage.base import NAMING_CONVENTION, CoreBase

    combined = MetaData(naming_convention=NAMING_CONVENTION)
    for source in [CoreBase.metadata, *metadatas]:
        for table in source.tables.values():
            if table.key not in combined.tables:
                table.to_metadata(combined)
    return combined


def _check_round_trip(runtime: Runtime, info: PluginInfo, metadata: Any, problems: list[str]) -> None:
    """Down to nothing, up again, then compare the database with the models."""
    from sqlalchemy import inspect

    from medoffice.core.storage import migrate

    plugins = runtime.plugins
    try:
        schemas = {pid: s for pid, s in plugins.hooks.schemas().items() if pid != "core"}
    except Exception as exc:
        problems.append(f"cannot gather the practice's schemas: {_describe(exc)}")
        return
    tables = set(metadata.tables)
    step = "checking where its branch stands"
    try:
        with runtime.engine.begin() as conn:
            status = {s.branch: s for s in migrate.branch_statuses(conn, schemas)}.get(info.branch_label)
            if status is None or status.pending:
                current = status.current if status else None
                problems.append(f"its branch {info.branch_label!r} is not at its head after migrating "
                                f"(current {current!r})")
            step = "going down (downgrade_branch)"
            migrate.downgrade_branch(conn, schemas, info.id)
            left = sorted(tables & set(inspect(conn).get_table_names()))
            if left:
                problems.append(f"its downgrade leaves the tables {', '.join(left)}")
            step = "going up again"
            migrate.upgrade(conn, schemas, [info.id])
            missing = sorted(tables - set(inspect(conn).get_table_names()))
            if missing:
                problems.append(f"its migrations do not create the tables {', '.join(missing)}")
            step = "comparing the database with its models"
            everything = _combined_metadata([*(s.metadata for pid, s in schemas.items() if pid != info.id), metadata])
            diff = [d for d in migrate.schema_diff(conn, everything)
                    if (name := _table_of(d)) is not None and (name in tables or name.startswith(info.table_prefix))]
    except Exception as exc:
        problems.append(f"its migrations failed {step}: {_describe(exc)}")
        return
    from medoffice.core.storage.autorevision import describe_difference

    for item in diff:
        for words in describe_difference(item):
            problems.append(f"its migrations and models differ: {words}")


# -- commands --------------------------------------------------------------------------------


def _check_commands(hooks: _Hooks, problems: list[str]) -> None:
    import click

    from medoffice.core.cli import CORE_COMMANDS

    commands = hooks.own("medoffice_cli_commands", [])
    if not isinstance(commands, list | tuple):
        problems.append(f"medoffice_cli_commands returned {type(commands).__name__}, not a list")
        return
    others = {cmd.name: pid for pid, cmd in hooks.others("medoffice_cli_commands") if isinstance(cmd, click.Command)}
    seen: set[str] = set()
    for command in commands:
        if not isinstance(command, click.Group):
            problems.append(f"command {getattr(command, 'name', command)!r} is not a click.Group "
                            "(contribute a group: 'medoffice <group> <command>')")
        name = getattr(command, "name", None)
        if not name:
            problems.append(f"command {command!r} has no name")
            continue
        if name in CORE_COMMANDS:
            problems.append(f"command {name!r} clashes with the core's 'medoffice {name}'")
        elif name in others:
            problems.append(f"command {name!r} clashes with the plugin {others[name]!r}'s")
        if name in seen:
            problems.append(f"command {name!r} is contributed twice")
        seen.add(name)


# -- permissions -----------------------------------------------------------------------------


def _check_permissions(hooks: _Hooks, problems: list[str]) -> set[str]:
    """Check the plugin's permissions; return every permission name declared in the practice."""
    from medoffice.core.permissions import CORE_PERMISSIONS, ROLES
    from medoffice.core.records import PermissionSpec

    specs = hooks.own("medoffice_permissions", [])
    others = {spec.name: pid for pid, spec in hooks.others("medoffice_permissions") if isinstance(spec, PermissionSpec)}
    core_words = {spec.name.split(".")[0] for spec in CORE_PERMISSIONS}
    declared = set(others)
    seen: set[str] = set()
    for spec in specs if isinstance(specs, list | tuple) else [specs]:
        if not isinstance(spec, PermissionSpec):
            problems.append(f"permission {spec!r} is not a PermissionSpec")
            continue
        name = spec.name
        declared.add(name)
        if not PERMISSION_NAME.match(name):
            problems.append(f"permission {name!r} is not dotted lower-case words ('alerts.write')")
        elif name in others:
            owner = "the core" if others[name] == "core" else f"the plugin {others[name]!r}"
            problems.append(f"permission {name!r} is already declared by {owner}")
        elif name.split(".")[0] in core_words:
            problems.append(f"permission {name!r} starts with the core's word {name.split('.')[0]!r}; "
                            "use a word of the plugin's own")
        if name in seen:
            problems.append(f"permission {name!r} is declared twice")
        seen.add(name)
        unknown = [role for role in spec.default_roles if role not in ROLES]
        if unknown:
            problems.append(f"permission {name!r} names unknown roles {', '.join(map(repr, unknown))} "
                            f"(roles: {', '.join(ROLES)})")
    return declared


# -- screens, panels, actions, reports -------------------------------------------------------


def _check_import(kind: str, item_id: str, path: str, check: Callable[[Any], str | None], problems: list[str]) -> None:
    try:
        obj = import_object(path)
    except Exception as exc:
        problems.append(f"{kind} {item_id!r}: {path} does not import: {_describe(exc)}")
        return
    wrong = check(obj)
    if wrong:
        problems.append(f"{kind} {item_id!r}: {path} {wrong}")


def _subclass_of(base: type, name: str) -> Callable[[Any], str | None]:
    def check(obj: Any) -> str | None:
        return None if isinstance(obj, type) and issubclass(obj, base) else f"is not a {name} subclass"
    return check


def _panel_class(obj: Any) -> str | None:
    from textual.screen import Screen
    from textual.widget import Widget

    if isinstance(obj, type) and issubclass(obj, Screen):
        return "is a textual Screen; a panel is a textual.widget.Widget mounted on the card"
    return _subclass_of(Widget, "textual.widget.Widget")(obj)


def _check_contributions(hooks: _Hooks, declared: set[str], problems: list[str]) -> None:
    from textual.screen import Screen

    from medoffice.core.records import ActionContribution, PanelContribution, ReportSpec, ScreenContribution

    kinds = [
        ("medoffice_screens", "screen", ScreenContribution, "screen", _subclass_of(Screen, "textual.screen.Screen")),
        ("medoffice_patient_panels", "panel", PanelContribution, "widget", _panel_class),
        ("medoffice_palette_actions", "action", ActionContribution, "action",
         lambda obj: None if callable(obj) else "is not callable"),
    ]
    for hook, kind, record_type, attribute, check in kinds:
        items = hooks.own(hook, [])
        taken = {item.id: pid for pid, item in hooks.others(hook) if isinstance(item, record_type)}
        seen: set[str] = set()
        for item in items if isinstance(items, list | tuple) else [items]:
            if not isinstance(item, record_type):
                problems.append(f"{hook} returned {item!r}, not a {record_type.__name__}")
                continue
            if item.id in taken:
                problems.append(f"{kind} id {item.id!r} is already used by the plugin {taken[item.id]!r}")
            if item.id in seen:
                problems.append(f"{kind} id {item.id!r} is contributed twice")
            seen.add(item.id)
            if item.permission is not None and item.permission not in declared:
                problems.append(f"{kind} {item.id!r} needs the permission {item.permission!r}, which nobody declares")
            _check_import(kind, item.id, getattr(item, attribute), check, problems)
    for report in hooks.own("medoffice_reports", []):
        if not isinstance(report, ReportSpec):
            problems.append(f"medoffice_reports returned {report!r}, not a ReportSpec")
        elif report.permission not in declared:
            problems.append(f"report {report.id!r} needs the permission {report.permission!r}, which nobody declares")


from ._conformance_tui import check_screens  # noqa: E402  (the TUI half, kept apart)

__all__ = ["check_plugin", "check_screens", "import_object", "plugin_problems"]
