"""The scheduling plugin's permissions and the roles that get them by default.

Every role reads the schedule. The front desk books, moves and cancels appointments and
moves patients through the day. Overbooking a taken slot, setting up appointment types and
providers' availability are the manager's. (The staff rota and time off are the staff
plugin's, with its ``hr.rota`` and ``hr.time_off``.)
"""

from __future__ import annotations

from medoffice.core import PermissionSpec

READ = "scheduling.read"
BOOK = "scheduling.book"
OVERBOOK = "scheduling.overbook"
MANAGE = "scheduling.manage"

EVERYONE = ("front_desk", "billing", "manager", "admin")
DESK = ("front_desk", "manager", "admin")
MANAGERS = ("manager", "admin")

PERMISSIONS = [
    PermissionSpec(READ, "See appointments, day boards and free slots", EVERYONE),
    PermissionSpec(BOOK, "Book, move, cancel appointments and move patients through the day", DESK),
    PermissionSpec(OVERBOOK, "Book over a taken slot, with a reason", MANAGERS),
    PermissionSpec(MANAGE, "Set up appointment types and providers' availability", MANAGERS),
]
