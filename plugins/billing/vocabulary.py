"""The billing plugin's fixed words, importable without SQLAlchemy (the CLI's options use
them, and ``medoffice --help`` must not import the models)."""

POLICY_RANKS = ("primary", "secondary")
"""A policy's place in the order payers are billed (837P SBR01: P, S)."""

RELATIONSHIPS = {"self": "18", "spouse": "01", "child": "19", "other": "G8"}
"""The patient's relationship to the subscriber, and its X12 individual relationship code
(837P SBR02 / PAT01)."""

SUBSCRIBER_SEXES = ("female", "male", "unknown")
"""A subscriber's administrative sex as the 837P carries it (DMG03: F, M, U)."""

CLAIM_FILING_CODES = ("CI", "BL", "MB", "MC", "HM", "CH", "VA", "WC", "OF", "ZZ")
"""837P SBR09 claim filing indicator codes a payer is commonly billed with: commercial,
Blue Cross Blue Shield, Medicare Part B, Medicaid, HMO, TRICARE, VA, workers' compensation,
other federal, mutually defined."""

ENCOUNTER_STATUSES = ("open", "closed")
"""``open`` while charges are entered; ``closed`` once charge entry is done (claimable)."""

ENCOUNTER_SOURCES = ("visit", "manual")
"""Opened by a completed visit (``medoffice_visit_completed``) or by hand."""

MAX_DIAGNOSES = 12
"""ICD-10-CM codes per encounter (the 837P HI segments hold twelve)."""

MAX_MODIFIERS = 4
MAX_POINTERS = 4

CLAIM_STATUSES = ("draft", "ready", "submitted", "paid", "denied")

PAYMENT_KINDS = ("patient", "insurance")
PATIENT_METHODS = ("cash", "card", "check")
"""How a patient pays at the desk."""
INSURANCE_METHODS = ("check", "eft")
"""How a payer pays: a paper check or an electronic funds transfer (the 835's trace number)."""
PAYMENT_METHODS = ("cash", "card", "check", "eft")

ADJUSTMENT_REASONS = ("contractual", "courtesy", "bad_debt")
"""Why part of a balance is written off: the payer's contract, the practice's courtesy, or
an uncollectable debt."""

REFUND_METHODS = ("cash", "card", "check", "eft")
