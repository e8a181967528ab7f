"""The scheduling plugin's command-palette actions: each is called as ``fn(host)`` on the
UI thread and opens one of the plugin's screens."""

from __future__ import annotations

from medoffice.core.ui import ScreenHost


def book_appointment(host: ScreenHost) -> None:
    """Open the booking flow, starting with the patient search."""
    from .booking import BookingScreen

    host.push_screen(BookingScreen(host))


def day_board(host: ScreenHost) -> None:
    """Open today's day board."""
    from .day_board import DayBoardScreen

    host.push_screen(DayBoardScreen(host))
