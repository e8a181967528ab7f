"""The booking flow's repeat (Ctrl+R on the confirm step): how the booking repeats, the check
of every date, and booking the series.

Every occurrence is checked first (:func:`..recurring.book_series` with ``dry_run``) and the
conflicts are listed on the confirm step; Enter then books the whole series, which is only
offered when every occurrence is free. With conflicts, Ctrl+O books the free dates and skips
the conflicting ones (``skip_conflicts``), and Escape goes back to booking once. Nothing is
written before that Enter or Ctrl+O.

Kept apart from the flow's steps because it has its own state (the repeat asked for, and its
check) that lives and dies on the confirm step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import Input, Static

from medoffice.ui import Field, FormDialog, field_error, message_of, run_call

from ._shared import type_text, when

if TYPE_CHECKING:
    from .booking import BookingScreen

MAX_CONFLICTS_SHOWN = 6
"""Conflicting occurrences listed on the confirm step; the rest are counted."""


class RepeatStep:
    """How the flow's booking repeats, and the check of its dates.

    Args:
        flow: the booking screen it belongs to.
    """

    def __init__(self, flow: BookingScreen) -> None:
        self.flow = flow
        self.series: dict[str, Any] | None = None
        """How the booking repeats (``recurring.book_series``'s keywords), or None for once."""
        self.check: Any = None
        """The dry run of :attr:`series` (a ``recurring.SeriesResult``): what would be booked."""

    def drop(self) -> None:
        """Book once again."""
        self.series = self.check = None

    def can_skip_conflicts(self) -> bool:
        """Whether the checked series has conflicts and free dates both: Ctrl+O's case."""
        check = self.check
        return self.series is not None and check is not None and bool(check.refused) and bool(check.booked)

    def ask(self) -> None:
        """Ask how the booking repeats, check every occurrence, list the conflicts."""
        from .. import recurring

        flow = self.flow
        slot, mrn, type_name = flow.slot, flow.mrn, flow.type_name
        note = flow.query_one("#note", Input).value.strip() or None
        last = self.series or {}
        fields = [
            Field("frequency", "Repeat", value=last.get("frequency", "weekly"),
                  options=(("weekly", "weekly"), ("monthly", "monthly"))),
            Field("every", "Every", value=str(last.get("every", 1)), placeholder="1: every week (or month)"),
            Field("count", "Times", value=str(last.get("count") or ("" if last else 4)),
                  placeholder="how many in all, or blank and a last day"),
            Field("until", "Until", value=str(last.get("until") or ""), placeholder="YYYY-MM-DD (or a count)"),
        ]
        chosen: dict[str, Any] = {}

        def build(values: dict[str, Any]) -> Any:
            if not values["count"] and not values["until"]:
                raise field_error("count", "give how many times, or a last day")
            chosen.update(frequency=values["frequency"], every=values["every"] or "1",
                          count=values["count"] or None, until=values["until"] or None)
            return (recurring.book_series, (mrn, slot.provider_id, type_name, slot.start),
                    {**chosen, "note": note, "dry_run": True})

        def checked(result: Any) -> None:
            if result is None:
                return
            self.series, self.check = dict(chosen), result
            self.show()

        flow.host.push_screen(FormDialog(flow.host, f"Repeat {flow.patient_name}'s {type_name} from "
                                         f"{when(slot.start)}", fields, build), checked)

    def words(self) -> str:
        """``every 2 weeks, until 2026-02-02``, ``weekly, 4 times``."""
        series = self.series or {}
        every = int(series.get("every") or 1)
        unit = "week" if series.get("frequency") == "weekly" else "month"
        how = f"every {every} {unit}s" if every > 1 else ("weekly" if unit == "week" else "monthly")
        return how + (f", {series['count']} times" if series.get("count") else f", until {series.get('until')}")

    def show(self) -> None:
        """The series on the confirm step: how many are free, and every conflict."""
        flow = self.flow
        result, slot = self.check, flow.slot
        what = type_text(flow.type_name or "", flow.type_colour).plain
        refused = result.refused
        lines = [f"Book {flow.patient_name}: {what} with {slot.provider}, {self.words()}, "
                 f"from {when(slot.start)}: {len(result.occurrences)} occurrences, "
                 f"{len(result.occurrences) - len(refused)} free."]
        lines += [f"  {o.label}: {o.problem}" for o in refused[:MAX_CONFLICTS_SHOWN]]
        if len(refused) > MAX_CONFLICTS_SHOWN:
            lines.append(f"  and {len(refused) - MAX_CONFLICTS_SHOWN} more")
        lines += [f"  {o.label}: {o.adjusted}" for o in result.occurrences if o.adjusted and not o.problem][:2]
        free = len(result.occurrences) - len(refused)
        conflicts = f"{len(refused)} conflict{'s' * (len(refused) != 1)}"
        if refused and free:
            lines.append(f"Nothing is booked yet: {conflicts}. Ctrl+O: book the {free} free date{'s' * (free != 1)} "
                         "and skip the rest   Ctrl+R: change   Escape: book it once")
        elif refused:
            lines.append(f"Nothing is booked: {conflicts}, no date free. Ctrl+R: change the repeat   "
                         "Escape: book it once")
        else:
            lines.append("Enter: book them all   Ctrl+R: change   Escape: book it once")
        flow.query_one("#confirm-text", Static).update("\n".join(lines))
        flow.say(f"Checked {len(result.occurrences)} dates; nothing written yet.")
        flow.refresh_bindings()

    def submit(self, note: str | None, *, skip_conflicts: bool = False) -> None:
        """Book the series (only when every date is free), or its free dates with ``skip_conflicts``."""
        from .. import recurring

        flow = self.flow
        result, slot = self.check, flow.slot
        if result is None or (result.refused and not skip_conflicts):
            count = len(result.refused) if result is not None else 0
            flow.say(f"Not booked: {count} occurrence{'s' * (count != 1)} conflict"
                     + (" (Ctrl+O books the free dates, " if result is not None and result.booked else " (")
                     + "Ctrl+R changes the repeat, Escape books once).")
            return
        flow.booking = True
        flow.say("Booking the free dates…" if skip_conflicts else "Booking the series…")

        def done(series: Any) -> None:
            flow.booking = False
            first = series.booked[0].start
            skipped = series.refused
            flow.notify(f"Booked {series.patient}: {series.appointment_type} with {slot.provider}, "
                        f"{len(series.booked)} occurrences from {when(first)}"
                        + (f"; skipped {', '.join(o.label for o in skipped)}" if skipped else "") + ".",
                        markup=False)
            flow.dismiss(series)

        def failed(error: BaseException) -> None:
            flow.booking = False
            flow.say(f"Not booked: {message_of(error)}")

        run_call(flow, flow.host, recurring.book_series, flow.mrn, slot.provider_id, flow.type_name, slot.start,
                 **self.series, note=note, skip_conflicts=skip_conflicts, done=done, failed=failed)


__all__ = ["MAX_CONFLICTS_SHOWN", "RepeatStep"]
