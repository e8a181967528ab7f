"""The one typed way the core calls hooks.

Nothing else in the core touches ``pm.hook``. The facade knows each hook's shape:
contribution hooks are collected *per plugin*, so every screen, command and table is known to
come from its plugin; provider hooks return the single domain service; event hooks broadcast.
When an implementation raises anything but a :class:`~medoffice.core.errors.MedofficeError`
(which is meant for the user), the exception becomes a :class:`PluginError` naming the plugin
and the hook; the operation around the call then rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any

import pluggy

from ..errors import MedofficeError, PluginError

if TYPE_CHECKING:
    from ..context import Context
    from ..domains import BillingService, InventoryService, SchedulingService, StaffService
    from ..records import (
        ActionContribution,
        AppointmentChange,
        AppointmentProposal,
        ChargeDraft,
        DashboardCard,
        EncounterRecord,
        ExpenseRecord,
        FhirIds,
        FhirImport,
        FhirImported,
        MergePreview,
        MovedRow,
        PanelContribution,
        PatientMerge,
        PatientRecord,
        PermissionSpec,
        ReceivedOrder,
        ReportSpec,
        SchemaContribution,
        ScreenContribution,
        StaffRecord,
        UserRecord,
        VisitRecord,
    )


def _raising_plugin(caller: pluggy.HookCaller, tb: TracebackType | None) -> str | None:
    """The plugin whose implementation appears in the traceback, innermost call first."""
    codes = {impl.function.__code__: impl.plugin_name for impl in caller.get_hookimpls()
             if hasattr(impl.function, "__code__")}
    found = None
    while tb is not None:
        name = codes.get(tb.tb_frame.f_code)
        if name is not None:
            found = name
        tb = tb.tb_next
    return found


class Hooks:
    """Typed access to every hook. One instance per plugin manager."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self._pm = pm
        self._conforming: set[tuple[str, Any]] = set()
        """(role, class or module) pairs whose services passed the role's protocol check: the
        check (``isinstance`` against a runtime protocol) reads every member; once is enough."""
        self.on_failure: Callable[[str, str, BaseException], None] | None = None
        """Told of every hook that raised anything but a ``MedofficeError`` (the plugin's id,
        the hook, the exception); the runtime keeps them for ``plugins list``."""

    def _failed(self, plugin_id: str, hook: str, exc: BaseException) -> None:
        if self.on_failure is not None and not isinstance(exc, MedofficeError):
            try:
                self.on_failure(plugin_id, hook, exc)
            except Exception:  # keeping the record must never hide the failure itself
                pass

    # -- machinery ---------------------------------------------------------------------------

    def _wrap(self, caller: pluggy.HookCaller, exc: BaseException) -> BaseException:
        if isinstance(exc, MedofficeError):
            return exc
        plugin = _raising_plugin(caller, exc.__traceback__) or "unknown"
        self._failed(plugin, caller.name, exc)
        error = PluginError(plugin, f"{caller.name} raised {type(exc).__name__}: {exc}")
        error.__cause__ = exc
        return error

    def _call(self, name: str, **kwargs: Any) -> Any:
        caller: pluggy.HookCaller = getattr(self._pm.hook, name)
        if not caller.get_hookimpls():  # nobody listens (most events, most practices): pluggy's own answer
            return None if caller.spec is not None and caller.spec.opts.get("firstresult") else []
        try:
            return caller(**kwargs)
        except Exception as exc:
            raise self._wrap(caller, exc) from exc

    def call(self, name: str, **kwargs: Any) -> Any:
        """Call every implementation of ``name`` (pluggy's result: a list, or the first
        result of a ``firstresult`` hook), a raising one named as a :class:`PluginError`.

        How a plugin calls the event hooks it publishes itself; the core's own hooks have
        typed methods below. A hook that nothing specifies nor implements gives ``[]``.
        """
        if getattr(self._pm.hook, name, None) is None:
            return []
        return self._call(name, **kwargs)

    def collect(self, name: str, *, errors: list[PluginError] | None = None, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call each implementation of ``name`` alone, in pluggy's order (tryfirst first, then
        the latest registered); return ``(plugin id, result)`` pairs, leaving out None. Used
        for contribution hooks, whose results must be attributed to their plugin.

        Args:
            errors: when given, a failing plugin is left out and its error appended here, so
                one broken plugin does not hide the others' contributions.
        """
        caller: pluggy.HookCaller | None = getattr(self._pm.hook, name, None)
        if caller is None:  # a hook of a plugin that is not installed: nobody implements it
            return []
        results = []
        for impl in reversed(caller.get_hookimpls()):
            args = {arg: kwargs[arg] for arg in impl.argnames}
            try:
                result = impl.function(**args)
            except Exception as exc:
                if isinstance(exc, MedofficeError) and errors is None:
                    raise
                self._failed(impl.plugin_name, name, exc)
                error = PluginError(impl.plugin_name, f"{name} raised {type(exc).__name__}: {exc}")
                error.__cause__ = exc
                if errors is None:
                    raise error from exc
                errors.append(error)
                continue
            if result is not None:
                results.append((impl.plugin_name, result))
        return results

    def _flat(self, name: str, *, errors: list[PluginError] | None = None, **kwargs: Any) -> list[tuple[str, Any]]:
        return [(plugin, item) for plugin, items in self.collect(name, errors=errors, **kwargs) for item in items]

    def implementers(self, name: str) -> list[str]:
        caller = getattr(self._pm.hook, name, None)
        return [impl.plugin_name for impl in caller.get_hookimpls()] if caller is not None else []

    # -- application -------------------------------------------------------------------------

    def schemas(self) -> dict[str, SchemaContribution]:
        return dict(self.collect("medoffice_schema"))

    def cli_commands(self, errors: list[PluginError] | None = None) -> list[tuple[str, Any]]:
        return self._flat("medoffice_cli_commands", errors=errors)

    # Each contribution method takes ``errors``: given a list, a plugin whose hook raises is
    # left out and its PluginError appended, so one broken plugin hides only itself.

    def screens(self, errors: list[PluginError] | None = None) -> list[tuple[str, ScreenContribution]]:
        return self._flat("medoffice_screens", errors=errors)

    def palette_actions(self, errors: list[PluginError] | None = None) -> list[tuple[str, ActionContribution]]:
        return self._flat("medoffice_palette_actions", errors=errors)

    def patient_panels(self, errors: list[PluginError] | None = None) -> list[tuple[str, PanelContribution]]:
        panels = self._flat("medoffice_patient_panels", errors=errors)
        return sorted(panels, key=lambda pair: (pair[1].order, pair[1].id))

    def permissions(self) -> list[tuple[str, PermissionSpec]]:
        return self._flat("medoffice_permissions")

    def reports(self, errors: list[PluginError] | None = None) -> list[tuple[str, ReportSpec]]:
        return self._flat("medoffice_reports", errors=errors)

    def dashboard_cards(self, ctx: Context, errors: list[PluginError] | None = None) -> list[tuple[str, DashboardCard]]:
        """Each plugin's cards, one ``(plugin id, card)`` pair per card. A result that is not
        a list stays one item, for the caller (the dashboard service) to name as wrong."""
        pairs: list[tuple[str, Any]] = []
        for plugin, result in self.collect("medoffice_dashboard_cards", errors=errors, ctx=ctx):
            pairs.extend((plugin, item) for item in (result if isinstance(result, list | tuple) else [result]))
        return pairs

    def populate_demo(self, ctx: Context, seed: int) -> None:
        self._call("medoffice_populate_demo", ctx=ctx, seed=seed)

    # -- events on shared records ------------------------------------------------------------

    def patient_registered(self, ctx: Context, patient: PatientRecord) -> None:
        self._call("medoffice_patient_registered", ctx=ctx, patient=patient)

    def patient_updated(self, ctx: Context, before: PatientRecord, after: PatientRecord) -> None:
        self._call("medoffice_patient_updated", ctx=ctx, before=before, after=after)

    def patient_opened(self, ctx: Context, patient: PatientRecord) -> None:
        self._call("medoffice_patient_opened", ctx=ctx, patient=patient)

    def user_signed_in(self, ctx: Context, user: UserRecord) -> None:
        self._call("medoffice_user_signed_in", ctx=ctx, user=user)

    def staff_changed(self, ctx: Context, before: StaffRecord | None, after: StaffRecord) -> None:
        self._call("medoffice_staff_changed", ctx=ctx, before=before, after=after)

    # -- merging two records of a patient ----------------------------------------------------

    def patient_merge_preview(self, ctx: Context, merge: PatientMerge) -> list[tuple[str, MergePreview]]:
        """Each plugin's preview of ``merge``, with its id; plugins with nothing to say are left out."""
        return self.collect("medoffice_patient_merge_preview", ctx=ctx, merge=merge)

    def patient_merge(self, ctx: Context, merge: PatientMerge) -> list[tuple[str, list[MovedRow]]]:
        """Have each plugin move its rows; each plugin's id with the rows it says it moved."""
        return self.collect("medoffice_patient_merge", ctx=ctx, merge=merge)

    # -- FHIR exchange of patients -----------------------------------------------------------

    def fhir_patient_resources(self, ctx: Context, patients: tuple[PatientRecord, ...],
                               ids: FhirIds) -> list[tuple[str, dict[str, Any]]]:
        """Every plugin's resources about ``patients``, each with the plugin's id."""
        return self._flat("medoffice_fhir_patient_resources", ctx=ctx, patients=patients, ids=ids)

    def fhir_import_check(self, ctx: Context, bundle: FhirImport) -> list[tuple[str, str]]:
        """Every problem any plugin finds in the bundle, with the plugin's id."""
        return [(plugin, line) for plugin, line in
                self._flat("medoffice_fhir_import_check", ctx=ctx, bundle=bundle) if line]

    def fhir_import(self, ctx: Context, bundle: FhirImport) -> list[tuple[str, FhirImported]]:
        """Have each plugin import its entries; each plugin's id with what it did."""
        return self.collect("medoffice_fhir_import", ctx=ctx, bundle=bundle)

    # -- domains -----------------------------------------------------------------------------

    def role_service(self, role: str, ctx: Context) -> Any:
        """The service of the domain ``role`` from whichever enabled plugin provides it,
        checked against the role's protocol; None when no enabled plugin provides the role.

        The one caller of the four provider hooks (``medoffice_<role>_service``): the core,
        the TUI and plugins ask here (or through ``ctx.role_service(role)``), never a
        provider's modules, so a practice may swap the provider.
        """
        from ..domains import DOMAIN_PROTOCOLS

        if role not in DOMAIN_PROTOCOLS:
            raise ValueError(f"{role!r} is not a domain role ({', '.join(DOMAIN_PROTOCOLS)})")
        name = f"medoffice_{role}_service"
        service = self._call(name, ctx=ctx)
        if service is None:
            return None
        kind = service if isinstance(service, ModuleType) else type(service)
        if (role, kind) in self._conforming:
            return service
        if not isinstance(service, DOMAIN_PROTOCOLS[role]):
            provider = self.implementers(name)[-1] if self.implementers(name) else "unknown"
            raise PluginError(provider, f"{name} returned {type(service).__name__}, which lacks part of the "
                                        f"{DOMAIN_PROTOCOLS[role].__name__} protocol")
        self._conforming.add((role, kind))
        return service

    def role_provider(self, role: str) -> str | None:
        """The id of the enabled plugin that provides ``role``, or None (no call is made)."""
        found = [p for p in self.implementers(f"medoffice_{role}_service") if p != "core"]
        return found[-1] if found else None

    def staff(self, ctx: Context) -> StaffService | None:
        return self.role_service("staff", ctx)

    def scheduling(self, ctx: Context) -> SchedulingService | None:
        return self.role_service("scheduling", ctx)

    def billing(self, ctx: Context) -> BillingService | None:
        return self.role_service("billing", ctx)

    def inventory(self, ctx: Context) -> InventoryService | None:
        return self.role_service("inventory", ctx)

    def validate_appointment(self, ctx: Context, proposal: AppointmentProposal) -> list[str]:
        """Every refusal reason any plugin gives, each prefixed with the plugin's id."""
        return [f"{plugin}: {reason}" for plugin, reason in
                self.collect("medoffice_validate_appointment", ctx=ctx, proposal=proposal) if reason]

    def appointment_changed(self, ctx: Context, change: AppointmentChange) -> None:
        self._call("medoffice_appointment_changed", ctx=ctx, change=change)

    def visit_completed(self, ctx: Context, visit: VisitRecord) -> None:
        self._call("medoffice_visit_completed", ctx=ctx, visit=visit)

    def encounter_charges(self, ctx: Context,
                          encounter: EncounterRecord) -> list[tuple[str, list[ChargeDraft] | str]]:
        """Each plugin's answer to an encounter being closed: lines to add, or a reason to
        refuse; plugins with nothing to say are left out."""
        return self.collect("medoffice_encounter_charges", ctx=ctx, encounter=encounter)

    def expense_recorded(self, ctx: Context, expense: ExpenseRecord) -> None:
        self._call("medoffice_expense_recorded", ctx=ctx, expense=expense)

    def order_received(self, ctx: Context, order: ReceivedOrder) -> None:
        self._call("medoffice_order_received", ctx=ctx, order=order)
