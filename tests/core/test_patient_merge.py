"""Two records of one person: the front desk merges them, or deactivates one, through the
core's service; a stand-in plugin plays the part of the plugins that move rows."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from medoffice.core import PluginInfo, hookimpl
from medoffice.core.audit import iter_entries
from medoffice.core.errors import Conflict, NotFound, PermissionDenied, PluginError, ValidationError
from medoffice.core.records import MergePreview, MovedRow
from medoffice.core.services import patient_merge, patients
from medoffice.core.storage.models import MergedRow, PatientMergeRow

ANN = {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02", "sex": "f"}


class Mover:
    """A plugin with "notes" on patients: it previews, refuses when told to, and moves."""

    plugin_info = PluginInfo(id="mover", title="Notes", api_version=1)

    def __init__(self) -> None:
        self.notes: dict[int, list[int]] = {}
        self.refuse: str | None = None
        self.fail = False
        self.merges: list = []

    @hookimpl
    def medoffice_patient_merge_preview(self, ctx, merge):
        mine = self.notes.get(merge.absorb.id, [])
        if not mine and not self.refuse:
            return None
        return MergePreview([f"{len(mine)} notes"] if mine else [], self.refuse)

    @hookimpl
    def medoffice_patient_merge(self, ctx, merge):
        self.merges.append(merge)
        if self.fail:
            raise RuntimeError("disk on fire")
        moved = self.notes.pop(merge.absorb.id, [])
        self.notes.setdefault(merge.keep.id, []).extend(moved)
        return [MovedRow("mover_note", n) for n in moved]


@pytest.fixture
def mover() -> Mover:
    return Mover()


@pytest.fixture
def medoffice_extra_plugins(mover):
    return [mover]


pytestmark = pytest.mark.medoffice_plugins()


@pytest.fixture
def twins(medoffice_practice, mover):
    """Ann registered twice: 000001 (with a phone) and 000002 (with an e-mail and 2 notes)."""
    with medoffice_practice.operation("frontdesk") as ctx:
        first = patients.register(ctx, {**ANN, "phone": "555-010-1234"}).patient
        second = patients.register(ctx, {**ANN, "email": "ann@example.org"}).patient
    mover.notes[second.id] = [7, 8]
    return first, second


def merge(practice, keep="000001", absorb="000002", user="frontdesk", **kwargs):
    with practice.operation(user) as ctx:
        return patient_merge.merge(ctx, keep, absorb, **kwargs)


def audit_actions(practice):
    with practice.operation("admin", write=False) as ctx:
        return [e.action for e in iter_entries(ctx.session)]


class TestPreview:
    def test_the_preview_says_what_each_plugin_would_move_and_writes_nothing(self, medoffice_practice, twins):
        before = audit_actions(medoffice_practice)
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            plan = patient_merge.preview(ctx, "000001", "000002")
        assert [(p.title, p.moves, p.refusal) for p in plan.parts] == [("Notes", ("2 notes",), None)]
        assert plan.allowed and plan.fillable == ("email",)
        assert (plan.keep.mrn, plan.absorb.mrn) == ("000001", "000002")
        assert audit_actions(medoffice_practice) == before

    @pytest.mark.parametrize(("keep", "absorb", "error", "words"), [
        ("000001", "000001", ValidationError, "cannot be merged into itself"),
        ("000001", " 000001 ", ValidationError, "cannot be merged into itself"),
        ("000001", "999999", NotFound, "no patient with MRN '999999'"),
        ("000001", "'; drop table core_patient; --", ValidationError, "MRN must be"),
        ("", "000002", ValidationError, "MRN must be"),
    ])
    def test_hostile_or_wrong_mrns_are_refused_in_one_line(self, medoffice_practice, twins, keep, absorb, error,
                                                           words):
        with medoffice_practice.operation("frontdesk", write=False) as ctx, pytest.raises(error, match=words):
            patient_merge.preview(ctx, keep, absorb)

    def test_billing_may_not_merge(self, medoffice_practice, twins):
        with medoffice_practice.operation("billing", write=False) as ctx, pytest.raises(
                PermissionDenied, match="patients.merge"):
            patient_merge.preview(ctx, "000001", "000002")


class TestMerging:
    def test_the_plugins_rows_move_and_the_absorbed_record_stays_inactive(self, medoffice_practice, twins, mover):
        first, second = twins
        result = merge(medoffice_practice)
        assert mover.notes == {first.id: [7, 8]}
        assert result.rows_moved == 2 and result.keep.email is None
        assert (result.absorb.active, result.absorb.inactive_reason) == (False, "merged into 000001")
        assert mover.merges[0].merge_id == result.merge_id
        with medoffice_practice.operation("admin", write=False) as ctx:
            rows = ctx.session.execute(select(MergedRow.plugin_id, MergedRow.table_name, MergedRow.row_id)
                                       .order_by(MergedRow.row_id)).all()
            record = ctx.session.get(PatientMergeRow, result.merge_id)
            assert patients.get(ctx, "000002").active is False
        assert [tuple(r) for r in rows] == [("mover", "mover_note", 7), ("mover", "mover_note", 8)]
        assert (record.kept_id, record.absorbed_id, record.merged_by) == (first.id, second.id, "frontdesk")

    def test_the_merge_is_audited_on_both_patients(self, medoffice_practice, twins):
        first, second = twins
        merge(medoffice_practice)
        with medoffice_practice.operation("admin", write=False) as ctx:
            entries = sorted((e for e in iter_entries(ctx.session) if e.action in ("patient.merged", "patient.absorbed")),
                             key=lambda e: e.seq)
        assert [(e.action, e.patient_id, e.username) for e in entries] == [
            ("patient.merged", first.id, "frontdesk"), ("patient.absorbed", second.id, "frontdesk")]
        assert entries[0].summary["moved"] == {"mover": ["2 notes"]} and entries[0].summary["rows_moved"] == 2

    def test_blank_fields_are_filled_from_the_absorbed_record_only_when_asked(self, medoffice_practice, twins):
        result = merge(medoffice_practice, fill_blanks=True)
        assert result.filled == ("email",)
        assert (result.keep.email, result.keep.phone) == ("ann@example.org", "555-010-1234")

    def test_a_refusal_stops_the_merge_and_names_the_plugin(self, medoffice_practice, twins, mover):
        mover.refuse = "both are booked at 09:00"
        with pytest.raises(Conflict, match="cannot merge 000002 into 000001: Notes: both are booked at 09:00"):
            merge(medoffice_practice)
        self.assert_nothing_merged(medoffice_practice, mover)

    def test_a_failing_plugin_leaves_nothing_merged(self, medoffice_practice, twins, mover):
        mover.fail = True
        with pytest.raises(PluginError, match="mover"):
            merge(medoffice_practice)
        mover.notes = {twins[1].id: [7, 8]}
        self.assert_nothing_merged(medoffice_practice, mover)

    def assert_nothing_merged(self, practice, mover):
        with practice.operation("admin", write=False) as ctx:
            assert patients.get(ctx, "000002").active is True
            assert ctx.session.execute(select(func.count(PatientMergeRow.id))).scalar_one() == 0
        assert "patient.merged" not in audit_actions(practice)

    def test_a_record_merged_away_cannot_be_merged_again_nor_kept(self, medoffice_practice, twins):
        merge(medoffice_practice)
        with medoffice_practice.operation("frontdesk") as ctx:
            third = patients.register(ctx, ANN).patient.mrn
        with pytest.raises(NotFound, match="patient 000002 was merged into 000001"):
            merge(medoffice_practice, third, "000002")
        with pytest.raises(NotFound, match="patient 000002 was merged into 000001"):
            merge(medoffice_practice, "000002", third)

    def test_an_inactive_patient_is_reactivated_before_a_merge(self, medoffice_practice, twins):
        with medoffice_practice.operation("frontdesk") as ctx:
            patient_merge.deactivate(ctx, "000002", "registered twice")
        with pytest.raises(Conflict, match="000002 is inactive"):
            merge(medoffice_practice)

    def test_merges_chain_to_where_the_record_ended(self, medoffice_practice, twins):
        merge(medoffice_practice)
        with medoffice_practice.operation("frontdesk") as ctx:
            third = patients.register(ctx, ANN).patient.mrn
        merge(medoffice_practice, third, "000001")
        with medoffice_practice.operation("frontdesk") as ctx, pytest.raises(
                patient_merge.PatientMerged, match=f"merged into {third}"):
            patients.open_record(ctx, "000002")


class TestOpeningAMergedRecord:
    def test_opening_an_absorbed_mrn_says_where_it_went(self, medoffice_practice, twins):
        merge(medoffice_practice)
        with medoffice_practice.operation("frontdesk") as ctx, pytest.raises(NotFound) as info:
            patients.open_record(ctx, "000002")
        assert str(info.value) == "patient 000002 was merged into 000001: open 000001"
        assert info.value.kept_mrn == "000001"

    def test_a_merged_record_is_not_found_by_search_nor_reactivated(self, medoffice_practice, twins):
        merge(medoffice_practice)
        with medoffice_practice.operation("frontdesk") as ctx:
            assert [m.patient.mrn for m in patients.find(ctx, "lee")] == ["000001"]
            with pytest.raises(NotFound, match="merged into 000001"):
                patient_merge.reactivate(ctx, "000002")
            with pytest.raises(NotFound, match="merged into 000001"):
                patients.set_active(ctx, "000002", True)

    def test_a_merged_or_inactive_patient_cannot_start_anything_new(self, medoffice_practice, twins):
        first, second = twins
        merge(medoffice_practice)
        with medoffice_practice.operation("frontdesk") as ctx:
            with pytest.raises(NotFound, match="merged into 000001"):
                patient_merge.require_active(ctx, second.id)
            patient_merge.deactivate(ctx, "000001", "moved to Ohio")
            with pytest.raises(Conflict, match=r"000001 is inactive \(moved to Ohio\): reactivate them before you book"):
                patient_merge.require_active(ctx, first.id)


class TestDeactivating:
    def test_a_deactivated_patient_keeps_the_reason_and_leaves_search(self, medoffice_practice, twins):
        with medoffice_practice.operation("frontdesk") as ctx:
            gone = patient_merge.deactivate(ctx, "000001", "  moved to Ohio ")
            assert (gone.active, gone.inactive_reason) == (False, "moved to Ohio")
            assert [m.patient.mrn for m in patients.find(ctx, "lee")] == ["000002"]
            back = patient_merge.reactivate(ctx, "000001")
            assert (back.active, back.inactive_reason) == (True, None)
        with medoffice_practice.operation("admin", write=False) as ctx:
            entries = sorted((e for e in iter_entries(ctx.session) if e.entity_id == "000001"
                              and e.action in ("patient.deactivated", "patient.activated")), key=lambda e: e.seq)
        assert [(e.action, e.summary) for e in entries] == [
            ("patient.deactivated", {"reason": "moved to Ohio"}),
            ("patient.activated", {"was_inactive_because": "moved to Ohio"})]

    @pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
    def test_a_reason_is_required_and_short(self, medoffice_practice, twins, reason):
        with medoffice_practice.operation("frontdesk") as ctx, pytest.raises(ValidationError, match="reason"):
            patient_merge.deactivate(ctx, "000001", reason)

    def test_billing_may_not_deactivate(self, medoffice_practice, twins):
        with medoffice_practice.operation("billing") as ctx, pytest.raises(PermissionDenied, match="patients.write"):
            patient_merge.deactivate(ctx, "000001", "moved")


def test_hook_patient_merge_preview_is_asked_before_anything_moves(medoffice_practice, twins, mover):
    """The preview hook is asked in the merging operation too: a refusal given between the
    preview a person saw and their confirmation still stops the merge."""
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert patient_merge.preview(ctx, "000001", "000002").allowed
    mover.refuse = "a claim was sent meanwhile"
    with pytest.raises(Conflict, match="a claim was sent meanwhile"):
        merge(medoffice_practice)
    assert mover.merges == []


def test_hook_patient_merge_receives_both_patients_and_the_merge_number(medoffice_practice, twins, mover):
    first, second = twins
    result = merge(medoffice_practice)
    (announced,) = mover.merges
    assert (announced.keep.id, announced.absorb.id, announced.merge_id) == (first.id, second.id, result.merge_id)


class TestCommands:
    """``medoffice patients merge|deactivate|reactivate``, as a script or a person runs them."""

    def test_a_dry_run_prints_the_preview_and_merges_nothing(self, medoffice_practice, twins):
        result = medoffice_practice.cli("patients", "merge", "000001", "000002", "--dry-run", user="frontdesk")
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == [
            "keep    000001  Lee, Ann  born 1970-01-02",
            "absorb  000002  Lee, Ann  born 1970-01-02",
            "Notes: 2 notes",
            "blank on the kept record, filled only with --fill-blanks: email",
        ]
        assert medoffice_practice.cli("patients", "show", "000002").exit_code == 0

    def test_without_yes_a_script_is_refused_and_nothing_moves(self, medoffice_practice, twins, mover):
        result = medoffice_practice.cli("patients", "merge", "000001", "000002", user="frontdesk")
        assert result.exit_code == 1
        assert result.stderr.strip() == ("error: nothing merged: add --yes to merge 000002 into 000001 "
                                         "(a merge cannot be undone)")
        assert mover.merges == []

    def test_with_yes_it_merges_and_says_so_in_json(self, medoffice_practice, twins):
        result = medoffice_practice.cli("patients", "merge", "000001", "000002", "--yes", "--json",
                                        "--fill-blanks", user="frontdesk")
        assert result.exit_code == 0, result.output
        data = result.json()
        assert (data["rows_moved"], data["filled"], data["absorb"]["active"]) == (2, ["email"], False)
        shown = medoffice_practice.cli("patients", "show", "000002")
        assert (shown.exit_code, shown.stderr.strip()) == (1, "error: patient 000002 was merged into 000001: open 000001")

    def test_a_refused_merge_exits_1_with_every_reason_in_one_line(self, medoffice_practice, twins, mover):
        mover.refuse = "both are booked at 09:00"
        result = medoffice_practice.cli("patients", "merge", "000001", "000002", "--dry-run", "--json",
                                        user="frontdesk")
        assert result.exit_code == 1
        assert result.stderr.strip() == "error: cannot merge 000002 into 000001: Notes: both are booked at 09:00"
        assert '"allowed": false' in result.stdout

    def test_deactivate_needs_a_reason_and_reactivate_brings_the_patient_back(self, medoffice_practice, twins):
        missing = medoffice_practice.cli("patients", "deactivate", "000001", user="frontdesk")
        assert missing.exit_code == 2 and "--reason" in missing.output
        done = medoffice_practice.cli("patients", "deactivate", "000001", "--reason", "moved to Ohio",
                                      user="frontdesk")
        assert (done.exit_code, done.stdout.strip()) == (0, "deactivated 000001 (moved to Ohio)")
        back = medoffice_practice.cli("patients", "reactivate", "000001", "--json", user="frontdesk")
        assert back.exit_code == 0 and back.json()["active"] is True and back.json()["inactive_reason"] is None


class TestConformance:
    """The conformance check names a plugin whose tables point at patients but which would
    leave their rows behind in a merge."""

    def patient_table(self):
        from sqlalchemy import Column, ForeignKey, Integer, Table

        from medoffice.core.storage import new_metadata

        metadata = new_metadata()
        Table("lazy_note", metadata, Column("id", Integer, primary_key=True),
              Column("patient_id", ForeignKey("core_patient.id")))
        return metadata

    def problems(self, practice, plugin_id):
        from medoffice.testing import conformance

        found: list[str] = []
        conformance._check_merge_hooks(conformance._Hooks(practice.runtime.plugins, plugin_id, found),
                                       self.patient_table(), found)
        return found

    def test_a_plugin_without_the_merge_hooks_is_named(self, medoffice_practice):
        assert self.problems(medoffice_practice, "core") == [
            "table(s) lazy_note refer to core_patient but the plugin lacks medoffice_patient_merge_preview and "
            "medoffice_patient_merge: a merge of two patients would leave their rows behind"]

    def test_a_plugin_with_both_passes(self, medoffice_practice):
        assert self.problems(medoffice_practice, "mover") == []


def test_show_says_why_a_patient_is_inactive(medoffice_practice, twins):
    medoffice_practice.cli("patients", "deactivate", "000001", "--reason", "moved to Ohio", user="frontdesk")
    shown = medoffice_practice.cli("patients", "show", "000001", user="frontdesk")
    assert "Active     no (moved to Ohio)" in shown.stdout.splitlines()


def test_two_desks_merging_the_pair_both_ways_at_once_end_with_one_merge(medoffice_practice, twins):
    """Desk 1 merges 000002 into 000001 while desk 2 merges 000001 into 000002: the rows are
    locked in one order, so one merge happens and the other is refused saying where it went."""
    import threading

    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def desk(keep: str, absorb: str) -> None:
        barrier.wait()
        try:
            outcomes[keep] = merge(medoffice_practice, keep, absorb).merge_id
        except (NotFound, Conflict) as exc:
            outcomes[keep] = str(exc)

    threads = [threading.Thread(target=desk, args=pair) for pair in (("000001", "000002"), ("000002", "000001"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    merged = [k for k, v in outcomes.items() if isinstance(v, int)]
    assert len(merged) == 1, outcomes
    (refused,) = [v for v in outcomes.values() if isinstance(v, str)]
    assert "was merged into" in refused
    with medoffice_practice.operation("admin", write=False) as ctx:
        assert ctx.session.execute(select(func.count(PatientMergeRow.id))).scalar_one() == 1


def test_registering_a_likely_duplicate_says_how_to_merge_it(medoffice_practice, twins):
    again = medoffice_practice.cli("patients", "add", "--first-name", "Ann", "--last-name", "Lee", "--dob",
                                   "1970-01-02", "--sex", "f", user="frontdesk")
    assert again.exit_code == 0
    assert "(if one person: medoffice patients merge 000001 000003 --dry-run)" in again.stderr


def test_a_fhir_export_links_the_merged_records_as_fhir_says(medoffice_practice, twins):
    """The absorbed Patient is ``replaced-by`` the kept one, which ``replaces`` it."""
    from medoffice.core.services import patient_io

    first, second = twins
    merge(medoffice_practice)
    with medoffice_practice.operation("admin") as ctx:
        bundle = patient_io.export_fhir(ctx)
    links = {e["resource"]["identifier"][0]["value"]: e["resource"].get("link") for e in bundle["entry"]}
    url = {e["resource"]["identifier"][0]["value"]: e["fullUrl"] for e in bundle["entry"]}
    assert links[second.mrn] == [{"other": {"reference": url[first.mrn]}, "type": "replaced-by"}]
    assert links[first.mrn] == [{"other": {"reference": url[second.mrn]}, "type": "replaces"}]
