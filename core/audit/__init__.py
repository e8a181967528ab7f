"""The audit log: append-only, hash-chained with a keyed hash, verifiable.

Every change, every opening of a patient's record, sign-ins and their failures, permission
changes, exports and backups are appended here in the same transaction as the work they
describe (a failed operation leaves no entry; a failed sign-in is recorded on its own).

Where to look:

- :mod:`.chain`: a row's signed form (summaries scrubbed of secrets, ``HMAC(key, prev_hash +
  row)``), the chain's head, and the check that the key signs the chain already there;
- :mod:`.appending`: an operation's entries wait in its unit of work and are written together
  as it commits;
- :mod:`.verification`: the chain walked up to its head and checked against the checkpoints;
- :mod:`.checkpoint_file`, :mod:`.checkpoints`: the head recorded outside the database (the
  file, and who writes it when), to reveal a log cut at its end or wiped;
- :mod:`.identity`: the database's own identity, which names its checkpoint file, renewed
  for a copy;
- :mod:`.refusals`: a refused unit of work recorded as ``permission.denied``;
- :mod:`.entries`: the entries read back.

Everything other modules use is imported from here (``from medoffice.core import audit``).
"""

from __future__ import annotations

from .appending import (
    append,
    append_many,
    appended_in,
    queue_in_unit,
    take_appended,
    unsaved,
    write_in_unit,
    write_pending,
)
from .chain import GENESIS, AuditLogDamaged, WrongAuditKey, key_signs_chain, row_hash, scrub
from .checkpoint_file import Checkpoint, checkpoint_path, practice_checkpoints, read_checkpoints
from .checkpoints import CHECKPOINT_EVERY, AutoCheckpoints, write_checkpoint
from .entries import iter_entries, to_entry
from .identity import database_id, database_location, own_identity
from .refusals import record_refusal, refusals_recorded, unit_entered, unit_left
from .verification import VerifyReport, verify, verify_practice

__all__ = [
    "CHECKPOINT_EVERY",
    "GENESIS",
    "AuditLogDamaged",
    "AutoCheckpoints",
    "Checkpoint",
    "VerifyReport",
    "WrongAuditKey",
    "append",
    "append_many",
    "appended_in",
    "checkpoint_path",
    "database_id",
    "database_location",
    "iter_entries",
    "key_signs_chain",
    "own_identity",
    "practice_checkpoints",
    "queue_in_unit",
    "read_checkpoints",
    "record_refusal",
    "refusals_recorded",
    "row_hash",
    "scrub",
    "take_appended",
    "to_entry",
    "unit_entered",
    "unit_left",
    "unsaved",
    "verify",
    "verify_practice",
    "write_checkpoint",
    "write_in_unit",
    "write_pending",
]
