"""``medoffice patients import --format fhir``: patients (and, with billing, their insurance)
from a FHIR R4 Bundle, all or nothing, safe to run twice.

The bundles come from three places: our own export (a round trip into a fresh practice must
give back every patient and policy exactly), bundles shaped like those of the Synthea patient
generator (``fixtures/``, made by ``_synthea.py``: transactions full of resource types we do
not import, extensions, several names and addresses), and hostile files.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from medoffice.core.services import patient_fhir, patients
from medoffice.plugins.billing import payers, policies

from ._checks import check_bundle
from .test_fhir_exports import twin_merged

FIXTURES = Path(__file__).parent / "fixtures"
PATIENT_URL = "urn:uuid:5f0c4a1e-8b7d-4c2a-9e3f-1a2b3c4d5e6f"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def write(tmp_path: Path, document, name: str = "bundle.json") -> Path:
    path = tmp_path / name
    if isinstance(document, bytes):
        path.write_bytes(document)
    else:
        path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def run_import(practice, path: Path, user: str = "manager", *more: str):
    return practice.cli("patients", "import", "--format", "fhir", str(path), *more, user=user)


def all_patients(runtime_or_practice, **kw) -> dict[str, dict]:
    operation = (runtime_or_practice.operation("admin") if hasattr(runtime_or_practice, "cli")
                 else runtime_or_practice.operation())
    with operation as ctx:
        return {p.mrn: {k: v for k, v in attrs.asdict(p).items() if k != "id"}
                for p in patients.iter_all(ctx, include_inactive=True)}


def all_policies(runtime_or_practice) -> dict[str, list[dict]]:
    operation = (runtime_or_practice.operation("admin") if hasattr(runtime_or_practice, "cli")
                 else runtime_or_practice.operation())
    with operation as ctx:
        return {p.mrn: [{k: v for k, v in attrs.asdict(r).items() if k not in ("id", "patient_id", "payer_id")}
                        for r in policies.list_policies(ctx, p.mrn)]
                for p in patients.iter_all(ctx, include_inactive=True)}


def add_payers(practice, names_or_records) -> None:
    with practice.operation("admin") as ctx:
        for payer in names_or_records:
            if isinstance(payer, str):
                payers.add_payer(ctx, {"name": payer, "payer_code": payer.upper().replace(" ", "")[:10]})
            else:
                payers.add_payer(ctx, {"name": payer.name, "payer_code": payer.payer_code,
                                       "claim_filing_code": payer.claim_filing_code,
                                       "address_line1": payer.address.line1, "city": payer.address.city,
                                       "state": payer.address.state, "postal_code": payer.address.postal_code,
                                       "phone": payer.phone})


def count(practice) -> tuple[int, int]:
    found = all_policies(practice)
    return len(found), sum(len(v) for v in found.values())


class TestRoundTrip:
    def test_a_demo_practice_exported_and_imported_into_a_fresh_one_is_the_same(self, demo_source,
                                                                               medoffice_practice, tmp_path):
        """Every patient (inactive and merged ones too, consent to reminders, emergency
        contact) and every active policy (subscriber, group, copay, dates) comes back as it
        was, under the same MRN; importing again adds nothing."""
        kept, _absorbed = twin_merged(demo_source)
        with demo_source.operation() as ctx:
            patients.update(ctx, kept, {"reminders": "no", "emergency_relationship": "daughter"})
            bundle = patient_fhir.export_bundle(ctx)
            source_payers = payers.list_payers(ctx, include_inactive=True)
        path = write(tmp_path, check_bundle(bundle))
        add_payers(medoffice_practice, source_payers)

        first = run_import(medoffice_practice, path, "manager", "--json")
        assert first.exit_code == 0, first.stderr
        expected = all_patients(demo_source)
        assert (len(first.json()["created"]), first.json()["parts"]) == (len(expected), [
            {"what": "insurance policies", "created": sum(len(v) for v in all_policies(demo_source).values()),
             "updated": 0, "unchanged": 0}])
        got = all_patients(medoffice_practice)
        assert {m: {k: (v, got[m][k]) for k, v in p.items() if got[m][k] != v} for m, p in expected.items()} == {m: {} for m in expected}
        assert got == expected
        assert {mrn: p for mrn, p in all_policies(medoffice_practice).items()} == all_policies(demo_source)
        assert any(not p["active"] for p in expected.values()) and any(not p["reminders"] for p in expected.values())

        again = run_import(medoffice_practice, path, "manager", "--json").json()
        assert (again["created"], again["updated"], len(again["unchanged"])) == ([], [], len(expected))
        assert again["parts"][0]["created"] == 0 and again["parts"][0]["unchanged"] > 0
        assert all_policies(medoffice_practice) == all_policies(demo_source)


class TestSyntheaBundles:
    def test_a_generated_person_is_registered_and_the_rest_left_alone(self, medoffice_practice, tmp_path):
        """The official name (not the maiden one), the current home address (not the old one),
        the home phone, the coded language; the hospital's MR (a UUID) is not taken for ours.
        The Coverages inside the ExplanationOfBenefits are not policies."""
        bundle = fixture("synthea-one-person.json")
        check_bundle(bundle)
        add_payers(medoffice_practice, ["Medicare", "Medicaid", "Blue Cross Blue Shield", "Aetna",
                                        "UnitedHealthcare", "Humana"])
        result = run_import(medoffice_practice, write(tmp_path, bundle))
        assert result.exit_code == 0, result.stderr
        assert result.stdout == "patients: created 1, updated 0, unchanged 0\n"  # no Coverage: no policy line
        assert result.stderr == f"left alone: {len(bundle['entry']) - 1} other resources\n"
        source = bundle["entry"][0]["resource"]
        official = source["name"][0]
        (mrn, patient), = all_patients(medoffice_practice).items()
        assert patient == {
            "mrn": mrn, "first_name": official["given"][0],
            "middle_name": official["given"][1] if len(official["given"]) > 1 else None,
            "last_name": official["family"], "date_of_birth": patients.parse_patient_fields(
                {"date_of_birth": source["birthDate"]}, new=False, today=__import__("datetime").date.today()
            )["date_of_birth"], "sex": source["gender"], "phone": source["telecom"][0]["value"], "email": None,
            "address": attrs.asdict(patients.Address(
                source["address"][0]["line"][0],
                source["address"][0]["line"][1] if len(source["address"][0]["line"]) > 1 else None,
                source["address"][0]["city"], "Massachusetts", source["address"][0]["postalCode"])),
            "preferred_language": "English (United States)",
            "emergency_contact": {"name": None, "phone": None, "relationship": None},
            "active": True, "reminders": True, "inactive_reason": None}
        assert mrn == "000001"
        assert count(medoffice_practice) == (1, 0)
        again = run_import(medoffice_practice, write(tmp_path, bundle))
        assert again.stdout.startswith("patients: created 0, updated 0, unchanged 1\n")
        assert count(medoffice_practice) == (1, 0)

    def test_a_coverage_of_a_known_payer_becomes_a_policy(self, medoffice_practice, tmp_path):
        bundle = fixture("synthea-with-coverage.json")
        check_bundle(bundle)
        (coverage,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Coverage"]
        add_payers(medoffice_practice, [coverage["payor"][0]["display"]])
        path = write(tmp_path, bundle)
        assert run_import(medoffice_practice, path).exit_code == 0
        ((mrn, (policy,)),) = all_policies(medoffice_practice).items()
        assert (policy["payer"], policy["rank"], policy["relationship"], policy["member_id"], policy["group_number"],
                policy["group_name"], str(policy["effective_from"])) == (
            coverage["payor"][0]["display"], "primary", "self", coverage["subscriberId"],
            coverage["class"][0]["value"], "Employer group", "2020-01-01")
        again = run_import(medoffice_practice, path)
        assert again.stdout.endswith("insurance policies: created 0, updated 0, unchanged 1\n")
        assert count(medoffice_practice) == (1, 1)

    def test_a_coverage_of_an_unknown_payer_stops_the_import(self, medoffice_practice, tmp_path):
        bundle = fixture("synthea-with-coverage.json")
        number, entry = next((n, e) for n, e in enumerate(bundle["entry"], start=1)
                             if e["resource"]["resourceType"] == "Coverage")
        result = run_import(medoffice_practice, write(tmp_path, bundle))
        payer = entry["resource"]["payor"][0]["display"]
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (
            f"error: nothing imported; 1 bad entry: entry {number} (Coverage {entry['fullUrl']}): no payer of the "
            f"practice is named {payer!r} (add it with 'medoffice billing payers add', then import again)\n")
        assert count(medoffice_practice) == (0, 0)

    def test_three_people_in_one_feed(self, medoffice_practice, tmp_path):
        bundle = fixture("synthea-three-people.json")
        check_bundle(bundle)
        add_payers(medoffice_practice, ["Medicare", "Medicaid", "Blue Cross Blue Shield", "Aetna",
                                        "UnitedHealthcare", "Humana"])
        first = run_import(medoffice_practice, write(tmp_path, bundle), "manager", "--json").json()
        assert (len(first["created"]), first["parts"][0]["created"]) == (3, 1)
        second = run_import(medoffice_practice, write(tmp_path, bundle), "manager", "--json").json()
        assert (second["created"], len(second["unchanged"]), second["parts"][0]["created"]) == ([], 3, 0)
        assert count(medoffice_practice) == (3, 1)


def patient(**changes) -> dict:
    resource = {"resourceType": "Patient", "name": [{"family": "Lee", "given": ["Ann"]}], "gender": "female",
                "birthDate": "1970-01-02"}
    resource.update(changes)
    return {key: value for key, value in resource.items() if value is not None}


def bundle_of(*resources, urls=None) -> dict:
    urls = urls or [f"urn:uuid:5f0c4a1e-8b7d-4c2a-9e3f-1a2b3c4d5e{n:02x}" for n in range(len(resources))]
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"fullUrl": url, "resource": r} for url, r in zip(urls, resources)]}


HUGE = "x" * 5_000_000
ONE = "urn:uuid:5f0c4a1e-8b7d-4c2a-9e3f-1a2b3c4d5e00"
TWO = "urn:uuid:5f0c4a1e-8b7d-4c2a-9e3f-1a2b3c4d5e01"


class TestHostileInput:
    @pytest.mark.parametrize(("content", "message"), [
        (b"not json at all", "the file is not JSON: Expecting value at line 1, column 1"),
        (b"\xff\xfe\x00garbage", "the file is not UTF-8 text (byte 0)"),
        (b"[1, 2]", "the file is not a FHIR Bundle: its JSON is a list, not an object"),
        (json.dumps(patient()), "the file is not a FHIR Bundle: its resourceType is 'Patient'"),
        (json.dumps({"resourceType": "Bundle", "type": "collection", "entry": {"a": 1}}),
         "the Bundle's entry is not a list"),
        ("[" * 200_000 + "]" * 200_000, "the file is not JSON a FHIR bundle can be: maximum recursion depth "
                                        "exceeded while decoding a JSON array from a unicode str…"),
        ('{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient", "birthDate": NaN}}]}',
         "the file is not JSON a FHIR bundle can be: NaN is not a JSON number"),
        (json.dumps(bundle_of(patient(birthDate=None))),
         f"nothing imported; 1 bad entry: entry 1 (Patient {ONE}): birthDate is required"),
        (json.dumps(bundle_of(patient(gender="M"))),
         f"nothing imported; 1 bad entry: entry 1 (Patient {ONE}): gender must be one of female, male, other, "
         "unknown, got 'M'"),
        (json.dumps(bundle_of(patient(birthDate="1970"))),
         f"nothing imported; 1 bad entry: entry 1 (Patient {ONE}): date of birth must be a real date as "
         "YYYY-MM-DD, got '1970'"),
        (json.dumps(bundle_of(patient(name=[{"family": HUGE, "given": ["Ann"]}]))),
         f"nothing imported; 1 bad entry: entry 1 (Patient {ONE}): last name is longer than 80 characters"),
        (json.dumps(bundle_of(patient(identifier=[{"system": "urn:medoffice:mrn", "value": HUGE}]))),
         f"nothing imported; 1 bad entry: entry 1 (Patient {ONE}): "
         + ("MRN must be 1 to 20 letters, digits or hyphens, got '" + HUGE)[:159] + "…"),  # the value is cut
        (json.dumps(bundle_of(patient(), {"resourceType": "Coverage", "status": "active", "subscriberId": "M1",
                                          "beneficiary": {"reference": "Patient/404"},
                                          "payor": [{"display": "Acme"}]})),
         f"nothing imported; 1 bad entry: entry 2 (Coverage {TWO}): its beneficiary 'Patient/404' is not a "
         "Patient of this bundle"),
        (json.dumps({"resourceType": "Bundle", "type": "collection", "entry": ["text", {"resource": {"a": 1}}]}),
         "nothing imported; 2 bad entries: entry 1: not a JSON object; entry 2: its resource has no resourceType"),
        (json.dumps({"type": "collection", **bundle_of(patient(), patient(name=[{"family": "Kim", "given": ["Bo"]}]),
                                                        urls=[ONE, ONE])}),
         f"nothing imported; 1 bad entry: entry 2: its fullUrl {ONE} is also entry 1's"),
    ], ids=["not-json", "not-utf8", "json-list", "a-patient", "entry-object", "deep-nesting", "nan",
            "no-birth-date", "gender-code", "partial-date", "huge-name", "huge-mrn", "coverage-no-patient",
            "bad-entries", "same-full-url"])
    def test_a_bad_file_is_one_line_exit_1_and_nothing_written(self, medoffice_practice, tmp_path, content,
                                                               message):
        with medoffice_practice.operation("admin") as ctx:
            payers.add_payer(ctx, {"name": "Acme", "payer_code": "ACME"})
        good_first = bundle_of(patient(name=[{"family": "Good", "given": ["Gus"]}]))
        if isinstance(content, str) and content.startswith('{"resourceType": "Bundle", "type": "collection", '
                                                           '"entry": [{"fullUrl"'):
            # a good patient comes first: it must not be written either
            document = json.loads(content)
            document["entry"] = good_first["entry"] + document["entry"]
            for number, entry in enumerate(document["entry"]):
                entry["fullUrl"] = f"urn:uuid:5f0c4a1e-8b7d-4c2a-9e3f-1a2b3c4d5f{number:02x}"
            content = json.dumps(document)
            message = message.replace("entry 2 ", "entry 3 ").replace("entry 1 ", "entry 2 ").replace(
                "5e01", "5f02").replace("5e00", "5f01")
        result = run_import(medoffice_practice, write(tmp_path, content))
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
        assert count(medoffice_practice) == (0, 0)

    def test_an_mrn_of_ours_that_is_someone_elses_is_refused(self, medoffice_practice, tmp_path):
        """A bundle from another practice numbers its patients as we do: 000001 is not our 000001."""
        with medoffice_practice.operation("frontdesk") as ctx:
            patients.register(ctx, {"first_name": "Bo", "last_name": "Kim", "date_of_birth": "1980-03-04",
                                    "sex": "m"})
        ours = [{"system": "urn:medoffice:mrn", "value": "000001"}]
        result = run_import(medoffice_practice, write(tmp_path, bundle_of(patient(identifier=ours))))
        assert result.stderr == (f"error: nothing imported; 1 bad entry: entry 1 (Patient {ONE}): MRN 000001 is "
                                 "Kim, Bo's, born 1980-03-04, not this patient's\n")
        assert list(all_patients(medoffice_practice)) == ["000001"]

    def test_a_file_too_large_is_refused_before_it_is_read(self, medoffice_practice, monkeypatch):
        import io

        from medoffice.core.errors import ValidationError

        monkeypatch.setattr(patient_fhir, "MAX_BYTES", 1024 * 1024)
        with pytest.raises(ValidationError, match="the file is larger than 1 MB; split the bundle"), \
                medoffice_practice.operation("manager") as ctx:
            patient_fhir.import_bundle(ctx, io.BytesIO(b" " * (1024 * 1024 + 1)))

    def test_the_front_desk_may_not_import(self, medoffice_practice, tmp_path):
        result = run_import(medoffice_practice, write(tmp_path, bundle_of(patient())), "frontdesk")
        assert result.exit_code == 1 and "patients.import" in result.stderr
        assert count(medoffice_practice) == (0, 0)

    def test_a_patient_without_our_mrn_matches_by_name_and_birth_date(self, medoffice_practice, tmp_path):
        """Like a CSV row without an MRN: Ann Lee born 1970-01-02 is already here, so she is left alone."""
        with medoffice_practice.operation("frontdesk") as ctx:
            patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                    "sex": "f", "phone": "555-010-1111"})
        result = run_import(medoffice_practice, write(tmp_path, bundle_of(patient(
            telecom=[{"system": "phone", "value": "555-010-9999"}]))), "manager", "--json")
        assert (result.json()["created"], result.json()["unchanged"]) == ([], ["000001"])
        assert all_patients(medoffice_practice)["000001"]["phone"] == "555-010-1111"

    def test_our_mrn_updates_what_differs(self, medoffice_practice, tmp_path):
        with medoffice_practice.operation("frontdesk") as ctx:
            patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                    "sex": "f", "phone": "555-010-1111"})
        ours = [{"system": "urn:medoffice:mrn", "value": "000001"}]
        moved = patient(identifier=ours, telecom=[{"system": "phone", "value": "555-010-2222"}],
                        address=[{"use": "home", "line": ["9 New St"], "city": "Salem", "state": "MA",
                                  "postalCode": "01970"}])
        result = run_import(medoffice_practice, write(tmp_path, bundle_of(moved)), "manager", "--json")
        assert result.json()["updated"] == ["000001"]
        after = all_patients(medoffice_practice)["000001"]
        assert (after["phone"], after["address"]["city"]) == ("555-010-2222", "Salem")
