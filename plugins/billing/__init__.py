"""Billing: the fee schedule, payers and patients' insurance, encounters and charge lines,
payments, adjustments and refunds, each patient's ledger and balance, and the office's budget
and expenses.

This module is imported for every command, ``medoffice --help`` included: it declares the
plugin and its hook implementations and nothing else. Each hook imports the heavy modules
inside its body.
"""

from __future__ import annotations

from pathlib import Path

from medoffice.core import PluginInfo, hookimpl

from .permissions import CHARGE, CLAIMS, POST, READ

plugin_info = PluginInfo(
    id="billing",
    title="Billing",
    api_version=1,
    provides="billing",
    description="Fee schedule, insurance, charges from visits, payments, adjustments, ledger, budget and expenses.",
    hookspecs=("medoffice.plugins.billing.hookspecs",),
)

MIGRATIONS = Path(__file__).parent / "migrations"


@hookimpl
def medoffice_schema():
    """The ``billing_*`` tables and the Alembic branch ``billing``."""
    from medoffice.core import SchemaContribution

    from . import models

    return SchemaContribution(models.Base.metadata, MIGRATIONS)


@hookimpl
def medoffice_permissions():
    """The front desk reads balances, records insurance cards and takes payments; billers
    charge, adjust, refund and work claims; managers also keep the budget."""
    from .permissions import PERMISSIONS

    return PERMISSIONS


@hookimpl
def medoffice_cli_commands():
    """``medoffice billing …`` (see :data:`.cli.GROUPS`)."""
    from .cli import GROUPS

    return list(GROUPS)


@hookimpl
def medoffice_visit_completed(ctx, visit):
    """A completed visit opens its encounter for charge entry (once per visit)."""
    from . import encounters

    encounters.open_for_visit(ctx, visit)


@hookimpl
def medoffice_billing_service(ctx):
    """The billing domain for other plugins and the TUI (``ctx.hooks.billing(ctx)``)."""
    from .domain import SERVICE

    return SERVICE


@hookimpl
def medoffice_reports():
    """``billing.day_sheet``, ``billing.ar_aging`` and ``billing.collections``; see docs/billing.md#reports."""
    from .reports import REPORTS

    return list(REPORTS)


@hookimpl
def medoffice_populate_demo(ctx, seed):
    """Fees, payers, insurance, four months of visits with charges, payments and claims for
    the demo practice; see docs/billing.md#demo-data."""
    from . import demo

    demo.populate(ctx, seed)


@hookimpl
def medoffice_screens():
    """Charge entry (F7), the claims queue (F8), taking a payment and the A/R aging; see
    docs/billing.md#screens."""
    from medoffice.core import ScreenContribution

    screens = "medoffice.plugins.billing.screens"
    return [
        ScreenContribution(id="billing.charges", title="Charge entry", section="billing", permission=CHARGE,
                           screen=f"{screens}.charge_entry:ChargeEntryScreen", key="f7"),
        ScreenContribution(id="billing.payment", title="Take payment", section="billing", permission=POST,
                           screen=f"{screens}.take_payment:TakePaymentScreen"),
        ScreenContribution(id="billing.claims", title="Claims queue", section="billing", permission=CLAIMS,
                           screen=f"{screens}.claims_queue:ClaimsQueueScreen", key="f8"),
        ScreenContribution(id="billing.aging", title="A/R aging", section="billing", permission=CLAIMS,
                           screen=f"{screens}.ar_aging:ArAgingScreen"),
    ]


@hookimpl
def medoffice_patient_panels():
    """The patient card's "Billing": the insurance, the balance, the last ledger lines, ``p`` to
    take a payment (the copay at check-in too) and ``i`` for the insurance."""
    from medoffice.core import PanelContribution

    return [PanelContribution(id="billing.balance", title="Billing", permission=READ,
                              widget="medoffice.plugins.billing.screens.billing_panel:BillingPanel", order=30)]


@hookimpl
def medoffice_palette_actions():
    """The palette's "Take payment", "Charge entry" and "Claims queue"."""
    from medoffice.core import ActionContribution

    actions = "medoffice.plugins.billing.screens.actions"
    return [
        ActionContribution(id="billing.take-payment", title="Take payment", action=f"{actions}:take_payment",
                           help="a patient's copay or payment at the desk, with a receipt", permission=POST),
        ActionContribution(id="billing.charge-entry", title="Charge entry", action=f"{actions}:charge_entry",
                           help="F7: diagnoses and charge lines of the open encounters", permission=CHARGE),
        ActionContribution(id="billing.claims-queue", title="Claims queue", action=f"{actions}:claims_queue",
                           help="F8: build, scrub and export claims", permission=CLAIMS),
    ]


@hookimpl
def medoffice_fhir_patient_resources(ctx, patients, ids):
    """Each active policy of the exported patients as ``Coverage``, with its payer as
    ``Organization`` and a subscriber other than the patient as ``RelatedPerson``."""
    from .fhir import patients_resources

    return patients_resources(ctx, patients, ids)


@hookimpl
def medoffice_fhir_import_check(ctx, bundle):
    """Check each active ``Coverage`` of an imported bundle as a policy typed at the desk."""
    from .fhir_import import check

    return check(ctx, bundle)


@hookimpl
def medoffice_fhir_import(ctx, bundle):
    """Add a policy for each active ``Coverage`` not already on file; see docs/billing.md."""
    from .fhir_import import import_coverages

    return import_coverages(ctx, bundle)


from .merge import medoffice_patient_merge, medoffice_patient_merge_preview  # noqa: E402, F401 (merging patients)
from .visit_undo import medoffice_appointment_changed  # noqa: E402, F401 (refuses to undo a visit with charges)


@hookimpl
def medoffice_billing_clearinghouse(ctx):
    """Billing's own connector, the file drop, once its folders are set."""
    from . import file_drop

    return file_drop.connector(ctx)
