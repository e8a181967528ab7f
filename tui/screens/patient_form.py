"""Registering a patient and editing one: a form of the fields of ``patients.FIELDS``.

The form does no validation of its own: the service is the one authority, and its
:class:`~medoffice.core.errors.ValidationError` maps each bad field to a message that the form
shows right under that field. When the service refuses, nothing is saved (its unit of work
rolls back). A likely duplicate is not refused, only flagged, because twins exist; the card
opened after saving says so.

The form starts on the first name, the first thing a walk-in is asked; the MRN comes last,
since most patients have none yet (blank takes the next number). Up and Down move between
fields, and Escape on a form with something typed asks before throwing it away
(:class:`~medoffice.tui.unsaved.FormScreen`).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Header, Input, Label, Static

from medoffice.core.errors import MedofficeError, ValidationError
from medoffice.core.records import PatientRecord
from medoffice.core.services import patients
from medoffice.core.services.patients import FIELDS, Registration
from medoffice.ui import Footer

from ..host import AppScreenHost, one_line
from ..unsaved import FormScreen

log = logging.getLogger("medoffice.tui")

LABELS = {
    "mrn": "MRN", "first_name": "First name", "middle_name": "Middle name", "last_name": "Last name",
    "date_of_birth": "Date of birth", "sex": "Sex", "phone": "Phone", "email": "Email",
    "address_line1": "Address", "address_line2": "Address (2)", "city": "City", "state": "State",
    "postal_code": "Postal code", "preferred_language": "Language", "emergency_name": "Emergency contact",
    "emergency_phone": "Emergency phone", "emergency_relationship": "Relationship", "reminders": "Reminders",
}
"""A label for every field; a field the core adds later shows its own name until labelled."""

PLACEHOLDERS = {
    "mrn": "blank: the next number", "date_of_birth": "YYYY-MM-DD", "sex": "female, male, other, unknown (f/m/o/u)",
    "phone": "555-123-4567", "state": "NY", "reminders": "yes or no (blank: yes)",
}
REQUIRED = frozenset({"first_name", "last_name", "date_of_birth", "sex"})
FORM_ORDER = (*(name for name in FIELDS if name != "mrn"), "mrn")
"""The service's fields in the order the desk asks for them: the MRN last (a walk-in has none)."""


def field_text(value: Any) -> str:
    """A record's value as the form shows it (dates as ISO, yes/no for a flag, None as empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class PatientFormScreen(FormScreen[PatientRecord | Registration | None]):
    """Register a new patient, or edit ``patient``'s demographics.

    Dismisses with the :class:`~medoffice.core.services.patients.Registration` of a new patient,
    the updated :class:`~medoffice.core.records.PatientRecord` of an edited one, or None when
    cancelled (or when nothing changed).

    Args:
        host: the core's host.
        patient: the patient to edit, or None to register a new one.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="patient_form.save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, host: AppScreenHost, patient: PatientRecord | None = None) -> None:
        super().__init__()
        self._host = host
        self.patient = patient
        self._original = {k: field_text(v) for k, v in patients.record_fields(patient).items()} if patient else {}

    @property
    def is_new(self) -> bool:
        return self.patient is None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="form"):
            for name in FORM_ORDER:
                label = LABELS.get(name, name) + (" *" if self.is_new and name in REQUIRED else "")
                with Horizontal(classes="field-row"):
                    yield Label(label, classes="field-label")
                    with Vertical(classes="field-input"):
                        yield Input(self._original.get(name, ""), id=f"field-{name}",
                                    placeholder=PLACEHOLDERS.get(name, ""), compact=True,
                                    disabled=(name == "mrn" and not self.is_new))
                        yield Static("", id=f"error-{name}", classes="field-error", markup=False)
            yield Static("", id="form-error", classes="field-error", markup=False)
            yield Button("Save (Ctrl+S)", id="save", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Register a patient" if self.is_new else "Edit patient"
        self.sub_title = "" if self.patient is None else f"{self.patient.display_name}  {self.patient.mrn}"
        self._clear_errors()
        self.query_one(f"#field-{FORM_ORDER[0]}", Input).focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Light the label of the field that has the focus (``-current`` on its row)."""
        for row in self.query(".field-row"):
            row.set_class(row in event.widget.ancestors, "-current")

    def values(self) -> dict[str, str]:
        """What is typed in every field."""
        return {name: self.query_one(f"#field-{name}", Input).value for name in FIELDS}

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()

    def action_cancel(self) -> None:
        """Close the form without saving; with something typed, ask first."""
        self.close_or_ask()

    def action_save(self) -> None:
        """Hand the form to the service; it decides what is valid."""
        values = self.values()
        if self.is_new:
            payload = {k: v.strip() for k, v in values.items() if v.strip()}
        else:
            payload = {k: v.strip() for k, v in values.items()
                       if k != "mrn" and v.strip() != self._original.get(k, "")}
            if not payload:
                self.dismiss(None)
                return
        self._clear_errors()
        self.query_one("#save", Button).disabled = True
        self._save(payload)

    @work(thread=True, exclusive=True, group="patient-form", exit_on_error=False)
    def _save(self, payload: dict[str, str]) -> None:
        try:
            if self.patient is None:
                result: PatientRecord | Registration = self._host.call(patients.register, payload)
            else:
                result = self._host.call(patients.update, self.patient.mrn, payload)
        except ValidationError as exc:
            self.app.call_from_thread(self.show_errors, dict(exc.errors), "" if exc.errors else one_line(exc))
        except MedofficeError as exc:
            self.app.call_from_thread(self.show_errors, {}, one_line(exc))
        except Exception as exc:
            log.exception("saving a patient failed")
            self.app.call_from_thread(self.show_errors, {}, one_line(exc))
        else:
            self.app.call_from_thread(self.dismiss, result)

    def _clear_errors(self) -> None:
        for error in self.query(".field-error").results(Static):
            error.update("")
            error.display = False

    def show_errors(self, errors: dict[str, str], message: str = "") -> None:
        """Show each field's message under it, and any other message under the form.

        Args:
            errors: field name to message, from :attr:`ValidationError.errors`.
            message: a message that belongs to no one field.
        """
        self.query_one("#save", Button).disabled = False
        first: Input | None = None
        for name, text in errors.items():
            try:
                label = self.query_one(f"#error-{name}", Static)
            except NoMatches:  # a field the form does not show: say it under the form
                message = f"{message} {text}".strip()
                continue
            label.update(text)
            label.display = True
            first = first or self.query_one(f"#field-{name}", Input)
        if message:
            form_error = self.query_one("#form-error", Static)
            form_error.update(message)
            form_error.display = True
        if first is not None:
            first.focus()
