"""Verifying the log: the chain walked up to its head, and checked against the checkpoints.

:func:`verify` names the first row that was altered, inserted, reordered or deleted, and,
with the checkpoints kept outside the database (:mod:`.checkpoint_file`), rows cut off the
end with the head rewritten, or a log wiped and begun again.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..storage.models import AuditHead, AuditRow
from .appending import write_pending
from .chain import GENESIS, row_hash
from .checkpoint_file import Checkpoint, practice_checkpoints
from .identity import database_id

if TYPE_CHECKING:
    from ..records import UserRecord
    from ..runtime import Runtime


@attrs.frozen
class VerifyReport:
    """The outcome of :func:`verify`: ``ok``, how many rows were checked, and the first problem.

    ``checkpoints``: how many checkpoints the log was checked against (none: a cut at the end
    of the log, or a wiped log, could not be told).

    .. versionchanged:: 1 ``checkpoints``.
    """

    ok: bool
    rows: int
    first_bad_seq: int | None = None
    problem: str | None = None
    checkpoints: int = 0


def verify(session: Session, key: bytes, checkpoints: Iterable[Checkpoint] = ()) -> VerifyReport:
    """Walk the chain in order up to its head and report the first row that does not hold.

    The head is read first: every row up to it was committed before it, so other terminals
    appending meanwhile (PostgreSQL reads each statement anew) are never mistaken for rows
    removed from the end; what they add after the head is left for the next verify. Read the
    ``checkpoints`` before the session's transaction starts, for the same reason.

    .. versionchanged:: 1 stops at the head as first read; a missing head or an empty log is
       reported.
    """
    checkpoints = list(checkpoints)
    write_pending(session)
    head = session.get(AuditHead, 1)
    wanted = {point.seq for point in checkpoints}
    seen: dict[int, str] = {}
    expected_seq, prev_hash, checked, last = 1, GENESIS, 0, None
    query = select(AuditRow).order_by(AuditRow.seq)
    if head is not None:
        query = query.where(AuditRow.seq <= head.seq)
    rows = session.execute(query.execution_options(yield_per=2000)).scalars()
    for row in rows:
        if row.seq > expected_seq:
            missing = f"row {expected_seq}" if row.seq == expected_seq + 1 else f"rows {expected_seq} to {row.seq - 1}"
            return VerifyReport(False, checked, expected_seq, f"{missing} deleted (the chain jumps to row {row.seq})")
        if row.prev_hash != prev_hash:
            return VerifyReport(False, checked, row.seq,
                                f"row {row.seq} does not follow row {row.seq - 1}: a row was deleted, inserted or reordered")
        if not hmac.compare_digest(row.hash, row_hash(key, prev_hash, row)):
            return VerifyReport(False, checked, row.seq, f"row {row.seq} was altered or inserted without the key")
        if row.seq in wanted:
            seen[row.seq] = row.hash
        expected_seq, prev_hash, last = row.seq + 1, row.hash, row
        checked += 1
    last_seq = last.seq if last else 0
    if head is None:
        if last is not None:
            return VerifyReport(False, checked, None, "the log's head is missing: it was deleted")
        return VerifyReport(False, 0, None, "the log is empty: every row and its head were deleted")
    if (head.seq, head.hash) != (last_seq, last.hash if last else GENESIS):
        if head.seq == last_seq:
            return VerifyReport(False, checked, last_seq, f"the log's head does not match row {last_seq}: it was rewritten")
        return VerifyReport(False, checked, last_seq + 1,
                            f"the log ends at row {last_seq} but its head says row {head.seq}: rows were removed from the end")
    if last is None:
        return VerifyReport(False, 0, None, "the log is empty: every row was deleted and its head reset")
    beyond = session.execute(select(func.min(AuditRow.seq)).where(AuditRow.seq > head.seq)).scalar()
    if beyond is not None:  # appended since the head was read, or put there by hand: read the head again
        now_at = session.execute(select(AuditHead.seq).where(AuditHead.id == 1)).scalar()
        if now_at is None or now_at < beyond:
            return VerifyReport(False, checked, beyond,
                                f"row {beyond} lies beyond the log's head (row {head.seq}): it was inserted by hand")
    for point in checkpoints:
        if point.seq > last_seq:
            return VerifyReport(False, checked, last_seq + 1,
                                f"the log ends at row {last_seq} but the checkpoint of {point.at} saw row {point.seq}: "
                                "rows were removed from the end, or the log was wiped and begun again")
        if seen.get(point.seq) != point.hash:
            return VerifyReport(False, checked, point.seq,
                                f"row {point.seq} differs from the checkpoint of {point.at}: the log was cut and "
                                "written again, or wiped and begun again")
    return VerifyReport(True, checked, checkpoints=len(checkpoints))


def verify_practice(runtime: Runtime, user: UserRecord | None = None) -> VerifyReport:
    """``audit verify``: the chain against this database's checkpoints, as ``user``.

    The checkpoints are read before the snapshot that is verified, so one written meanwhile
    by another terminal is never ahead of it.

    Raises:
        PermissionDenied: without ``audit.read``.

    .. versionadded:: 1
    """
    with runtime.operation(user, write=False) as ctx:
        ctx.require("audit.read")
        uid = database_id(ctx.session)
    key = runtime.audit_key()
    points = practice_checkpoints(runtime.settings, key, uid)
    with runtime.operation(user, write=False) as ctx:
        return verify(ctx.session, key, points)
