"""Storage: engines, declarative bases and column types, the core's models, migrations."""

from .base import CoreBase, new_metadata
from .engine import make_engine, normalise_url
from .types import Cents, UTCDateTime, from_cents, to_cents

__all__ = ["Cents", "CoreBase", "UTCDateTime", "from_cents", "make_engine", "new_metadata", "normalise_url", "to_cents"]
