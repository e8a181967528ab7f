"""Files that hold the practice's data, readable by their owner only.

Exports, statements, receipts, claim files and reminder lists carry patients' names, dates
of birth and balances; the database and its backups carry everything. Whatever the umask,
medoffice creates them with mode 0600 (read and write for the user who ran the command,
nobody else). An existing regular file written again loses its group's and others'
permissions too, since it now holds the new data. What is not a regular file (standard output as ``/dev/stdout``, a pipe)
is written to as it is and its mode left alone.

Plugins writing such a file use :func:`write_private` instead of ``Path.write_text``.

.. versionadded:: 1
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_MODE = 0o600
"""Read and write for the owner; nothing for the group or others."""


def open_private(path: str | os.PathLike[str]) -> int:
    """Open ``path`` for writing, truncated, created with mode 0600 if new; return the descriptor.

    An existing regular file loses every permission of its group and others (a file of
    another user's that we may write but not change keeps its mode).

    Raises:
        OSError: as ``os.open`` does (a missing folder, no permission…).
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), PRIVATE_MODE)
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) & 0o077:
            try:
                os.fchmod(fd, stat.S_IMODE(info.st_mode) & ~0o077)
            except PermissionError:
                pass
    except OSError:
        os.close(fd)
        raise
    return fd


def write_private(path: str | os.PathLike[str], data: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` (text in ``encoding``, or bytes) to ``path``, private to its owner.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Raises:
        OSError: the file cannot be written.
    """
    payload = data.encode(encoding) if isinstance(data, str) else data
    with os.fdopen(open_private(path), "wb") as handle:
        handle.write(payload)
    return Path(path)


def create_private_empty(path: str | os.PathLike[str]) -> bool:
    """Create ``path`` as an empty file with mode 0600 unless something is there already
    (so that SQLite, which opens it next, keeps that mode for the database and its ``-wal``
    and ``-shm`` files). Returns whether it was created."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), PRIVATE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


PRIVATE_FOLDER_MODE = 0o700
"""Read, write and enter for the owner; nothing for the group or others."""


def private_folder(path: str | os.PathLike[str], *, tighten: bool = True) -> Path:
    """Make ``path`` a folder only its owner may enter (0700), with any missing parents made
    0700 too, whatever the umask. With ``tighten``, an existing folder (one of medoffice's
    own: the audit checkpoints', the crash logs') loses its group's and others' permissions:
    it may have been made by an older medoffice under the usual umask (0755); a folder the
    user named (``tighten=False``) keeps its mode.

    Raises:
        OSError: the folder cannot be made (a file in the way, no permission).
    """
    folder = Path(path)
    missing = []
    here = folder
    while not here.exists() and here != here.parent:
        missing.append(here)
        here = here.parent
    for part in reversed(missing):
        try:
            os.mkdir(part, PRIVATE_FOLDER_MODE)
        except FileExistsError:
            pass
        os.chmod(part, PRIVATE_FOLDER_MODE)  # mkdir's mode is cut by the umask
    info = os.stat(folder)
    if not stat.S_ISDIR(info.st_mode):
        raise NotADirectoryError(20, "Not a directory", str(folder))
    if tighten and stat.S_IMODE(info.st_mode) & 0o077:
        try:
            os.chmod(folder, stat.S_IMODE(info.st_mode) & ~0o077)
        except PermissionError:  # another user's folder we may write into: leave its mode
            pass
    return folder


def write_private_new(path: str | os.PathLike[str], data: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` to a new file ``path`` (mode 0600), refusing one already there and not
    following a symlink planted at its name.

    Raises:
        FileExistsError: something is at ``path`` already.
        OSError: the file cannot be written.
    """
    payload = data.encode(encoding) if isinstance(data, str) else data
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    with os.fdopen(os.open(path, flags, PRIVATE_MODE), "wb") as handle:
        handle.write(payload)
    return Path(path)
