"""The demo practice's users and their public password.

Kept apart from :mod:`medoffice.core.demo` so that the sign-in screen can name them without
importing what makes the demo (Faker, and through the practice set-up the migration
machinery): that import cost the demo's sign-in screen about 0.2 s of the start-up
(docs/performance.md, "Terminal UI").
"""

from __future__ import annotations

DEMO_PASSWORD = "demo"
"""Every demo user's password: a demo practice is the only place a default password exists."""

DEMO_USERS = (
    ("admin", "Alex Admin", ["admin"]),
    ("manager", "Morgan Manager", ["manager"]),
    ("frontdesk", "Frankie Frontdesk", ["front_desk"]),
    ("billing", "Blair Biller", ["billing"]),
)
"""``(user name, full name, roles)`` of each demo user; the first is the practice's admin."""
