"""The billing plugin's permissions and the roles that get them by default.

The front desk reads balances, records a patient's insurance card and takes payments at
check-in; it does not see claims or work the accounts receivable. Billers enter charges,
post insurance payments, adjust, refund and work claims. The office manager also keeps the
budget and the expenses.
"""

from __future__ import annotations

from medoffice.core import PermissionSpec

READ = "billing.read"
INSURANCE = "billing.insurance"
POST = "billing.post"
CHARGE = "billing.charge"
ADJUST = "billing.adjust"
REFUND = "billing.refund"
CLAIMS = "billing.claims"
MANAGE = "billing.manage"
BUDGET = "billing.budget"

EVERYONE = ("front_desk", "billing", "manager", "admin")
BILLERS = ("billing", "manager", "admin")

PERMISSIONS = [
    PermissionSpec(READ, "See the fee schedule, payers, a patient's insurance, ledger and balance", EVERYONE),
    PermissionSpec(INSURANCE, "Add and change patients' insurance policies", EVERYONE),
    PermissionSpec(POST, "Take patients' payments (cash, card, check) and print receipts", EVERYONE),
    PermissionSpec(CHARGE, "Open encounters, enter diagnoses and charge lines, close and void", BILLERS),
    PermissionSpec(ADJUST, "Write off part of a balance (contractual, courtesy, bad debt)", BILLERS),
    PermissionSpec(REFUND, "Refund money, and take a payment larger than the balance", BILLERS),
    PermissionSpec(CLAIMS, "Build, scrub, export and follow claims; post insurance payments; A/R", BILLERS),
    PermissionSpec(MANAGE, "Keep the fee schedule and the payers", BILLERS),
    PermissionSpec(BUDGET, "Keep the budget and the expenses; budget against actual", ("manager", "admin")),
]
