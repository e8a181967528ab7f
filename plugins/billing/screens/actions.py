"""The billing plugin's command-palette actions: each is called as ``fn(host)`` on the UI
thread and opens one of the plugin's screens."""

from __future__ import annotations

from medoffice.core.ui import ScreenHost


def take_payment(host: ScreenHost) -> None:
    """Take a payment: the screen starts with the patient search."""
    from .take_payment import TakePaymentScreen

    host.push_screen(TakePaymentScreen(host))


def charge_entry(host: ScreenHost) -> None:
    """Enter charges for the open encounters."""
    from .charge_entry import ChargeEntryScreen

    host.push_screen(ChargeEntryScreen(host))


def claims_queue(host: ScreenHost) -> None:
    """Work the claims: build, scrub, export."""
    from .claims_queue import ClaimsQueueScreen

    host.push_screen(ClaimsQueueScreen(host))
