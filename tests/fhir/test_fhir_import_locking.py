"""A FHIR import checks its bundle without the write lock: while it parses, matches and asks
the plugins to check, another desk registers a patient (on SQLite, one writer at a time, that
desk used to wait for the whole check). What another desk changed meanwhile is read again
under the lock, so the import still writes all of it or nothing, on what is on file."""

from __future__ import annotations

import threading


from medoffice.core.services import patient_fhir, patients

from .test_fhir_import import all_patients, bundle_of, patient, run_import, write


def register(practice, first, last="Desk", mrn=None):
    with practice.operation("frontdesk") as ctx:
        fields = {"first_name": first, "last_name": last, "date_of_birth": "1980-02-03", "sex": "f"}
        return patients.register(ctx, {**fields, **({"mrn": mrn} if mrn else {})}).patient.mrn


def test_another_desk_registers_while_the_bundle_is_checked(medoffice_practice, tmp_path, monkeypatch):
    path = write(tmp_path, bundle_of(patient(), patient(name=[{"family": "Ng", "given": ["Bo"]}],
                                                         birthDate="1971-03-04")))
    made = patient_fhir.parse_patient
    desk: dict[str, object] = {}

    def the_desk_registers_meanwhile(entry, today):
        if entry.number == 2:  # the first entry was matched already: a write would hold the lock now
            worker = threading.Thread(target=lambda: desk.setdefault("mrn", register(medoffice_practice, "Cy")))
            worker.start()
            worker.join(timeout=5)
            desk["waited"] = worker.is_alive()
        return made(entry, today)

    monkeypatch.setattr(patient_fhir, "parse_patient", the_desk_registers_meanwhile)
    result = run_import(medoffice_practice, path)
    assert result.exit_code == 0, result.stderr
    assert desk["waited"] is False, "the desk waited for the import's check"
    names = {(p["last_name"], p["first_name"]) for p in all_patients(medoffice_practice).values()}
    assert {("Lee", "Ann"), ("Ng", "Bo"), ("Desk", "Cy")} <= names


def test_a_patient_changed_by_another_desk_during_the_check_is_matched_again(medoffice_practice, tmp_path,
                                                                            monkeypatch):
    """The bundle updates the patient with MRN M; between the check and the write another desk
    corrects M's birth date, so the bundle's patient is no longer M: the import checks again
    under the lock and refuses, writing nothing, instead of overwriting M."""
    mrn = register(medoffice_practice, "Ann", last="Lee")
    path = write(tmp_path, bundle_of(patient(identifier=[{"system": "urn:medoffice:mrn", "value": mrn}],
                                             name=[{"family": "Lee", "given": ["Ann"]}], birthDate="1980-02-03",
                                             telecom=[{"system": "phone", "value": "555-010-4433"}])))
    made = patient_fhir._checked
    calls = []

    def then_the_desk_corrects_her(ctx, document):
        calls.append(ctx.write)
        found = made(ctx, document)
        if len(calls) == 1:
            with medoffice_practice.operation("frontdesk") as desk:
                patients.update(desk, mrn, {"date_of_birth": "1999-09-09", "last_name": "Young",
                                            "first_name": "Bea"})
        return found

    monkeypatch.setattr(patient_fhir, "_checked", then_the_desk_corrects_her)
    result = run_import(medoffice_practice, path)
    assert calls == [False, True], result.stderr
    assert (result.exit_code, result.stdout) == (1, "")
    assert f"MRN {mrn} is Young, Bea's" in result.stderr, result.stderr
    assert all_patients(medoffice_practice)[mrn]["phone"] in (None, "")
