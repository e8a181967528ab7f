"""A plugin author adds a column to a model and runs ``medoffice plugins revision``: the next
revision of the plugin's own branch appears in its migrations folder, ``db upgrade`` applies
it and the conformance check passes. The comparison runs on a scratch database, never the
practice's."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Column, ForeignKey, Integer, String, Table, inspect

from medoffice.core import PluginInfo, SchemaContribution, hookimpl
from medoffice.core.storage import Cents, UTCDateTime, new_metadata
from medoffice.core.storage.autorevision import describe_difference
from medoffice.core.storage.models import Patient
from medoffice.testing.conformance import check_plugin, plugin_problems

FIRST = '''\
"""note kit: the note table

Revision ID: nk0001
"""

import sqlalchemy as sa
from alembic import op

revision = "nk0001"
down_revision = None
branch_labels = ("note_kit",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "note_kit_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["core_patient.id"],
                                name=op.f("fk_note_kit_note_patient_id_core_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_kit_note")),
    )


def downgrade() -> None:
    op.drop_table("note_kit_note")
'''


class NoteKit:
    """A throwaway plugin whose models the test changes as an author would edit models.py."""

    plugin_info = PluginInfo(id="note-kit", title="Note kit", api_version=1)

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.extra: list[Column] = []
        self.without_text = False
        self.tags = False

    @hookimpl
    def medoffice_schema(self):
        metadata = new_metadata()
        text = [] if self.without_text else [Column("text", String(200), nullable=False)]
        Table("note_kit_note", metadata,
              Column("id", Integer, primary_key=True),
              Column("patient_id", ForeignKey(Patient.__table__.c.id), nullable=False),
              *text, *[column._copy() for column in self.extra])
        if self.tags:
            Table("note_kit_tag", metadata, Column("id", Integer, primary_key=True), Column("name", String(30)),
                  Column("fee", Cents()), Column("tagged_at", UTCDateTime()))
        return SchemaContribution(metadata, self.folder)

    @hookimpl
    def medoffice_patient_merge_preview(self, ctx, merge):
        return None

    @hookimpl
    def medoffice_patient_merge(self, ctx, merge):
        return None


@pytest.fixture
def note_kit(tmp_path):
    folder = tmp_path / "note_kit" / "migrations"
    folder.mkdir(parents=True)
    (folder / "nk0001_note_table.py").write_text(FIRST, encoding="utf-8")
    return NoteKit(folder)


@pytest.fixture
def medoffice_extra_plugins(note_kit):
    return [note_kit]


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.py"))


def test_a_new_column_becomes_the_next_revision_and_db_upgrade_applies_it(medoffice_practice, note_kit):
    note_kit.extra = [Column("color", String(20), nullable=True)]
    assert "table note_kit_note: column 'color' is in the models but not in the migrations" in \
        "\n".join(plugin_problems(medoffice_practice, "note-kit"))

    made = medoffice_practice.cli("plugins", "revision", "note-kit", "-m", "note color")
    assert made.exit_code == 0, made.stderr
    assert files(note_kit.folder) == ["nk0001_note_table.py", "nk0002_note_color.py"]
    assert "nk0002_note_color.py" in made.stdout
    assert "table note_kit_note: column 'color' is in the models but not in the migrations" in made.stdout
    text = (note_kit.folder / "nk0002_note_color.py").read_text(encoding="utf-8")
    assert 'revision = "nk0002"' in text or "revision = 'nk0002'" in text
    assert "down_revision = 'nk0001'" in text or 'down_revision = "nk0001"' in text
    assert "branch_labels = None" in text
    assert "op.add_column('note_kit_note', sa.Column('color', sa.String(length=20), nullable=True))" in text
    assert "op.drop_column('note_kit_note', 'color')" in text
    assert "core_" not in text  # only the plugin's own tables are compared

    with medoffice_practice.runtime.engine.connect() as conn:  # the practice's database was not touched
        assert "color" not in {c["name"] for c in inspect(conn).get_columns("note_kit_note")}
    upgraded = medoffice_practice.cli("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.stderr
    assert "note-kit" in upgraded.stdout
    with medoffice_practice.runtime.engine.connect() as conn:
        assert "color" in {c["name"] for c in inspect(conn).get_columns("note_kit_note")}
    check_plugin(medoffice_practice, "note-kit")

    again = medoffice_practice.cli("plugins", "revision", "note-kit", "-m", "once more")
    assert again.exit_code == 1
    assert again.stderr.strip() == "error: nothing to generate: the models of note-kit match its migrations"
    assert files(note_kit.folder) == ["nk0001_note_table.py", "nk0002_note_color.py"]


def test_models_that_match_give_nothing_to_generate(medoffice_practice, note_kit):
    result = medoffice_practice.cli("plugins", "revision", "note-kit", "-m", "nothing new")
    assert result.exit_code == 1
    assert "nothing to generate" in result.stderr and "Traceback" not in result.output
    assert files(note_kit.folder) == ["nk0001_note_table.py"]


def test_a_database_behind_the_plugins_head_is_refused(medoffice_practice, note_kit):
    note_kit.extra = [Column("color", String(20), nullable=True)]
    assert medoffice_practice.cli("plugins", "revision", "note-kit", "-m", "note color").exit_code == 0
    note_kit.extra.append(Column("pinned", Integer, nullable=True))
    behind = medoffice_practice.cli("plugins", "revision", "note-kit", "-m", "pinned notes")
    assert behind.exit_code == 1
    assert "not at note-kit's head (it is at nk0001, the head is nk0002): run `medoffice db upgrade` first" \
        in behind.stderr
    assert files(note_kit.folder) == ["nk0001_note_table.py", "nk0002_note_color.py"]


def test_a_dropped_column_and_a_new_table_are_found_and_a_hostile_message_is_tamed(medoffice_practice, note_kit):
    note_kit.without_text = True
    note_kit.tags = True
    message = 'drop """text"""\\N{x}\n and\u202e\x07 add tags'
    result = medoffice_practice.cli("plugins", "revision", "note-kit", "-m", message)
    assert result.exit_code == 0, result.stderr
    (name,) = [n for n in files(note_kit.folder) if n.startswith("nk0002_")]
    text = (note_kit.folder / name).read_text(encoding="utf-8")
    compile(text, name, "exec")  # the message cannot break the file
    assert text.startswith('"""drop \'\'\'text\'\'\'/N{x} and add tags\n')
    assert "op.drop_column('note_kit_note', 'text')" in text
    assert "op.create_table('note_kit_tag'" in text
    assert "sa.Column('fee', sa.BigInteger(), nullable=True)" in text
    assert "sa.Column('tagged_at', sa.DateTime(timezone=True), nullable=True)" in text
    assert "medoffice" not in text  # the file imports nothing of medoffice's
    assert "table note_kit_note: column 'text' is in the migrations but not in the models" in result.stdout
    assert "table note_kit_tag: the table is in the models but not in the migrations" in result.stdout


@pytest.mark.parametrize("message", ["", "   \n ", "x" * 121])
def test_an_empty_or_overlong_message_is_a_one_line_refusal(medoffice_practice, note_kit, message):
    note_kit.extra = [Column("color", String(20), nullable=True)]
    result = medoffice_practice.cli("plugins", "revision", "note-kit", "-m", message)
    assert result.exit_code == 1 and result.stderr.startswith("error: the revision's message")
    assert files(note_kit.folder) == ["nk0001_note_table.py"]


def test_an_unknown_plugin_or_one_without_tables_is_refused(medoffice_practice):
    unknown = medoffice_practice.cli("plugins", "revision", "no-such-plugin", "-m", "x")
    assert unknown.exit_code == 1 and "no plugin 'no-such-plugin' is installed" in unknown.stderr


def test_a_migrations_folder_inside_site_packages_is_refused(medoffice_practice, note_kit, tmp_path):
    installed = tmp_path / "lib" / "python3.12" / "site-packages" / "note_kit" / "migrations"
    installed.parent.mkdir(parents=True)
    note_kit.folder.rename(installed)
    note_kit.folder = installed
    note_kit.extra = [Column("color", String(20), nullable=True)]
    result = medoffice_practice.cli("plugins", "revision", "note-kit", "-m", "note color")
    assert result.exit_code == 1
    assert "is inside an installed package (site-packages)" in result.stderr
    assert files(installed) == ["nk0001_note_table.py"]


def test_only_an_administrator_of_the_database_may_ask(medoffice_practice, note_kit):
    note_kit.extra = [Column("color", String(20), nullable=True)]
    result = medoffice_practice.cli("plugins", "revision", "note-kit", "-m", "note color", user="frontdesk")
    assert result.exit_code == 1 and "db.manage" in result.stderr
    assert files(note_kit.folder) == ["nk0001_note_table.py"]


def test_differences_read_as_words():
    from sqlalchemy import MetaData

    table = Table("foo_note", MetaData(), Column("color", String(20)))
    assert describe_difference(("add_column", None, "foo_note", table.c.color)) == [
        "table foo_note: column 'color' is in the models but not in the migrations"]
    assert describe_difference([("modify_nullable", None, "foo_note", "color", {}, True, False)]) == [
        "table foo_note: column 'color' is NOT NULL in the models but nullable in the migrations"]
    assert describe_difference(("remove_table", table)) == [
        "table foo_note: the table is in the migrations but not in the models"]

