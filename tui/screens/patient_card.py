"""The patient card: one patient's demographics and the panels plugins add to it.

Opening the card calls ``patients.open_record``, which writes the ``patient.opened`` audit
entry: every look at a record is accounted for. Refreshing after an edit uses
``patients.get`` instead, since the user has not opened anything new. Plugin panels are
imported and built here, each behind its own error boundary.

The card is live: when any terminal edits, deactivates, reactivates or merges the patient
(the core announces ``core.patients``, :data:`medoffice.core.services.patients.CHANGED`),
the card reads the record again (``patients.get``) and shows it, rebuilding the panels only
when the record differs; under a dialog or another screen it waits until it is shown again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Header, Static

from medoffice.core.context import Context
from medoffice.core.errors import MedofficeError
from medoffice.core.records import PanelContribution, PatientRecord
from medoffice.core.services import patients
from medoffice.core.text import printable
from medoffice.ui import Footer

from ..contributions import may_see
from ..host import AppScreenHost, one_line
from ..panel_keys import PanelKeys
from .patient_form import PatientFormScreen
from .plugin_host import build_plugin_widget

log = logging.getLogger("medoffice.tui")


def _open(ctx: Context, mrn: str) -> tuple[PatientRecord, dt.date]:
    """Open the record (audited) and learn the practice's today, in one unit of work."""
    return patients.open_record(ctx, mrn), ctx.local(ctx.now()).date()


def demographics(patient: PatientRecord, today: dt.date) -> Text:
    """The card's summary of a patient, a few short lines that fit 80 columns (what people
    typed escaped: a name stored with ``ESC`` shows ``\\x1b``)."""
    text = Text()
    text.append(printable(patient.display_name), style="bold")
    text.append(f"   MRN {patient.mrn}")
    if not patient.active:
        text.append("   INACTIVE", style="bold red")
        if patient.inactive_reason:
            text.append(f" ({printable(patient.inactive_reason)})", style="bold red")
    text.append(f"\nBorn {patient.date_of_birth.isoformat()} (age {patient.age_on(today)}), {patient.sex}")
    contact = [f"Phone {printable(patient.phone)}" if patient.phone else "",
               f"Email {printable(patient.email)}" if patient.email else ""]
    if any(contact):
        text.append("\n" + "   ".join(c for c in contact if c))
    if patient.address.one_line():
        text.append(f"\n{printable(patient.address.one_line())}")
    if patient.preferred_language:
        text.append(f"\nPreferred language: {printable(patient.preferred_language)}")
    emergency = patient.emergency_contact
    if emergency.name or emergency.phone:
        who = " ".join(p for p in (emergency.name, f"({emergency.relationship})" if emergency.relationship else None,
                                   emergency.phone) if p)
        text.append(f"\nEmergency contact: {printable(who)}")
    if not patient.reminders:  # the exception is worth a line; consent, the rule, is not
        text.append("\nNo appointment reminders (the patient refused them)", style="bold")
    return text


def duplicates_warning(duplicates: Sequence[PatientRecord]) -> str:
    """The warning shown after registering someone who looks like an existing patient."""
    names = "; ".join(f"{d.mrn} {printable(d.display_name)} (born {d.date_of_birth.isoformat()})" for d in duplicates)
    return f"Possible duplicate of: {names}. Check before booking; merge if they are the same person (M)."


class PatientCardScreen(PanelKeys):
    """One patient's card.

    The panels' keys (``b`` to book, ``p`` to take a payment…) work wherever the focus is on
    the card (:class:`~medoffice.tui.panel_keys.PanelKeys`), and so the footer and help show them.

    Args:
        host: the core's host.
        panels: the plugin panels the user may see, ``(plugin id, contribution)``.
        mrn: the patient to open.
        duplicates: patients the registration flagged as likely the same person.
    """

    BINDINGS = [
        Binding("e", "edit", "Edit", id="patient_card.edit"),
        Binding("M", "merge", "Merge", id="patient_card.merge"),  # screens/patient_merge.py
        Binding("x", "deactivate", "Deactivate", id="patient_card.deactivate"),
    ]

    def __init__(self, host: AppScreenHost, panels: Sequence[tuple[str, PanelContribution]], mrn: str,
                 *, duplicates: Sequence[PatientRecord] = ()) -> None:
        super().__init__()
        self._host = host
        self._panels = list(panels)
        self.mrn = mrn
        self.patient: PatientRecord | None = None
        self._duplicates = tuple(duplicates)
        self._today: dt.date | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="card"):
            yield Static("", id="duplicates", markup=False)
            yield Static(f"Opening {self.mrn}…", id="demographics", markup=False)
            yield Vertical(id="panels")
        yield Footer()

    def on_mount(self) -> None:
        duplicates = self.query_one("#duplicates", Static)
        duplicates.display = bool(self._duplicates)
        if self._duplicates:
            duplicates.update(duplicates_warning(self._duplicates))
        self._live = self._host.watch(self, [patients.CHANGED], self._refresh)
        self._load()

    def on_unmount(self) -> None:
        self._live.stop()

    @work(thread=True, exclusive=True, group="patient-card-refresh", exit_on_error=False)
    def _refresh(self) -> None:
        """Another terminal (or this one) changed patients: read this one again, unaudited."""
        if self.patient is None:
            return  # still opening, or it failed: the opening shows what there is
        mrn = self.patient.mrn
        try:
            patient = self._host.call(patients.get, mrn, write=False)
        except Exception as exc:  # the card keeps what it shows; the next change tries again
            if not isinstance(exc, MedofficeError):
                log.exception("reading patient %s again failed", mrn)
            return
        self.app.call_from_thread(self._refreshed, patient)

    async def _refreshed(self, patient: PatientRecord) -> None:
        if self.is_attached and self.patient is not None and patient.mrn == self.patient.mrn \
                and patient != self.patient:
            await self.show_patient(patient)

    @work(thread=True, exclusive=True, group="patient-card", exit_on_error=False)
    def _load(self) -> None:
        try:
            patient, today = self._host.call(_open, self.mrn)
        except Exception as exc:
            if not isinstance(exc, MedofficeError):
                log.exception("opening patient %s failed", self.mrn)
            self.app.call_from_thread(self._failed, one_line(exc))
        else:
            self.app.call_from_thread(self.show_patient, patient, today)

    def _failed(self, message: str) -> None:
        self.query_one("#demographics", Static).update(message)

    async def show_patient(self, patient: PatientRecord, today: dt.date | None = None) -> None:
        """Show ``patient`` and (re)build the plugin panels for them."""
        self.patient = patient
        self._today = today or self._today or dt.date.today()
        self.sub_title = f"{printable(patient.display_name)}  {patient.mrn}"
        self.query_one("#demographics", Static).update(demographics(patient, self._today))
        container = self.query_one("#panels", Vertical)
        await container.remove_children()
        for plugin_id, panel in self._panels:
            widget = build_plugin_widget(plugin_id, panel.widget, panel.title,
                                         self._host.for_plugin(plugin_id), patient)
            await container.mount(widget)
        self.refresh_bindings()

    def key_panels(self) -> list[Widget]:
        """The plugins' panels, whose keys work from anywhere on the card."""
        try:
            return list(self.query_one("#panels", Vertical).children)
        except NoMatches:  # asked before the card is composed
            return []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return self.patient is not None and may_see(self._host.user, "patients.write")
        if action == "merge":
            return self.patient is not None and self.patient.active and may_see(self._host.user, "patients.merge")
        if action == "deactivate":
            return self.patient is not None and may_see(self._host.user, "patients.write")
        return True

    def action_edit(self) -> None:
        """Edit the demographics; the card shows the saved record when the form closes."""
        if self.patient is not None:
            self.app.push_screen(PatientFormScreen(self._host, self.patient), self._edited)

    async def _edited(self, saved: PatientRecord | None) -> None:
        if saved is not None:
            await self.show_patient(saved)

    def action_merge(self) -> None:
        """Merge another record of this person into this one (or this one into it)."""
        if self.patient is not None:
            from .patient_merge import PatientMergeScreen

            self.app.push_screen(PatientMergeScreen(self._host, self.patient, self._duplicates), self._merged)

    def _merged(self, kept: PatientRecord | None) -> None:
        """After a merge the card opens the kept record (audited), whichever was kept."""
        if kept is not None:
            self._duplicates = ()
            self.query_one("#duplicates", Static).display = False
            self.mrn = kept.mrn
            self._load()

    def action_deactivate(self) -> None:
        """Deactivate the patient with a reason, or reactivate an inactive one."""
        if self.patient is not None:
            from .patient_merge import DeactivateDialog

            self.app.push_screen(DeactivateDialog(self._host, self.patient), self._edited)
