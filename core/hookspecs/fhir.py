"""FHIR exchange of patients: plugins add their resources to the export, and take theirs from an import.

The core writes and reads the ``Patient`` resources (``medoffice patients export --format
fhir``, ``medoffice patients import --format fhir``); a plugin that keeps data about patients
that FHIR describes (billing: insurance policies as ``Coverage``) adds its resources to the
export and imports its resources from a bundle. An import is all or nothing: every plugin
checks its entries before anything is written, and the whole import is one unit of work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._markers import hookspec

if TYPE_CHECKING:
    from ..context import Context
    from ..records import FhirIds, FhirImport, FhirImported, PatientRecord


@hookspec
def medoffice_fhir_patient_resources(ctx: Context, patients: tuple[PatientRecord, ...],
                                     ids: FhirIds) -> list[dict[str, Any]] | None:
    """Add your resources about these patients to a FHIR export of them.

    Called once by ``medoffice patients export --format fhir``, after the core has made the
    Patient resources. Read your own tables through ``ctx.session``; write nothing.

    Args:
        ctx: the exporting operation's context.
        patients: the patients the bundle carries.
        ids: the practice's resource ids: give each resource ``ids.id(type, key)`` (your own
            keys: ``ids.id("Coverage", policy_id)``) and refer to a patient with
            ``ids.reference("Patient", patient.id)``, to another resource of yours with its
            own ``ids.reference(...)``. Every resource you refer to must be in your list
            or be a patient's.

    Returns:
        FHIR R4 resources as JSON-ready dicts (amounts may be ``Decimal``), or None. The
        bundle puts each under ``fullUrl`` ``urn:uuid:<id>``; two resources with one id are
        an error, so when two plugins could write the same thing, only its owner does.

    .. versionadded:: 1
    """


@hookspec
def medoffice_fhir_import_check(ctx: Context, bundle: FhirImport) -> list[str] | None:
    """Check the entries of a bundle being imported that are yours. Write nothing.

    Called by ``medoffice patients import --format fhir`` after the core has read the
    bundle's Patient entries and matched each to a patient of the practice or to a new one,
    and before anything is written.

    Args:
        ctx: the importing operation's context.
        bundle: every entry that holds a resource (pick your types; leave the others alone),
            and ``bundle.patients``: each Patient entry's number to the existing patient it
            matched, or None for one the import will register.
            ``bundle.resolve(reference)`` finds the entry a reference points at.

    Returns:
        None when all is well; else one line per bad entry, naming it with ``entry.label``
        ("entry 7 (Coverage urn:uuid:…): no payer named 'Acme'"). Any line stops the whole
        import: nothing is written, and the user sees the lines.

    .. versionadded:: 1
    """


@hookspec
def medoffice_fhir_import(ctx: Context, bundle: FhirImport) -> FhirImported | None:
    """Import your entries of the bundle, now.

    Called once per plugin in the importing operation, after every plugin's check passed
    and the core has registered or updated the patients. Write through ``ctx.session``;
    raising rolls the whole import back. Importing the same bundle again must add nothing:
    recognise what you imported before.

    Args:
        ctx: the importing operation's context.
        bundle: as in the check; ``bundle.patients`` now maps every Patient entry's number
            to the patient as saved.

    Returns:
        A :class:`~medoffice.core.records.FhirImported` counting what you added, changed
        and found already there ("insurance policies": created 2, unchanged 1), or None
        when the bundle had nothing of yours.

    .. versionadded:: 1
    """
