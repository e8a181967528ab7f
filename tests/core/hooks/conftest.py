"""A recording plugin that implements every hook, for the hook tests.

It lives in memory (no entry point): the practice fixtures of ``medoffice.testing`` take it
through ``medoffice_extra_plugins``. It writes a row of its own table on patient events, so
the tests can prove that hooks run inside the operation's unit of work.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import click
import pytest
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from medoffice.core import (
    ActionContribution,
    DashboardCard,
    PanelContribution,
    PermissionSpec,
    PluginInfo,
    ReportResult,
    ReportSpec,
    SchemaContribution,
    ScreenContribution,
    hookimpl,
)
from medoffice.core.storage import new_metadata
from medoffice.core.storage.models import Patient


class Base(DeclarativeBase):
    metadata = new_metadata()


class Note(Base):
    __tablename__ = "recorder_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey(Patient.__table__.c.id))
    text: Mapped[str] = mapped_column(String(200))


class FakeScheduling:
    def patient_appointments(self, ctx, patient_id):
        return []

    def day_appointments(self, ctx, day, provider_id=None):
        return []


class FakeBilling:
    def __init__(self):
        self.expenses = []

    def patient_balance(self, ctx, patient_id):
        return Decimal("12.50")

    def record_expense(self, ctx, expense):
        self.expenses.append(expense)
        return expense


class FakeStaff:
    def is_available(self, ctx, staff_id, start, end):
        return staff_id != 13

    def create_task(self, ctx, draft):
        from medoffice.core.records import TaskRecord

        return TaskRecord(1, draft.title, "open", draft.priority, draft.assignee_role, draft.assignee_staff_id,
                          draft.due_on, draft.source, draft.key)

    def days_off(self, ctx, staff_ids, first, last):
        return {13: [(first, last)]} if 13 in staff_ids else {}

    def days_blocked(self, ctx, staff_ids, first, last):
        return {}


class FakeInventory:
    def items_below_reorder_point(self, ctx):
        return ["Nitrile gloves (M)"]


@click.group("recorder")
def recorder_group():
    """The recorder's commands."""


@recorder_group.command("hello")
def hello():
    click.echo("hello from the recorder")


def count_patients_report(ctx, params):
    from medoffice.core.services import patients

    return ReportResult("Patients", ("count",), [(patients.count(ctx),)])


class Recorder:
    """Implements every hook; remembers each call; raises on the hooks named in ``raise_on``."""

    plugin_info = PluginInfo(id="recorder", title="Recorder", api_version=1, description="records hook calls")

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []
        self.raise_on: set[str] = set()
        self.veto: str | None = None
        self.billing = FakeBilling()

    def seen(self, name):
        return [kwargs for hook, kwargs in self.calls if hook == name]

    def _record(self, name, **kwargs):
        if name in self.raise_on:
            raise RuntimeError(f"{name} exploded")
        self.calls.append((name, kwargs))

    # application
    @hookimpl
    def medoffice_schema(self):
        return SchemaContribution(Base.metadata, Path(__file__).parent / "migrations")

    @hookimpl
    def medoffice_cli_commands(self):
        return [recorder_group]

    @hookimpl
    def medoffice_screens(self):
        return [ScreenContribution("recorder.log", "Recorder log", "textual.screen:Screen", permission="recorder.use")]

    @hookimpl
    def medoffice_palette_actions(self):
        return [ActionContribution("recorder.clear", "Clear the recorder", "builtins:print")]

    @hookimpl
    def medoffice_patient_panels(self):
        return [PanelContribution("recorder.panel", "Recorded", "textual.widgets:Static", order=5)]

    @hookimpl
    def medoffice_permissions(self):
        return [PermissionSpec("recorder.use", "Use the recorder", ("front_desk",))]

    @hookimpl
    def medoffice_reports(self):
        return [ReportSpec("recorder.patients", "Patient count", count_patients_report, permission="recorder.use")]

    @hookimpl
    def medoffice_dashboard_cards(self, ctx):
        if not ctx.can("recorder.use"):
            return []
        return [DashboardCard("Recorded calls", str(len(self.calls)))]

    @hookimpl
    def medoffice_populate_demo(self, ctx, seed):
        self._record("populate_demo", seed=seed)

    # events on shared records
    @hookimpl
    def medoffice_patient_registered(self, ctx, patient):
        self._record("patient_registered", patient=patient)
        ctx.session.add(Note(patient_id=patient.id, text=f"registered {patient.mrn}"))

    @hookimpl
    def medoffice_patient_updated(self, ctx, before, after):
        self._record("patient_updated", before=before, after=after)

    @hookimpl
    def medoffice_patient_opened(self, ctx, patient):
        self._record("patient_opened", patient=patient, user=ctx.user.username)

    @hookimpl
    def medoffice_user_signed_in(self, ctx, user):
        self._record("user_signed_in", user=user)

    # domains
    @hookimpl
    def medoffice_staff_service(self, ctx):
        return FakeStaff()

    @hookimpl
    def medoffice_staff_changed(self, ctx, before, after):
        self._record("staff_changed", before=before, after=after)

    @hookimpl
    def medoffice_scheduling_service(self, ctx):
        return FakeScheduling()

    @hookimpl
    def medoffice_validate_appointment(self, ctx, proposal):
        self._record("validate_appointment", proposal=proposal)
        return self.veto

    @hookimpl
    def medoffice_appointment_changed(self, ctx, change):
        self._record("appointment_changed", change=change)

    @hookimpl
    def medoffice_visit_completed(self, ctx, visit):
        self._record("visit_completed", visit=visit)

    @hookimpl(optionalhook=True)  # published by the scheduling plugin, which a test may leave out
    def medoffice_waitlist_offer(self, ctx, offer):
        self._record("waitlist_offer", offer=offer)

    @hookimpl(optionalhook=True)  # published by the scheduling plugin, which a test may leave out
    def medoffice_send_reminders(self, ctx, reminders):
        self._record("send_reminders", reminders=reminders)
        return [r.appointment_id for r in reminders if r.phone]

    @hookimpl
    def medoffice_encounter_charges(self, ctx, encounter):
        self._record("encounter_charges", encounter=encounter)
        return "the visit note is not signed" if not encounter.lines else None

    @hookimpl
    def medoffice_billing_service(self, ctx):
        return self.billing

    @hookimpl
    def medoffice_expense_recorded(self, ctx, expense):
        self._record("expense_recorded", expense=expense)

    @hookimpl
    def medoffice_inventory_service(self, ctx):
        return FakeInventory()

    @hookimpl
    def medoffice_order_received(self, ctx, order):
        self._record("order_received", order=order)


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def medoffice_extra_plugins(recorder):
    return [recorder]


@pytest.fixture
def note_model():
    """The recorder's own table, to look for rows its hooks wrote."""
    return Note
