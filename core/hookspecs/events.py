"""Events on the shared records: patients and users.

Event hooks are called inside the operation that caused them, in its unit of work: a plugin
may write its own tables through ``ctx``, and if any implementation raises, the whole
operation (the patient's registration included) is rolled back and the error names the
plugin. Keep them quick; they run while the user waits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._markers import hookspec

if TYPE_CHECKING:
    from ..context import Context
    from ..records import PatientRecord, UserRecord


@hookspec
def medoffice_patient_registered(ctx: Context, patient: PatientRecord) -> None:
    """A new patient was registered (by hand, by import or by the demo generator).

    Args:
        ctx: the registering operation's context.
        patient: the patient as saved, with their MRN.
    """


@hookspec
def medoffice_patient_updated(ctx: Context, before: PatientRecord, after: PatientRecord) -> None:
    """A patient's demographics changed.

    Args:
        ctx: the operation's context.
        before: the record before the change.
        after: the record after it.
    """


@hookspec
def medoffice_patient_opened(ctx: Context, patient: PatientRecord) -> None:
    """A user opened a patient's record (``patients show`` or the patient card).

    The core has already written the audit entry; plugins may, for instance, record a
    "break the glass" reason of their own.

    Args:
        ctx: the operation's context; ``ctx.user`` is who opened it.
        patient: the patient opened.
    """


@hookspec
def medoffice_user_signed_in(ctx: Context, user: UserRecord) -> None:
    """A user signed in successfully (CLI command or TUI).

    Args:
        ctx: a context acting as the user who signed in.
        user: the user, with their roles and permissions.
    """
