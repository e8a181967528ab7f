"""Files that hold the practice's data, readable by their owner only.

Exports, statements, receipts, claim files and reminder lists carry patients' names, dates
of birth and balances; the database and its backups carry everything. Whatever the umask,
medoffice creates them with mode 0600 (read and write for the user who ran the command,
nobody else). An existing regular file written again loses its group's and others'
permissions too, since it now holds the new data. What is not a regular file (standard output as ``/dev/stdout``, a pipe)
is written to as it is and its mode left alone.

Plugins writing such a file use :func:`write_private` instead of ``Path.write_text``, or,
for a file that goes with a recorded change (an export, a batch), :class:`OutputFile`:
written inside the operation, put in place once it committed.

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


class OutputFile:
    """A file a command writes for the user (``--output FILE``), complete before its
    operation commits and in place only once it has.

    The data goes to a new temporary file beside ``path`` (mode 0600, like every file that
    holds patients' data) while the operation is open, so a file that cannot be written
    raises there and rolls back the operation's audit entry ("exported" is never recorded
    for an export that failed). :func:`medoffice.core.cli.export_operation` (or, in a plugin's
    screen, its code after the call) moves it over ``path`` once the operation committed
    (:meth:`publish`), or removes it when anything failed (:meth:`discard`). A ``path`` that exists and is
    not a regular file (a pipe, ``/dev/stdout``) is written to directly.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._temp: str | None = None

    def write(self, data: str | bytes, *, encoding: str = "utf-8") -> None:
        """Write the whole file (call once, inside the operation).

        Raises:
            MedofficeError: the file or its folder cannot be written; one line naming it.
        """
        import tempfile

        from .errors import MedofficeError

        payload = data.encode(encoding) if isinstance(data, str) else data
        try:
            try:
                special = not stat.S_ISREG(os.stat(self.path).st_mode)
            except FileNotFoundError:
                special = False
            if special:
                with open(self.path, "wb") as handle:
                    handle.write(payload)
                return
            folder, name = os.path.split(os.path.abspath(self.path))
            fd, self._temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".partial")
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            self.discard()
            raise MedofficeError(f"cannot write {self.path}: {error.strerror or error}") from None

    def publish(self) -> None:
        """Put the written file in place (after the operation committed)."""
        from .errors import MedofficeError

        if self._temp is None:
            return
        try:
            os.replace(self._temp, self.path)
        except OSError as error:
            self.discard()
            raise MedofficeError(f"cannot write {self.path}: {error.strerror or error}") from None
        self._temp = None

    def discard(self) -> None:
        """Remove the temporary file, if one was made (the operation failed)."""
        if self._temp is not None:
            try:
                os.unlink(self._temp)
            except OSError:
                pass
            self._temp = None


class OutputFiles:
    """The files one operation writes (statements' PDFs, an export): each is written beside
    its place under a temporary name, and all are put in place together once the
    operation committed, or all removed when it failed."""

    def __init__(self) -> None:
        self._files: list[OutputFile] = []

    def write(self, path: str | os.PathLike[str], data: str | bytes, *, encoding: str = "utf-8") -> Path:
        """Write ``path`` whole (published after the commit); returns it as a Path.

        Raises:
            MedofficeError: the file or its folder cannot be written; one line naming it.
        """
        target = OutputFile(path)
        self._files.append(target)
        target.write(data, encoding=encoding)
        return Path(path)

    def publish(self) -> None:
        """Put every written file in place (after the operation committed)."""
        for target in self._files:
            target.publish()

    def discard(self) -> None:
        """Remove every temporary file (the operation failed)."""
        for target in self._files:
            target.discard()
