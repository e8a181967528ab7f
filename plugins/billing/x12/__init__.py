"""X12 for the billing plugin: a small segment writer (:mod:`.writer`) and the 837P
005010X222A1 professional claim built from in-memory records (:mod:`.p837`).

Nothing here touches the database: the claims service gathers the records, the scrubber
checks them, and :func:`.p837.build_837p` formats them.
"""

from __future__ import annotations

from .p837 import BillingProvider, ClaimData, Envelope, LineData, Party, SubscriberData, build_837p
from .writer import COMPONENT, ELEMENT, REPETITION, SEGMENT, Segments, amount, text_problem

__all__ = ["COMPONENT", "ELEMENT", "REPETITION", "SEGMENT", "BillingProvider", "ClaimData", "Envelope",
           "LineData", "Party", "Segments", "SubscriberData", "amount", "build_837p", "text_problem"]
