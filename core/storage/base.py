"""Declarative bases with a shared naming convention, one ``MetaData`` per owner.

The core and every plugin own their own ``MetaData`` (and so their own Alembic branch). The
naming convention gives constraints stable names, which Alembic needs to alter or drop them,
and makes the plugin prefix visible on every index and key too.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    """A ``MetaData`` with the house naming convention, for a plugin's own models."""
    return MetaData(naming_convention=NAMING_CONVENTION)


class CoreBase(DeclarativeBase):
    """Base of the core's own tables (``core_*``)."""

    metadata = new_metadata()
