"""What the billing screens share: its permissions and money as people read it. (Running a
service call and asking what the user may do are the UI kit's: :mod:`medoffice.ui`.)"""

from __future__ import annotations

import logging
from decimal import Decimal

from ..permissions import CHARGE, CLAIMS, POST, READ

log = logging.getLogger("medoffice.billing.screens")

__all__ = ["CHARGE", "CLAIMS", "POST", "READ", "log", "money"]


def money(amount: Decimal) -> str:
    """``$1,234.50``, or ``-$12.00`` for a credit."""
    from ..money import show

    return show(amount)
