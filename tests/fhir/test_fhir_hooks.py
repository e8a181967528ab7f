"""The FHIR hooks as a plugin author meets them: a plugin of "alerts" on patients adds a
``Flag`` per alert to the patients' export, and takes the Flags of an imported bundle."""

from __future__ import annotations

import io
import json

import pytest

from medoffice.core import PluginInfo, hookimpl
from medoffice.core.errors import PluginError, ValidationError
from medoffice.core.records import FhirImported
from medoffice.core.services import patient_fhir, patients

from ._checks import check_bundle


class Alerts:
    """Alerts kept in memory: patient id -> texts."""

    plugin_info = PluginInfo(id="alerts", title="Alerts", api_version=1)

    def __init__(self) -> None:
        self.alerts: dict[int, list[str]] = {}
        self.checked: list = []
        self.broken = False

    @hookimpl
    def medoffice_fhir_patient_resources(self, ctx, patients, ids):
        return [{"resourceType": "Flag", "id": ids.id("Flag", f"{p.id}-{n}"), "status": "active",
                 "code": {"text": text}, "subject": ids.reference("Patient", p.id)}
                for p in patients for n, text in enumerate(self.alerts.get(p.id, []))]

    def _flags(self, bundle):
        for entry in bundle.entries:
            if entry.resource_type == "Flag":
                yield entry, bundle.resolve(entry.resource.get("subject"))

    @hookimpl
    def medoffice_fhir_import_check(self, ctx, bundle):
        self.checked.append(dict(bundle.patients))
        return [f"{entry.label}: its subject is not a Patient of this bundle"
                for entry, subject in self._flags(bundle) if subject is None or subject.resource_type != "Patient"]

    @hookimpl
    def medoffice_fhir_import(self, ctx, bundle):
        if self.broken:
            raise RuntimeError("disk on fire")
        flags = list(self._flags(bundle))
        if not flags:
            return None
        created = 0
        for entry, subject in flags:
            patient = bundle.patients[subject.number]
            texts = self.alerts.setdefault(patient.id, [])
            if entry.resource["code"]["text"] not in texts:
                texts.append(entry.resource["code"]["text"])
                created += 1
        return FhirImported("alerts", created=created, unchanged=len(flags) - created)


@pytest.fixture
def alerts() -> Alerts:
    return Alerts()


@pytest.fixture
def medoffice_extra_plugins(alerts):
    return [alerts]


pytestmark = pytest.mark.medoffice_plugins()


def register_ann(practice):
    with practice.operation("frontdesk") as ctx:
        return patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                       "sex": "f"}).patient


def test_hook_fhir_patient_resources_puts_a_plugins_resources_in_the_export(medoffice_practice, alerts):
    ann = register_ann(medoffice_practice)
    alerts.alerts[ann.id] = ["latex allergy", "hard of hearing"]
    with medoffice_practice.operation("manager") as ctx:
        document = check_bundle(patient_fhir.export_bundle(ctx))
    flags = [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Flag"]
    (patient_url,) = [e["fullUrl"] for e in document["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert [(f["code"]["text"], f["subject"]["reference"]) for f in flags] == [
        ("latex allergy", patient_url), ("hard of hearing", patient_url)]


def test_hook_fhir_import_check_sees_the_matched_patients_and_its_refusal_stops_everything(medoffice_practice,
                                                                                            alerts):
    ann = register_ann(medoffice_practice)
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:11111111-1111-4111-8111-111111111111", "resource": {
            "resourceType": "Patient", "name": [{"family": "Lee", "given": ["Ann"]}], "gender": "female",
            "birthDate": "1970-01-02"}},
        {"fullUrl": "urn:uuid:22222222-2222-4222-8222-222222222222", "resource": {
            "resourceType": "Patient", "name": [{"family": "Kim", "given": ["Bo"]}], "gender": "male",
            "birthDate": "1980-03-04"}},
        {"fullUrl": "urn:uuid:33333333-3333-4333-8333-333333333333", "resource": {
            "resourceType": "Flag", "status": "active", "code": {"text": "fall risk"},
            "subject": {"reference": "urn:uuid:44444444-4444-4444-8444-444444444444"}}}]}
    with pytest.raises(ValidationError) as refused, medoffice_practice.operation("manager") as ctx:
        patient_fhir.import_bundle(ctx, io.StringIO(json.dumps(bundle)))
    assert str(refused.value) == ("nothing imported; 1 bad entry: entry 3 (Flag urn:uuid:33333333-3333-4333-8333-"
                                  "333333333333): its subject is not a Patient of this bundle")
    assert alerts.checked == [{1: ann, 2: None}]  # Ann matched by name and birth date, Bo is new
    with medoffice_practice.operation("admin") as ctx:
        assert [p.mrn for p in patients.iter_all(ctx)] == [ann.mrn]


def test_hook_fhir_import_gets_the_saved_patients_and_says_what_it_did(medoffice_practice, alerts):
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:11111111-1111-4111-8111-111111111111", "resource": {
            "resourceType": "Patient", "name": [{"family": "Lee", "given": ["Ann"]}], "gender": "female",
            "birthDate": "1970-01-02"}},
        {"fullUrl": "urn:uuid:33333333-3333-4333-8333-333333333333", "resource": {
            "resourceType": "Flag", "status": "active", "code": {"text": "fall risk"},
            "subject": {"reference": "urn:uuid:11111111-1111-4111-8111-111111111111"}}}]}
    path_text = json.dumps(bundle)
    first = medoffice_practice.cli("patients", "import", "--format", "fhir", "-", user="manager", input=path_text)
    assert (first.exit_code, first.stdout) == (0, "patients: created 1, updated 0, unchanged 0\n"
                                                  "alerts: created 1, updated 0, unchanged 0\n"), first.stderr
    again = medoffice_practice.cli("patients", "import", "--format", "fhir", "-", "--json", user="manager",
                                   input=path_text).json()
    assert again["parts"] == [{"what": "alerts", "created": 0, "updated": 0, "unchanged": 1}]
    assert list(alerts.alerts.values()) == [["fall risk"]]

    alerts.broken = True  # a plugin that fails rolls the whole import back, patients included
    bundle["entry"][0]["resource"]["name"][0]["family"] = "Park"
    with pytest.raises(PluginError, match="alerts"), medoffice_practice.operation("manager") as ctx:
        patient_fhir.import_bundle(ctx, io.StringIO(json.dumps(bundle)))
    with medoffice_practice.operation("admin") as ctx:
        assert [p.last_name for p in patients.iter_all(ctx)] == ["Lee"]


def test_without_billing_a_coverage_is_left_alone(medoffice_practice, alerts):
    """The core imports no insurance itself: with no plugin taking Coverage, the patient is
    registered and the Coverage counted among the resources left alone."""
    from pathlib import Path

    text = (Path(__file__).parent / "fixtures" / "synthea-with-coverage.json").read_text(encoding="utf-8")
    result = medoffice_practice.cli("patients", "import", "--format", "fhir", "-", "--json", user="manager",
                                    input=text)
    assert result.exit_code == 0, result.stderr
    assert (len(result.json()["created"]), result.json()["parts"]) == (1, [])
    assert result.json()["ignored"] == len(json.loads(text)["entry"]) - 1
