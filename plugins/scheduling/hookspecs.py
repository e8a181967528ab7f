"""Hooks the scheduling plugin publishes (``PluginInfo.hookspecs``): the family of
reminder senders, which belongs to scheduling rather than to the core.

Other plugins implement them with ``@hookimpl`` like any core hook. The specifications are
known to the plugin manager whenever the scheduling plugin is installed, enabled or not, so
an implementation is checked against them; an implementer that may run without the
scheduling plugin installed marks its implementation ``@hookimpl(optionalhook=True)``.

``medoffice_send_reminders`` kept its name when it moved here from
``medoffice.core.hookspecs.scheduling``: delivery plugins written before need no change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from medoffice.core import hookspec

if TYPE_CHECKING:
    from medoffice.core.context import Context
    from medoffice.core.records import Reminder


@hookspec
def medoffice_send_reminders(ctx: Context, reminders: tuple[Reminder, ...]) -> list[int] | None:
    """Deliver appointment reminders (SMS, e-mail, a phone robot).

    Called by the scheduling plugin's ``medoffice appointments reminders --send`` with the
    reminders of one local day (tomorrow by default). Every implementation receives every
    reminder and sends those it can deliver through its own channel (an SMS plugin the ones
    with a phone).

    Args:
        ctx: the operation sending them.
        reminders: one :class:`~medoffice.core.records.Reminder` per appointment that holds
            its slot that day, by start time.

    Returns:
        The reminders it sent, as the records themselves or their ``appointment_id``; None
        or an empty list when it sent none. The caller reports how many each plugin sent.
        A plugin that fails to deliver some reminders leaves them out rather than raising;
        raising rolls back the operation's audit entry and names the plugin.
    """
