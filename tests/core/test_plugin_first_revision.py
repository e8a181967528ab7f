"""A new plugin's author runs ``medoffice plugins revision`` on an empty migrations folder:
its first revision opens the plugin's own Alembic branch (the staff plugin's ``sta0001`` was
written so)."""

from __future__ import annotations

import pytest

from medoffice.testing.conformance import check_plugin

from .test_plugin_revision import NoteKit, files


@pytest.fixture
def note_kit(tmp_path):
    folder = tmp_path / "note_kit" / "migrations"
    folder.mkdir(parents=True)
    return NoteKit(folder)


@pytest.fixture
def medoffice_extra_plugins(note_kit):
    return [note_kit]


def test_a_new_plugins_first_revision_opens_its_own_branch(medoffice_practice, note_kit):
    """The branch label of its prefix, no parent, and an id from the prefix's first letters;
    ``db upgrade`` applies it and the conformance check passes."""
    made = medoffice_practice.cli("plugins", "revision", "note-kit", "-m", "note kit tables")
    assert made.exit_code == 0, made.stderr
    assert files(note_kit.folder) == ["not0001_note_kit_tables.py"]
    text = (note_kit.folder / "not0001_note_kit_tables.py").read_text(encoding="utf-8")
    assert "revision = 'not0001'" in text and "down_revision = None" in text
    assert "branch_labels = ('note_kit',)" in text and "depends_on = None" in text
    assert "op.create_table('note_kit_note'" in text
    upgraded = medoffice_practice.cli("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.stderr
    check_plugin(medoffice_practice, "note-kit")
