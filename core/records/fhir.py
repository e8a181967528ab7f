"""Records of FHIR exchange: the ids a practice gives its resources, and a bundle being imported.

Every FHIR resource medoffice writes has a UUID for its id, made from the practice's own
namespace, the resource type and the record's key (:class:`FhirIds`): exporting the same
record again, from any command, gives the same id, and a reference is the ``urn:uuid:`` of
the resource it names. An import hands plugins :class:`FhirImport` (what the bundle holds and
which patients its Patient entries are) and takes back :class:`FhirImported` (what each plugin
added).

.. versionadded:: 1 (hook API version 1)
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import attrs

from .shared import PatientRecord


@attrs.frozen
class FhirIds:
    """The practice's resource ids: ``uuid5(namespace, "<ResourceType>/<key>")``.

    ``namespace`` is the practice's own (made once from the practice's creation instant), so
    two practices never give the same id and one practice always gives the same id to the
    same record.
    """

    namespace: uuid.UUID

    def id(self, resource_type: str, key: object) -> str:
        """The resource id of one record: ``ids.id("Patient", 12)``."""
        return str(uuid.uuid5(self.namespace, f"{resource_type}/{key}"))

    def url(self, resource_type: str, key: object) -> str:
        """The ``urn:uuid:`` that is the resource's ``fullUrl`` in a bundle."""
        return f"urn:uuid:{self.id(resource_type, key)}"

    def reference(self, resource_type: str, key: object, display: str | None = None) -> dict[str, Any]:
        """A FHIR ``Reference`` to the record's resource in the same bundle."""
        found: dict[str, Any] = {"reference": self.url(resource_type, key)}
        if display:
            found["display"] = display
        return found


@attrs.frozen
class FhirEntry:
    """One entry of a bundle being imported.

    ``number`` counts entries from 1 as people do (``entry 3``); ``full_url`` is the entry's
    ``fullUrl`` (None when it has none); ``resource`` is the resource as parsed JSON (treat it
    as read-only: every plugin sees the same one).
    """

    number: int
    full_url: str | None
    resource: Mapping[str, Any]

    @property
    def resource_type(self) -> str:
        return str(self.resource.get("resourceType") or "")

    @property
    def label(self) -> str:
        """How an error names the entry: ``entry 3 (Coverage urn:uuid:…)``."""
        name = self.full_url or (f"id {self.resource.get('id')}" if self.resource.get("id") else "")
        text = f"{self.resource_type} {name}".strip()[:120]
        return f"entry {self.number} ({text})"


@attrs.frozen
class FhirImport:
    """A bundle being imported, as a plugin sees it.

    ``entries`` are all the bundle's entries that hold a resource, in order, of every type
    (a plugin picks its own: billing takes ``Coverage``). ``patients`` maps each Patient
    entry's ``number`` to the patient it is in the practice: in the check, an existing
    patient it matched, or None for one the import will register; in the import, always
    the patient as saved.
    """

    entries: tuple[FhirEntry, ...]
    patients: Mapping[int, PatientRecord | None] = attrs.field(factory=dict)

    def resolve(self, reference: Mapping[str, Any] | None) -> FhirEntry | None:
        """The entry a ``Reference`` points at in this bundle, or None.

        A reference matches an entry's ``fullUrl`` (``urn:uuid:…``, an absolute URL), or a
        ``Type/id`` (relative, or the end of an absolute URL) matches the resource of that
        type and id. Local (``#id``) and conditional references (``Patient?identifier=…``),
        and references to elsewhere, resolve to None.
        """
        text = str((reference or {}).get("reference") or "").strip()
        if not text or text.startswith("#") or "?" in text:
            return None
        for entry in self.entries:
            if entry.full_url == text:
                return entry
        parts = text.split("/")
        if len(parts) >= 2 and not text.startswith("urn:"):
            kind, key = parts[-2], parts[-1]
            for entry in self.entries:
                if entry.resource_type == kind and str(entry.resource.get("id") or "") == key:
                    return entry
        return None


@attrs.frozen
class FhirImported:
    """What one plugin's part of an import did, for the summary people read:
    ``FhirImported("insurance policies", created=2, unchanged=1)``."""

    what: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0


__all__ = ["FhirEntry", "FhirIds", "FhirImport", "FhirImported"]
