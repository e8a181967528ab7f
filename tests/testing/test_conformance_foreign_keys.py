"""The conformance check resolves every foreign key of a plugin's models as the ORM will on
its first write, and names the model, the column and the target of each it cannot."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Column, ForeignKey, Integer, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from medoffice.core import PluginInfo, SchemaContribution, hookimpl
from medoffice.core.storage import new_metadata
from medoffice.core.storage.models import Patient
from medoffice.testing import plugin_problems
from medoffice.testing.conformance import foreign_key_problems

MIGRATIONS = Path(__file__).parent / "fk_migrations"


class StringyBase(DeclarativeBase):
    metadata = new_metadata()


class StringyNote(StringyBase):
    """Names the core's patient table by string, which its own MetaData cannot find."""

    __tablename__ = "stringy_note"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("core_patient.id"))


class Stringy:
    plugin_info = PluginInfo(id="stringy", title="Stringy", api_version=1)

    @hookimpl
    def medoffice_schema(self):
        return SchemaContribution(StringyBase.metadata, MIGRATIONS / "stringy")

    @hookimpl
    def medoffice_patient_merge_preview(self, ctx, merge):
        return None

    @hookimpl
    def medoffice_patient_merge(self, ctx, merge):
        return None


@pytest.fixture
def medoffice_extra_plugins():
    return [Stringy()]


def test_a_string_foreign_key_to_a_core_table_is_named_with_the_way_out(medoffice_practice):
    """Its migration creates the constraint, so the database is fine; the ORM is not."""
    assert plugin_problems(medoffice_practice, "stringy") == [
        "model StringyNote (table 'stringy_note') column 'patient_id': its foreign key to 'core_patient.id' "
        "does not resolve: 'core_patient' is the core's table, in another MetaData: name its column object "
        "(ForeignKey(<Model>.__table__.c.id))"]


def test_the_example_plugin_names_the_column_object_and_passes(medoffice_practice):
    assert plugin_problems(medoffice_practice, "patient-alerts") == []


def test_a_table_that_does_not_exist_and_a_misspelt_column_are_named():
    metadata = new_metadata()
    Table("typo_item", metadata, Column("id", Integer, primary_key=True), Column("name", Integer))
    Table("typo_line", metadata, Column("id", Integer, primary_key=True),
          Column("item_id", ForeignKey("typo_items.id")),
          Column("other_id", ForeignKey("typo_item.ident")),
          Column("patient_id", ForeignKey(Patient.__table__.c.id)))
    assert foreign_key_problems(metadata) == [
        "table 'typo_line' column 'item_id': its foreign key to 'typo_items.id' does not resolve: "
        "there is no table 'typo_items'",
        "table 'typo_line' column 'other_id': its foreign key to 'typo_item.ident' does not resolve: "
        "table 'typo_item' has no column 'ident'"]
