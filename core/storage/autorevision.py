"""``medoffice plugins revision``: write a plugin's next migration from its models.

The comparison never runs against the practice's database. A scratch SQLite database in a
temporary folder is migrated to the core's head and to each plugin's head (in dependency
order, up to the plugin), and Alembic's autogenerate compares it with the plugin's
``MetaData``, looking only at the plugin's tables. The new file goes into the plugin's
migrations folder, on its branch, with the next revision id of its prefix (``sch0005`` →
``sch0006``). The practice's database is only asked where the plugin's branch stands: a
revision written on top of a history the database has not reached would be applied out of
order.

:func:`describe_difference` turns one of Alembic's diff entries into words; the conformance
check uses it too.
"""

from __future__ import annotations

import os
import re
import sysconfig
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData, create_engine
from sqlalchemy.types import TypeDecorator

from ..errors import MedofficeError, ValidationError
from ..records import SchemaContribution
from . import migrate

REVISION_ID = re.compile(r"^([A-Za-z_]+?)(\d+)$")
MESSAGE_MAX = 120


# -- describing a difference -----------------------------------------------------------------


def _type_words(type_: Any) -> str:
    impl = type_.impl_instance if isinstance(type_, TypeDecorator) else type_
    try:
        return repr(impl)
    except Exception:  # an exotic type that does not repr: its class is enough
        return type(impl).__name__


def _one_difference(item: tuple) -> str:
    op = item[0]
    models, migrations = "in the models but not in the migrations", "in the migrations but not in the models"
    if op in ("add_table", "remove_table"):
        return f"table {item[1].name}: the table is {models if op == 'add_table' else migrations}"
    if op in ("add_column", "remove_column"):
        return f"table {item[2]}: column {item[3].name!r} is {models if op == 'add_column' else migrations}"
    if op.startswith("modify_"):
        table, column, existing, wanted = item[2], item[3], item[5], item[6]
        if op == "modify_nullable":
            words = {True: "nullable", False: "NOT NULL"}
            return (f"table {table}: column {column!r} is {words.get(wanted, wanted)} in the models "
                    f"but {words.get(existing, existing)} in the migrations")
        if op == "modify_type":
            return (f"table {table}: column {column!r} is {_type_words(wanted)} in the models "
                    f"but {_type_words(existing)} in the migrations")
        what = op.removeprefix("modify_").replace("_", " ")
        return (f"table {table}: column {column!r} has the {what} {wanted!r} in the models "
                f"but {existing!r} in the migrations")
    target = item[1]
    table = getattr(getattr(target, "table", None), "name", None)
    kind = {"index": "index", "constraint": "constraint", "fk": "foreign key"}.get(op.partition("_")[2], op)
    where = models if op.startswith("add_") else migrations if op.startswith("remove_") else f"different ({op})"
    name = getattr(target, "name", None)
    columns = ", ".join(c.name for c in getattr(target, "columns", ()) if hasattr(c, "name"))
    label = f"{kind} {name!r}" if name else f"{kind} on ({columns})"
    return f"table {table}: {label} is {where}" if table else f"{label} is {where}"


def describe_difference(item: Any) -> list[str]:
    """One Alembic autogenerate diff entry (or list of them) in words, one line per change:
    ``table foo_note: column 'color' is in the models but not in the migrations``."""
    if isinstance(item, list):
        return [line for sub in item for line in describe_difference(sub)]
    try:
        return [_one_difference(item)]
    except Exception:  # an entry of a kind this does not know: show it as Alembic gives it
        return [repr(item)]


# -- the scratch comparison ------------------------------------------------------------------


def combined_metadata(metadatas: Iterable[MetaData]) -> MetaData:
    """The core's tables and the given ones in one ``MetaData``, so that foreign keys to
    ``core_patient`` (or to a plugin required) resolve."""
    from .base import NAMING_CONVENTION, CoreBase

    combined = MetaData(naming_convention=NAMING_CONVENTION)
    for source in [CoreBase.metadata, *metadatas]:
        for table in source.tables.values():
            if table.key not in combined.tables:
                table.to_metadata(combined)
    return combined


def _installed_copy(path: Path) -> bool:
    """Is ``path`` inside site-packages (a wheel's installed copy, not the source)?"""
    resolved = path.resolve()
    if any(part in ("site-packages", "dist-packages") for part in resolved.parts):
        return True
    roots = {sysconfig.get_paths().get(key) for key in ("purelib", "platlib")} - {None}
    return any(resolved.is_relative_to(Path(root).resolve()) for root in roots)


def _next_revision_id(head: str, existing: set[str]) -> str:
    match = REVISION_ID.match(head)
    if match is None:
        raise MedofficeError(f"the head revision id {head!r} is not a prefix and a number (like 'sch0005'); "
                             "cannot tell the next one")
    prefix, number = match.groups()
    revision = f"{prefix}{int(number) + 1:0{len(number)}d}"
    if revision in existing:
        raise MedofficeError(f"the revision id {revision!r} is already taken in the migrations folder")
    return revision


def _first_revision_id(table_prefix: str) -> str:
    """A plugin's first revision: the first three letters of its prefix and ``0001``
    (``staff_`` -> ``sta0001``), as the later ones count on from it."""
    letters = "".join(c for c in table_prefix if c.isalpha())[:3] or "rev"
    return f"{letters}0001"


def clean_message(message: str) -> str:
    """The revision's message on one line, safe inside the file's docstring.

    Raises:
        ValidationError: it is empty or longer than ``MESSAGE_MAX`` characters.
    """
    text = "".join(ch if ch.isprintable() else " " for ch in message)
    text = " ".join(text.split()).replace("\\", "/").replace('"', "'")
    if not text:
        raise ValidationError("the revision's message (-m) is empty; say what the revision changes")
    if len(text) > MESSAGE_MAX:
        raise ValidationError(f"the revision's message (-m) is {len(text)} characters; at most {MESSAGE_MAX}")
    return text


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    # UTCDateTime, Cents and other TypeDecorators go into the file as what they store
    # (sa.DateTime(timezone=True), sa.BigInteger()), as the hand-written revisions do.
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{_type_words(obj)}"
    return False


def check_at_head(connection: Connection, plugin_id: str, schema: SchemaContribution) -> str:
    """The plugin's head revision, when the database is at it.

    Raises:
        MedofficeError: the database is behind (or ahead of) the plugin's head.
    """
    status = migrate.branch_statuses(connection, {plugin_id: schema})[-1]
    if status.pending:
        raise MedofficeError(f"the database is not at {plugin_id}'s head (it is at {status.current or 'nothing'}, "
                             f"the head is {status.head}): run `medoffice db upgrade` first")
    return status.head


def check_folder(plugin_id: str, versions_dir: Path) -> None:
    """Refuse a migrations folder this command must not write into."""
    if not versions_dir.is_dir():
        raise MedofficeError(f"{plugin_id}'s migrations folder {versions_dir} does not exist")
    if _installed_copy(versions_dir):
        raise MedofficeError(f"{plugin_id}'s migrations folder {versions_dir} is inside an installed package "
                             "(site-packages): run this in the plugin's source checkout, installed with pip install -e")
    if not os.access(versions_dir, os.W_OK | os.X_OK):
        raise MedofficeError(f"{plugin_id}'s migrations folder {versions_dir} is not writable")


def generate(schemas: Mapping[str, SchemaContribution], order: Iterable[str], plugin_id: str, table_prefix: str,
             message: str) -> tuple[Path, list[str]]:
    """Write ``plugin_id``'s next revision from its models.

    Args:
        schemas: the practice's plugins' schemas (the core's excluded), by plugin id.
        order: the plugins in dependency order.
        plugin_id: the plugin whose revision to write.
        table_prefix: its tables' prefix (a table of it dropped from the models is found by it).
        message: the revision's message, cleaned by :func:`clean_message`.

    Returns:
        The new file and the changes it makes, in words.

    Raises:
        MedofficeError: the models match the migrations ("nothing to generate"), or the
            revision cannot be written.
    """
    from alembic.autogenerate import produce_migrations, render_python_code
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    schema = schemas[plugin_id]
    order = list(order)
    upto = order[: order.index(plugin_id) + 1] if plugin_id in order else [plugin_id]
    scoped = {pid: schemas[pid] for pid in upto if pid in schemas}
    own = set(schema.metadata.tables)
    version_table = migrate.version_table(plugin_id)

    def mine(name: str | None) -> bool:
        return name is not None and name != version_table and (name in own or name.startswith(table_prefix))

    def include_name(name: str | None, type_: str, parent_names: Mapping[str, Any]) -> bool:
        return mine(name) if type_ == "table" else True

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        return mine(name) if type_ == "table" else True

    target = combined_metadata([*(s.metadata for pid, s in scoped.items() if pid != plugin_id), schema.metadata])
    with tempfile.TemporaryDirectory(prefix="medoffice-revision-") as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'scratch.sqlite'}")
        try:
            with engine.begin() as conn:
                migrate.upgrade(conn, scoped, upto)
                context = MigrationContext.configure(conn, opts={
                    "compare_type": True, "include_name": include_name, "include_object": include_object,
                    "target_metadata": target, "render_item": _render_item})
                script_ops = produce_migrations(context, target)
                if script_ops.upgrade_ops.is_empty():
                    raise MedofficeError(f"nothing to generate: the models of {plugin_id} match its migrations")
                changes = [line for diff in script_ops.upgrade_ops.as_diffs()
                           for line in describe_difference(diff)]
                upgrades = render_python_code(script_ops.upgrade_ops, render_item=_render_item,
                                              migration_context=context)
                downgrades = render_python_code(script_ops.downgrade_ops, render_item=_render_item,
                                                migration_context=context)
        finally:
            engine.dispose()
    cfg = migrate.alembic_config(None, plugin_id, schema.versions_dir, schema.metadata)  # type: ignore[arg-type]
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    existing = {s.revision for s in script.walk_revisions()}
    first = head is None
    revision = _first_revision_id(table_prefix) if first else _next_revision_id(head, existing)
    branch = {"head": "base", "branch_labels": [table_prefix.rstrip("_")]} if first else {"head": head}
    try:
        written = script.generate_revision(revision, message, version_path=str(schema.versions_dir),
                                           upgrades=_body(upgrades), downgrades=_body(downgrades), imports="",
                                           **branch)
    except OSError as error:
        raise MedofficeError(f"cannot write into {schema.versions_dir}: {error.strerror or error}") from None
    path = Path(written.path) if written is not None else schema.versions_dir
    return path, changes


def _body(code: str) -> str:
    """``render_python_code``'s text, indented for the template's ``def upgrade():``."""
    marks = ("# ### commands auto generated by Alembic - please adjust! ###", "# ### end Alembic commands ###")
    lines = [line.removeprefix("    ") for line in code.splitlines() if line.strip() not in marks]
    return "\n    ".join(lines).strip()


__all__ = ["check_at_head", "check_folder", "clean_message", "combined_metadata", "describe_difference", "generate"]
