"""The file-drop clearinghouse connector: folders a clearinghouse's own client syncs.

Many clearinghouses ship an SFTP or desktop client that uploads whatever appears in one
folder and downloads their answers into another. The practice names both folders once
(``medoffice billing clearinghouse file-drop --outbox DIR --inbox DIR``, kept as billing
settings). A submitted 837P lands in the outbox whole: written under a hidden private name,
then linked in under its own name, so the client never uploads half a file, and never over
a file already there. Fetching reads the inbox's files (hidden ones and folders left out);
once billing has kept them they move to ``fetched/`` inside the inbox, so each is collected
once and none is lost.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import select

from medoffice.core import Conflict, Context, ValidationError
from medoffice.core.files import write_private

from .hookspecs import ClearinghouseFile
from .models import Setting
from .permissions import MANAGE

NAME = "file-drop"
OUTBOX, INBOX = "clearinghouse.outbox", "clearinghouse.inbox"
FETCHED = "fetched"
MAX_PATH = 200
MAX_FILE = 1_000_000
"""A response larger than this (in bytes) is not an X12 file billing should read whole."""


class FileDrop:
    """The connector, for one outbox and one inbox."""

    name = NAME

    def __init__(self, outbox: Path, inbox: Path) -> None:
        self.outbox, self.inbox = outbox, inbox

    def submit(self, ctx: Context, file_name: str, text: str) -> str:
        target = self.outbox / file_name
        if not self.outbox.is_dir():
            raise Conflict(f"the clearinghouse outbox {str(self.outbox)!r} is not a folder (any more)")
        scratch = self.outbox / f".{file_name}.{secrets.token_hex(4)}.part"
        try:
            write_private(scratch, text, encoding="ascii")
            os.link(scratch, target)  # fails, rather than replacing, if the name is taken
        except FileExistsError:
            raise Conflict(f"{target} is already in the outbox: the clearinghouse has not taken it yet") from None
        except OSError as error:
            raise Conflict(f"cannot write {target}: {error.strerror or error}") from None
        finally:
            scratch.unlink(missing_ok=True)
        return str(target)

    def fetch(self, ctx: Context) -> list[ClearinghouseFile]:
        if not self.inbox.is_dir():
            raise Conflict(f"the clearinghouse inbox {str(self.inbox)!r} is not a folder (any more)")
        found = []
        for path in sorted(self.inbox.iterdir(), key=lambda p: (p.stat().st_mtime, p.name)):
            if path.name.startswith(".") or not path.is_file():
                continue
            if path.stat().st_size > MAX_FILE:
                raise Conflict(f"{path} is larger than {MAX_FILE} bytes: not a response billing reads")
            found.append(ClearinghouseFile(path.name, path.read_bytes().decode("latin-1")))
        return found

    def acknowledge(self, ctx: Context, names: list[str]) -> None:
        kept = self.inbox / FETCHED
        kept.mkdir(exist_ok=True)
        for name in names:
            target = kept / name
            if target.exists():  # the same name came twice: keep both
                target = kept / f"{name}.{secrets.token_hex(4)}"
            os.replace(self.inbox / name, target)


def connector(ctx: Context) -> FileDrop | None:
    """The practice's file drop, or None when its folders are not set."""
    values = dict(ctx.session.execute(select(Setting.name, Setting.value).where(Setting.name.in_((OUTBOX, INBOX)))).all())
    if OUTBOX not in values or INBOX not in values:
        return None
    return FileDrop(Path(values[OUTBOX]), Path(values[INBOX]))


def _folder(value: str, field: str) -> Path:
    path = Path(value.strip()) if value and value.strip() else None
    if path is None:
        raise ValidationError(f"{field}: give a folder", field=field)
    if not path.is_absolute():
        raise ValidationError(f"{field}: {value!r} is not an absolute path (the terminal's folder differs from "
                              "the clearinghouse client's)", field=field)
    if len(str(path)) > MAX_PATH:
        raise ValidationError(f"{field}: longer than {MAX_PATH} characters", field=field)
    if not path.is_dir():
        raise ValidationError(f"{field}: {str(path)!r} is not a folder", field=field)
    return path


def set_up(ctx: Context, outbox: str, inbox: str) -> FileDrop:
    """Keep the outbox and inbox folders (absolute, existing, not the same).

    Raises:
        PermissionDenied: without ``billing.manage``.
        ValidationError: a folder that is relative, missing, or both the same.
    """
    ctx.require(MANAGE)
    errors: dict[str, str] = {}
    folders: dict[str, Path] = {}
    for field, value in (("outbox", outbox), ("inbox", inbox)):
        try:
            folders[field] = _folder(value, field)
        except ValidationError as error:
            errors[field] = str(error)
    if not errors and folders["outbox"].resolve() == folders["inbox"].resolve():
        errors["inbox"] = "inbox: the inbox must not be the outbox (sent files would come back as answers)"
    if errors:
        raise ValidationError.of_fields(errors)
    for key, path in ((OUTBOX, folders["outbox"]), (INBOX, folders["inbox"])):
        row = ctx.session.get(Setting, key)
        old = row.value if row is not None else None
        if row is None:
            ctx.session.add(Setting(name=key, value=str(path), updated_at=ctx.now(), updated_by=ctx.user.username))
        else:
            row.value, row.updated_at, row.updated_by = str(path), ctx.now(), ctx.user.username
        if old != str(path):
            ctx.audit("billing.setting.changed", "billing_setting", key, summary={"from": old, "to": str(path)})
    ctx.session.flush()
    return FileDrop(folders["outbox"], folders["inbox"])
