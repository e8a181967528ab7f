"""The front desk's stories about patients, through the service layer."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core.audit import iter_entries
from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.core.records import PatientRecord
from medoffice.core.services import patients

ANN = {"first_name": "Ann", "last_name": "O'Brien", "date_of_birth": "1970-01-02", "sex": "f",
       "phone": "(555) 010-1234"}


def register(practice, data=ANN, user="frontdesk"):
    with practice.operation(user) as ctx:
        return patients.register(ctx, data)


def count(practice):
    with practice.operation("admin", write=False) as ctx:
        return patients.count(ctx)


class TestRegistering:
    def test_a_new_patient_gets_the_next_mrn(self, medoffice_practice):
        first = register(medoffice_practice).patient
        second = register(medoffice_practice, {**ANN, "first_name": "Bo"}).patient
        assert (first.mrn, second.mrn) == ("000001", "000002")
        assert first.sex == "female" and first.display_name == "O'Brien, Ann"

    def test_the_same_name_and_birth_date_is_flagged_not_refused(self, medoffice_practice):
        first = register(medoffice_practice).patient
        twin = register(medoffice_practice, {**ANN, "first_name": "ann", "phone": ""})
        assert twin.possible_duplicates == (first,)
        assert count(medoffice_practice) == 2

    def test_a_given_mrn_must_be_unused(self, medoffice_practice):
        register(medoffice_practice, {**ANN, "mrn": "A-100"})
        with pytest.raises(Conflict, match="A-100"):
            register(medoffice_practice, {**ANN, "mrn": "a-100"})
        assert count(medoffice_practice) == 1

    def test_a_number_already_given_by_hand_is_skipped_when_the_next_is_drawn(self, medoffice_practice):
        by_hand = register(medoffice_practice, {**ANN, "mrn": "000001"}).patient
        drawn = register(medoffice_practice, {**ANN, "first_name": "ann"})
        assert drawn.patient.mrn == "000002" and drawn.possible_duplicates == (by_hand,)
        assert register(medoffice_practice, {**ANN, "first_name": "Bo"}).patient.mrn == "000003"

    def test_an_operation_registering_many_draws_numbers_in_blocks_and_gives_back_the_rest(self, medoffice_practice):
        """Ten registrations in one operation draw their MRNs 1, 2, 4… at a time and hand them
        out in order; the numbers left over go back, so the next desk goes on from the last
        one; a savepoint rolled back never makes a number handed out twice."""
        from sqlalchemy import event

        p = medoffice_practice
        drawn: list[str] = []

        def note(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("UPDATE CORE_PRACTICE"):
                drawn.append(statement)

        event.listen(p.runtime.engine, "before_cursor_execute", note)
        try:
            with p.operation("frontdesk") as ctx:
                made = [patients.register(ctx, {**ANN, "first_name": f"Kid{n}"}).patient.mrn for n in range(10)]
        finally:
            event.remove(p.runtime.engine, "before_cursor_execute", note)
        assert made == [f"{n:06d}" for n in range(1, 11)]
        assert len(drawn) == 5  # 1 + 2 + 4 + 8 drawn, and the 5 left over given back
        assert register(p, {**ANN, "first_name": "Next"}).patient.mrn == "000011"
        with p.operation("frontdesk") as ctx:
            assert patients.register(ctx, {**ANN, "first_name": "Kept"}).patient.mrn == "000012"
            savepoint = ctx.session.begin_nested()
            assert patients.register(ctx, {**ANN, "first_name": "Undone"}).patient.mrn == "000013"
            savepoint.rollback()
            after = patients.register(ctx, {**ANN, "first_name": "After"}).patient.mrn
        assert after not in {"000011", "000012"}
        assert register(p, {**ANN, "first_name": "Last"}).patient.mrn not in {"000011", "000012", after}

    def test_every_bad_field_is_reported_and_nothing_is_saved(self, medoffice_practice):
        bad = {**ANN, "date_of_birth": "1970-02-30", "email": "nope", "sex": "?"}
        with pytest.raises(ValidationError) as info:
            register(medoffice_practice, bad)
        assert set(info.value.errors) == {"date_of_birth", "email", "sex"}
        assert count(medoffice_practice) == 0

    @pytest.mark.parametrize(("field", "typed", "words"), [
        ("first_name", "Ann\x1b]0;x\x07", "first name may not hold a control character (\\x1b)"),
        ("first_name", "   ", "first name is required"),
        ("last_name", "L" * 81, "last name is longer than 80 characters"),
        ("middle_name", "a\nb", "middle name may not hold a line break (\\n)"),
        ("date_of_birth", "2999-01-01", "date of birth 2999-01-01 is in the future"),
        ("date_of_birth", "1800-01-01", "date of birth 1800-01-01 is more than 130 years ago"),
        ("date_of_birth", "1970-02-30", "date of birth must be a real date as YYYY-MM-DD, got '1970-02-30'"),
        ("sex", "?", "sex must be one of female, male, other, unknown, got '?'"),
        ("phone", "555-CALL-NOW", "phone may hold only digits, spaces and ()+-. , got '555-CALL-NOW'"),
        ("phone", "12", "phone must have 7 to 15 digits, got '12'"),
        ("email", "nope", "email 'nope' is not an address"),
        ("state", "I\u202eL", "state may not hold an invisible formatting character (\\u202e)"),
        ("postal_code", "ab", "postal code 'ab' is not a postal code"),
        ("reminders", "maybe", "reminders must be yes or no, got 'maybe'"),
        ("mrn", "bad mrn", "MRN must be 1 to 20 letters, digits or hyphens, got 'bad mrn'"),
    ])
    def test_each_refusal_names_the_field_in_its_own_words(self, medoffice_practice, field, typed, words):
        """The desk's form is judged by quick checks first; anything unusual goes to the
        field's own parser, so a refusal reads the same however the form was judged."""
        with pytest.raises(ValidationError) as info:
            register(medoffice_practice, {**ANN, field: typed})
        assert info.value.errors == {field: words}
        assert count(medoffice_practice) == 0

    def test_what_is_typed_unusually_but_well_is_kept_as_the_parsers_read_it(self, medoffice_practice):
        registered = register(medoffice_practice, {**ANN, "date_of_birth": " 01/02/1970 ", "sex": " FEMALE ",
                                                    "state": " il ", "mrn": " a-7 ", "reminders": " Yes "}).patient
        assert (registered.date_of_birth, registered.sex, registered.address.state, registered.mrn,
                registered.reminders) == (dt.date(1970, 1, 2), "female", "IL", "A-7", True)

    def test_a_registration_is_one_statement_on_postgresql_and_three_on_sqlite(self, medoffice_practice):
        """Once its MRN is drawn: the likely duplicates and whether the MRN is on file, the
        patient and its search terms (one statement with PostgreSQL's inserts in ``WITH``)."""
        from sqlalchemy import event

        p = medoffice_practice
        seen: list[str] = []

        def note(conn, cursor, statement, parameters, context, executemany):
            seen.append(statement)

        with p.operation("frontdesk") as ctx:
            patients.register(ctx, ANN)
            event.listen(p.runtime.engine, "before_cursor_execute", note)
            try:
                patients.register(ctx, {**ANN, "first_name": "Ann Marie", "mrn": "A-1"})  # a term for "marie"
            finally:
                event.remove(p.runtime.engine, "before_cursor_execute", note)
        assert len(seen) == (1 if p.runtime.engine.dialect.name == "postgresql" else 3)

    def test_a_drawn_number_on_file_is_skipped_and_the_patient_is_found_by_a_later_word_and_phone(
            self, medoffice_practice):
        register(medoffice_practice, {**ANN, "mrn": "000001"})
        drawn = register(medoffice_practice, {**ANN, "first_name": "Ngozi", "last_name": "Okonkwo-Reyes",
                                              "phone": "(555) 777-4433"}).patient
        assert drawn.mrn == "000002"
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert [m.patient.mrn for m in patients.find(ctx, "reyes")] == ["000002"]
            assert [m.patient.mrn for m in patients.find(ctx, "4433")] == ["000002"]

    def test_billing_may_read_but_not_register(self, medoffice_practice):
        with pytest.raises(PermissionDenied, match="patients.write"):
            register(medoffice_practice, user="billing")


class TestFinding:
    @pytest.fixture
    def people(self, medoffice_practice):
        for first, last, born, phone in [
            ("Ann", "O'Brien", "1970-01-02", "555-010-1234"),
            ("Brian", "Obst", "1985-06-07", "555-010-9999"),
            ("Obi", "Smith", "1990-03-04", ""),
            ("Carla", "Smithers", "2001-11-12", ""),
        ]:
            register(medoffice_practice, {"first_name": first, "last_name": last, "date_of_birth": born, "sex": "u",
                                          "phone": phone})
        return medoffice_practice

    def find(self, practice, text, **kwargs):
        with practice.operation("billing", write=False) as ctx:
            return [(m.patient.first_name, m.reason) for m in patients.find(ctx, text, **kwargs)]

    def test_a_fragment_matches_last_names_before_first_names(self, people):
        assert self.find(people, "ob") == [("Ann", "last name"), ("Brian", "last name"), ("Obi", "first name")]

    def test_punctuation_in_names_does_not_get_in_the_way(self, people):
        assert self.find(people, "obrien")[0] == ("Ann", "last name")

    def test_an_exact_last_name_ranks_first(self, people):
        assert [name for name, _ in self.find(people, "smith")] == ["Obi", "Carla"]

    def test_last_comma_first(self, people):
        assert self.find(people, "smith, c") == [("Carla", "name")]

    def test_first_then_last(self, people):
        assert self.find(people, "carla smi") == [("Carla", "name")]

    def test_birth_date_in_either_format(self, people):
        assert self.find(people, "1985-06-07") == [("Brian", "date of birth")]
        assert self.find(people, "06/07/1985") == [("Brian", "date of birth")]

    def test_phone_digits_however_typed(self, people):
        assert self.find(people, "(555) 010-9999") == [("Brian", "phone")]

    def test_mrn(self, people):
        assert self.find(people, "000003") == [("Obi", "MRN")]

    def test_inactive_patients_are_hidden_unless_asked(self, people):
        with people.operation("frontdesk") as ctx:
            patients.set_active(ctx, "000003", False)
        assert ("Obi", "first name") not in self.find(people, "ob")
        assert ("Obi", "first name") in self.find(people, "ob", include_inactive=True)

    def test_more_matches_than_the_limit_give_the_first_ones_by_name(self, people):
        """Twelve more Smiths, registered in reverse order: a search for three gets the first
        three by first name, not the first three registered."""
        for first in ("Lou", "Kim", "Jo", "Ida", "Hal", "Gus", "Flo", "Eve", "Dee", "Cy", "Bea", "Al"):
            register(people, {"first_name": first, "last_name": "Smith", "date_of_birth": "1960-01-01", "sex": "u"})
        assert [name for name, _ in self.find(people, "smith", limit=3)] == ["Al", "Bea", "Cy"]
        assert [name for name, _ in self.find(people, "smith, ", limit=3)] == ["Al", "Bea", "Cy"]

    def test_an_empty_search_is_refused(self, people):
        with pytest.raises(ValidationError):
            self.find(people, "   ")


class TestEditing:
    def test_an_edit_keeps_history_and_refuses_bad_values_whole(self, medoffice_practice):
        patient = register(medoffice_practice).patient
        with pytest.raises(ValidationError):
            with medoffice_practice.operation("frontdesk") as ctx:
                patients.update(ctx, patient.mrn, {"phone": "555-010-2222", "date_of_birth": "tomorrow"})
        with medoffice_practice.operation("frontdesk") as ctx:
            assert patients.get(ctx, patient.mrn).phone == "(555) 010-1234"
            after = patients.update(ctx, patient.mrn, {"last_name": "OBrien-Lee"})
        assert after.last_name == "OBrien-Lee"

    def test_the_mrn_cannot_change_and_a_name_cannot_be_blanked(self, medoffice_practice):
        patient = register(medoffice_practice).patient
        with medoffice_practice.operation("frontdesk") as ctx:
            with pytest.raises(ValidationError, match="MRN"):
                patients.update(ctx, patient.mrn, {"mrn": "X1"})
            with pytest.raises(ValidationError, match="first name"):
                patients.update(ctx, patient.mrn, {"first_name": " "})

    def test_an_unknown_mrn_is_not_found(self, medoffice_practice):
        with pytest.raises(NotFound, match="no patient with MRN 'ZZZ'"):
            with medoffice_practice.operation("frontdesk") as ctx:
                patients.open_record(ctx, "ZZZ")


class TestReminderConsent:
    """A patient agrees to appointment reminders until they say no, and the office records it."""

    @pytest.mark.parametrize("typed, agrees", [
        ("yes", True), ("no", False), ("Y", True), ("n", False), ("true", True), ("FALSE", False),
        (True, True), (False, False),
    ])
    def test_yes_or_no_however_typed(self, medoffice_practice, typed, agrees):
        patient = register(medoffice_practice, {**ANN, "reminders": typed}).patient
        assert patient.reminders is agrees

    @pytest.mark.parametrize("data", [ANN, {**ANN, "reminders": " "}], ids=["not given", "blank"])
    def test_a_new_patient_agrees_unless_they_say_no(self, medoffice_practice, data):
        assert register(medoffice_practice, data).patient.reminders is True

    def test_a_record_built_without_it_agrees(self):
        """Plugins that build records themselves keep working after the field came."""
        record = PatientRecord(id=1, mrn="000001", first_name="Ann", last_name="Lee",
                               date_of_birth=dt.date(1970, 1, 2), sex="female")
        assert record.reminders is True

    def test_anything_but_yes_or_no_is_refused_by_name_and_nothing_is_saved(self, medoffice_practice):
        with pytest.raises(ValidationError) as info:
            register(medoffice_practice, {**ANN, "reminders": "maybe", "email": "nope"})
        assert info.value.errors["reminders"] == "reminders must be yes or no, got 'maybe'"
        assert set(info.value.errors) == {"reminders", "email"}
        assert count(medoffice_practice) == 0

    def test_refusing_keeps_history_and_a_blank_edit_changes_nothing(self, medoffice_practice):
        patient = register(medoffice_practice).patient
        with medoffice_practice.operation("frontdesk") as ctx:
            refused = patients.update(ctx, patient.mrn, {"reminders": "no"})
            with pytest.raises(ValidationError, match="reminders must be yes or no, got ''"):
                patients.update(ctx, patient.mrn, {"reminders": ""})
        with medoffice_practice.operation("frontdesk") as ctx:
            assert patients.get(ctx, patient.mrn).reminders is False
            again = patients.update(ctx, patient.mrn, {"reminders": "n"})
        assert (refused.reminders, again) == (False, refused)
        with medoffice_practice.operation("manager", write=False) as ctx:
            (entry,) = list(iter_entries(ctx.session, action="patient.updated"))
        assert entry.summary == {"changed": {"reminders": [True, False]}}
