"""Hooks the billing plugin publishes (``PluginInfo.hookspecs``): clearinghouse connectors,
a family that belongs to billing rather than to the core.

A connector plugin implements ``medoffice_billing_clearinghouse`` with ``@hookimpl`` (marked
``optionalhook=True`` if it may be installed without billing) and imports nothing of billing
but this module, the contract: :class:`ClearinghouseFile` and the :class:`Connector` shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import attrs

from medoffice.core import hookspec

if TYPE_CHECKING:
    from medoffice.core.context import Context


@attrs.frozen
class ClearinghouseFile:
    """A file the clearinghouse sent back: a 277CA (claim acknowledgement), an 835
    (remittance), a 999 (the batch's syntax check), as X12 text, under its own name."""

    name: str
    text: str


class Connector(Protocol):
    """What ``medoffice_billing_clearinghouse`` returns.

    ``name`` is how a person picks it (``--via file-drop``). ``submit`` delivers one 837P
    file and returns where it went, in words (a path, the clearinghouse's upload id); it
    raises ``medoffice.core.Conflict`` with a one-line reason when it cannot. ``fetch``
    returns the files waiting to be collected, oldest first, without removing them;
    ``acknowledge`` is called with their names once billing has kept them, and only then may
    the connector stop offering them.
    """

    name: str

    def submit(self, ctx: Context, file_name: str, text: str) -> str: ...

    def fetch(self, ctx: Context) -> list[ClearinghouseFile]: ...

    def acknowledge(self, ctx: Context, names: list[str]) -> None: ...


@hookspec
def medoffice_billing_clearinghouse(ctx: Context) -> Connector | None:
    """Offer a connector to a clearinghouse: send 837P batches, collect 277CA and 835 files.

    Called by the billing plugin's ``medoffice billing clearinghouse`` commands, in their
    operation, to list the connectors the practice can use.

    Args:
        ctx: the operation that submits or fetches (read the plugin's settings through it).

    Returns:
        A :class:`Connector`, or None when the plugin is not set up (no account, no folder):
        it is then not offered.
    """
