"""Every FHIR bundle medoffice writes reads back as a receiving system reads it.

Each demo practice (three seeds, on each database) is exported every way there is: all its
patients with their insurance, the active ones only, one patient, its schedule of a past and
a coming week, and each of its claims. Every bundle must be valid R4B (its resources
included), keep FHIR's Bundle invariants, and resolve every reference inside itself
(:mod:`._checks`, written from the specification, not from our exporter).
"""

from __future__ import annotations

import datetime as dt
import json

from fhir.resources.R4B.patient import Patient as PatientModel

from medoffice.core import fhir as core_fhir
from medoffice.core.services import patient_fhir, patient_merge, patients
from medoffice.plugins.billing import claims
from medoffice.plugins.billing import fhir as billing_fhir
from medoffice.plugins.scheduling import fhir as scheduling_fhir

from ._checks import bundle_problems, check_bundle, is_uuid


def twin_merged(runtime) -> tuple[str, str]:
    """Register a second record of the demo's first patient and merge it into the first."""
    with runtime.operation() as ctx:
        first = next(iter(patients.iter_all(ctx)))
        twin = patients.register(ctx, {"first_name": first.first_name, "last_name": first.last_name,
                                       "date_of_birth": first.date_of_birth.isoformat(), "sex": first.sex}).patient
        patient_merge.merge(ctx, first.mrn, twin.mrn)
    return first.mrn, twin.mrn


def every_bundle(runtime) -> dict[str, dict]:
    with runtime.operation() as ctx:
        today = ctx.local(ctx.now()).date()
        found = {"patients": patient_fhir.export_bundle(ctx),
                 "active patients": patient_fhir.export_bundle(ctx, include_inactive=False),
                 "past week": scheduling_fhir.export_bundle(ctx, today - dt.timedelta(days=7), today),
                 "coming week": scheduling_fhir.export_bundle(ctx, today, today + dt.timedelta(days=7))}
        for claim in claims.list_claims(ctx):
            found[f"claim {claim.claim_number} ({claim.status})"] = billing_fhir.claim_bundle(ctx, claim.id)
    return found


def kinds(bundle: dict) -> set[str]:
    return {e["resource"]["resourceType"] for e in bundle.get("entry", [])}


class TestEveryBundle:
    def test_every_bundle_of_a_demo_practice_is_valid_r4b_and_keeps_the_bundle_rules(self, demo_source):
        kept, absorbed = twin_merged(demo_source)
        bundles = every_bundle(demo_source)
        assert sum(name.startswith("claim") for name in bundles) >= 3, "the demo bills some visits"
        for name, bundle in bundles.items():
            document = check_bundle(bundle)
            assert document["type"] == "collection" and "total" not in document, name
            for entry in document["entry"]:
                assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}" and is_uuid(entry["resource"]["id"])
        assert {"Patient", "Coverage", "Organization", "RelatedPerson"} <= kinds(bundles["patients"])
        assert {"Organization", "Location", "Practitioner", "Schedule", "Slot", "Appointment"} <= kinds(
            bundles["coming week"])

        # The active-only export leaves the absorbed record out, so the kept one names it by MRN;
        # so does one patient exported alone, where no urn:uuid resolves.
        (kept_resource,) = [e["resource"] for e in bundles["active patients"]["entry"]
                            if e["resource"]["resourceType"] == "Patient"
                            and e["resource"]["identifier"][0]["value"] == kept]
        by_mrn = {"type": "Patient", "identifier": core_fhir.mrn_identifier(absorbed)}
        assert kept_resource["link"] == [{"other": by_mrn, "type": "replaces"}]
        with demo_source.operation() as ctx:
            alone = patient_fhir.export_one(ctx, kept)
        PatientModel.model_validate(alone)
        assert alone["link"] == [{"other": by_mrn, "type": "replaces"}]


class TestStableIds:
    def test_one_record_is_one_resource_in_every_export_and_again(self, demo_source, medoffice_practice):
        """Exporting again gives the same bundles; a claim's Patient, Practitioner, Coverage
        and payer are, id for id and value for value, those of the patients' export and of
        the schedule; another practice's ids are its own."""
        bundles, again = every_bundle(demo_source), every_bundle(demo_source)
        for bundle in (*bundles.values(), *again.values()):
            bundle.pop("timestamp", None)  # the schedule says when it was made
        assert core_fhir.to_json(bundles) == core_fhir.to_json(again)
        everywhere: dict[str, dict] = {}
        for name, bundle in bundles.items():
            for entry in bundle["entry"]:
                resource = json.loads(core_fhir.to_json(entry["resource"]))
                if resource["resourceType"] in ("Slot", "Schedule"):  # their horizon is the export's range
                    continue
                seen = everywhere.setdefault(entry["fullUrl"], resource)
                assert seen == resource, f"{name}: {entry['fullUrl']} differs between exports"
        claim_bundles = [b for name, b in bundles.items() if name.startswith("claim")]
        shared = {e["fullUrl"] for b in claim_bundles for e in b["entry"]
                  if e["resource"]["resourceType"] in ("Patient", "Coverage")}
        assert shared <= {e["fullUrl"] for e in bundles["patients"]["entry"]}

        with demo_source.operation() as ctx:
            theirs = core_fhir.ids_for(ctx)
        with medoffice_practice.operation("admin") as ctx:
            ours = core_fhir.ids_for(ctx)
        assert theirs.id("Patient", 1) != ours.id("Patient", 1)
        assert theirs.id("Patient", 1) == theirs.id("Patient", 1) != theirs.id("Coverage", 1)


class TestTheChecker:
    """The checker refuses what the exports wrote before bundles were mended (issue 11)."""

    OLD = {"resourceType": "Bundle", "type": "collection", "total": 2, "entry": [
        {"fullUrl": "urn:uuid:patient-110", "resource": {"resourceType": "Patient", "id": "110"}},
        {"fullUrl": "urn:uuid:appointment-7", "resource": {
            "resourceType": "Appointment", "id": "7", "status": "booked", "participant": [
                {"actor": {"reference": "Patient/110"}, "status": "accepted"},
                {"actor": {"reference": "Location/1"}, "status": "accepted"}]}},
        {"fullUrl": "urn:uuid:appointment-7", "resource": {"resourceType": "Appointment", "id": "7",
                                                            "status": "booked", "participant": []}}]}

    def test_the_old_bundle_breaks_each_rule_it_broke(self):
        problems = bundle_problems(self.OLD)
        assert problems == [
            "Bundle.entry.resource.participant is empty (FHIR JSON leaves empty elements out)",
            "bdl-1: total only when a search or history",
            "entry 1: 'urn:uuid:patient-110' is not urn:uuid: and a lower-case UUID",
            "entry 2: 'urn:uuid:appointment-7' is not urn:uuid: and a lower-case UUID",
            "entry 3: 'urn:uuid:appointment-7' is not urn:uuid: and a lower-case UUID",
            "bdl-7: entries 2 and 3 share the fullUrl urn:uuid:appointment-7",
            "entry 2: Appointment.participant.actor -> Location/1 does not resolve inside the bundle",
        ]

    def test_a_reference_to_the_wrong_kind_of_resource_is_refused(self):
        patient = "urn:uuid:0b7c9a5e-4d1f-4b8e-9c1a-2f3e4d5c6b7a"
        slot = {"fullUrl": "urn:uuid:1c8d0b6f-5e2a-4c9f-8d2b-3a4f5e6d7c8b", "resource": {
            "resourceType": "Slot", "id": "1c8d0b6f-5e2a-4c9f-8d2b-3a4f5e6d7c8b", "schedule": {"reference": patient},
            "status": "free", "start": "2026-01-01T10:00:00Z", "end": "2026-01-01T10:30:00Z"}}
        bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
            {"fullUrl": patient, "resource": {"resourceType": "Patient", "id": patient[9:]}}, slot]}
        assert bundle_problems(bundle) == [
            f"entry 2: Slot.schedule -> {patient} is a Patient, not one of ['Schedule']"]

    def test_transactions_need_requests_and_collections_refuse_them(self):
        entry = {"fullUrl": "urn:uuid:0b7c9a5e-4d1f-4b8e-9c1a-2f3e4d5c6b7a",
                 "resource": {"resourceType": "Patient", "id": "0b7c9a5e-4d1f-4b8e-9c1a-2f3e4d5c6b7a"}}
        assert bundle_problems({"resourceType": "Bundle", "type": "transaction", "entry": [entry]}) == [
            "bdl-3: entry 1: request missing"]
        requested = {**entry, "request": {"method": "POST", "url": "Patient"}}
        assert bundle_problems({"resourceType": "Bundle", "type": "collection", "entry": [requested]}) == [
            "bdl-3: entry 1: request not allowed"]
