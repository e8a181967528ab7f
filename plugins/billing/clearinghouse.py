"""Sending 837P batches to a clearinghouse and collecting what comes back, through the
connectors plugins offer (``medoffice_billing_clearinghouse``, billing's own hook; the
file drop of :mod:`.file_drop` is billing's own connector).

A submission sends a batch's recorded file (``claims export`` made it) exactly as it was
first written, and is audited (``billing.batch.submitted``, with where it went); a batch whose
claims changed since is refused, since its file would no longer be the one recorded. Fetching
keeps each response file in a folder of the user's choosing, names its kind from its ``ST``
segment (277, 835, 999), is audited (``billing.clearinghouse.fetched``), and only then tells
the connector it may forget them. Reading the 835's payments into the ledger is not done
here: the files are kept for the biller.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.files import write_private

from .permissions import CLAIMS

HOOK = "medoffice_billing_clearinghouse"
_ST = re.compile(r"(?:^|[~\n])\s*ST\*(\d{3})\*")


@attrs.frozen
class ConnectorView:
    name: str
    plugin: str


@attrs.frozen
class Submission:
    batch_id: int
    connector: str
    file_name: str
    destination: str


@attrs.frozen
class Fetched:
    name: str
    kind: str
    path: str


def connectors(ctx: Context) -> list[tuple[str, Any]]:
    """``(plugin id, connector)`` for every connector a plugin offers now, by name."""
    found = []
    for plugin, connector in ctx.hooks.collect(HOOK, ctx=ctx):
        name = getattr(connector, "name", None)
        if not isinstance(name, str) or not all(callable(getattr(connector, m, None))
                                                for m in ("submit", "fetch", "acknowledge")):
            raise Conflict(f"plugin {plugin!r}: {HOOK} returned {type(connector).__name__}, not a connector "
                           "(name, submit, fetch, acknowledge)")
        found.append((plugin, connector))
    return sorted(found, key=lambda pc: pc[1].name)


def list_connectors(ctx: Context) -> list[ConnectorView]:
    ctx.require(CLAIMS)
    return [ConnectorView(c.name, plugin) for plugin, c in connectors(ctx)]


def _pick(ctx: Context, via: str | None) -> Any:
    found = connectors(ctx)
    names = ", ".join(c.name for _, c in found)
    if via is not None:
        chosen = [c for _, c in found if c.name == via]
        if not chosen:
            raise NotFound(f"no clearinghouse connector {via!r}" + (f" (set up: {names})" if found else ""))
        return chosen[0]
    if not found:
        raise Conflict("no clearinghouse connector is set up: name the file drop's folders with 'medoffice "
                       "billing clearinghouse file-drop --outbox DIR --inbox DIR', or install a connector plugin")
    if len(found) > 1:
        raise ValidationError(f"several clearinghouse connectors are set up ({names}): choose one with --via",
                              field="via")
    return found[0][1]


def submit(ctx: Context, batch_id: int, *, via: str | None = None) -> Submission:
    """Send an exported batch's 837P file through a connector (the only one, or ``via``).

    The connector is called last, after the audit entry, so a refusal leaves no entry.

    Raises:
        PermissionDenied: without ``billing.claims``.
        NotFound: no such batch, or no connector of that name.
        Conflict: no connector set up, the batch's claims changed since it was exported, or
            the connector refused.
    """
    from .x12 import batches

    ctx.require(CLAIMS)
    connector = _pick(ctx, via)
    export = batches.batch_file(ctx, batch_id)
    if not export.unchanged:
        raise Conflict(f"the claims of batch {batch_id} changed since it was exported: its file is no longer "
                       "the one recorded; export the claims again as a new batch")
    batch = export.batch
    file_name = batch.file_name or f"837P-{batch.interchange_control_number:09d}.x12"
    ctx.audit("billing.batch.submitted", "billing_claim_batch", batch.id,
              summary={"connector": connector.name, "file": file_name})
    destination = connector.submit(ctx, file_name, export.text)
    return Submission(batch.id, connector.name, file_name, str(destination))


def kind_of(text: str) -> str:
    """``277``, ``835``, ``999``… from the file's first ``ST`` segment; ``unknown`` otherwise."""
    match = _ST.search(text)
    return match.group(1) if match else "unknown"


def fetch(ctx: Context, out: str | Path, *, via: str | None = None) -> list[Fetched]:
    """Collect the files waiting at the clearinghouse into the folder ``out``.

    Each is written under its own name, private to the user, never over a file already in
    ``out`` (then nothing is kept and the connector keeps offering them).

    Raises:
        PermissionDenied: without ``billing.claims``.
        ValidationError: ``out`` is not a folder.
        Conflict: as :func:`submit`; a file of that name already in ``out``.
    """
    ctx.require(CLAIMS)
    folder = Path(out)
    if not folder.is_dir():
        raise ValidationError(f"{str(folder)!r} is not a folder", field="out")
    connector = _pick(ctx, via)
    files = connector.fetch(ctx)
    for item in files:
        if Path(item.name).name != item.name or item.name in ("", ".", ".."):
            raise Conflict(f"{connector.name}: a response is named {item.name!r}, which is not a file name")
        if (folder / item.name).exists():
            raise Conflict(f"{folder / item.name} exists already: nothing fetched; move it away and fetch again")
    kept = []
    try:
        for item in files:
            kept.append(write_private(folder / item.name, item.text, encoding="latin-1"))
    except OSError as error:
        for path in kept:
            path.unlink(missing_ok=True)
        raise Conflict(f"cannot write into {folder}: {error.strerror or error}") from None
    found = [Fetched(item.name, kind_of(item.text), str(folder / item.name)) for item in files]
    ctx.audit("billing.clearinghouse.fetched", "billing_clearinghouse", connector.name,
              summary={"files": [{"name": f.name, "kind": f.kind} for f in found]})
    if files:
        connector.acknowledge(ctx, [item.name for item in files])
    return found
