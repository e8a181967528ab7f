"""X12 for the billing plugin: a small segment writer (:mod:`.writer`), the 837P
005010X222A1 professional claim built from in-memory records (:mod:`.p837`), and the
service that exports claims as 837P batches (:mod:`.batches`).

The writer and the 837P touch no database: the claims service gathers the records, the
scrubber checks them, and :func:`.p837.build_837p` formats them. :mod:`.batches` is the one
module here that reads and writes the database; it is not imported by this package (it
imports the claims service, which imports :mod:`.p837`).
"""

from __future__ import annotations

from .p837 import BillingProvider, ClaimData, Envelope, LineData, Party, SubscriberData, build_837p
from .writer import COMPONENT, ELEMENT, REPETITION, SEGMENT, Segments, amount, text_problem

__all__ = ["COMPONENT", "ELEMENT", "REPETITION", "SEGMENT", "BillingProvider", "ClaimData", "Envelope",
           "LineData", "Party", "Segments", "SubscriberData", "amount", "build_837p", "text_problem"]
