"""The 837P file: valid for the independent validator pyx12, with control numbers that never
repeat, and written again byte for byte for a batch already sent; read as a payer reads it,
people are named by their parts, the practice by its taxonomy, a visit away from the practice
by its service facility and a drug by its NDC."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medoffice.core.errors import ValidationError
from medoffice.core.services import patients, practice, staff
from medoffice.plugins.billing import claims, drugs, settings
from medoffice.plugins.billing.models import Encounter
from medoffice.plugins.billing.x12 import Segments, amount, batches, text_problem

from ._claims_world import PRACTICE_NPI, encounter, make_billable, pyx12_errors
from ._x12_read import person_problems, read_837
from .conftest import npi

pytestmark = pytest.mark.medoffice_plugins("billing")


@pytest.fixture
def billable(medoffice_practice, world):
    make_billable(medoffice_practice, world)
    return world


def ready(practice, world, *mrns):
    numbers = [encounter(practice, world, mrn) for mrn in mrns]
    with practice.operation("billing") as ctx:
        built = claims.build_claims(ctx, numbers).built
        claims.scrub_claims(ctx, [c.id for c in built])
    return built


def export(practice, *claim_ids, **options):
    with practice.operation("billing") as ctx:
        return batches.export_batch(ctx, list(claim_ids) or None, **options)


def segments(text):
    return [s.split("*") for s in text.split("~") if s]


def first(text, segment_id, *values):
    """The first segment with that id whose first elements are ``values``."""
    for seg in segments(text):
        if seg[0] == segment_id and seg[1:1 + len(values)] == list(values):
            return seg
    raise AssertionError(f"no {segment_id}*{'*'.join(values)} segment")


class TestTheFile:
    def test_a_batch_of_a_self_insured_patient_and_a_child_passes_pyx12(self, medoffice_practice, billable):
        """Ann is her own subscriber; Cy is her father's dependant (2000C). pyx12 finds
        nothing wrong with the envelope, the loops, the codes or the counts."""
        p, w = medoffice_practice, billable
        ann, cy = ready(p, w, w.ann, w.cy)
        exported = export(p, receiver_id="CLEARHOUSE1", receiver_name="Clear House", usage="T")
        text = exported.text
        assert pyx12_errors(text) == []
        isa = text.split("~")[0]
        assert len(isa) == 105 and isa.endswith("*:")
        assert text.count("~HL*1**20*1~PRV*BI*PXC*207Q00000X~NM1*85*2*Test Practice*") == 1
        assert isa.split("*")[13:16] == ["000000001", "0", "T"]
        assert isa.split("*")[11] == "^"
        assert first(text, "GS", "HC")[6] == "1"
        assert first(text, "ST", "837") == ["ST", "837", "0001", "005010X222A1"]
        body = segments(text)
        st, se = [s[0] for s in body].index("ST"), [s[0] for s in body].index("SE")
        assert first(text, "SE") == ["SE", str(se - st + 1), "0001"]
        assert first(text, "GE") == ["GE", "1", "1"] and first(text, "IEA") == ["IEA", "1", "000000001"]
        assert first(text, "NM1", "85") == ["NM1", "85", "2", "Test Practice", "", "", "", "", "XX", PRACTICE_NPI]
        assert first(text, "REF", "EI") == ["REF", "EI", "123456789"]
        assert first(text, "N4", "New York", "NY", "100011234")
        assert first(text, "NM1", "40")[-1] == "CLEARHOUSE1"
        assert first(text, "CLM", ann.claim_number) == ["CLM", ann.claim_number, "120", "", "", "11:B:1", "Y", "A",
                                                        "Y", "Y"]
        assert first(text, "HI") == ["HI", "ABK:J069", "ABF:R059"]
        assert first(text, "SV1") == ["SV1", "HC:99213:25", "95", "UN", "1", "", "", "1:2"]
        assert first(text, "SV1", "HC:36415") == ["SV1", "HC:36415", "25", "UN", "2", "", "", "1"]
        assert first(text, "DTP", "472") == ["DTP", "472", "D8", "20260105"]
        assert first(text, "NM1", "82") == ["NM1", "82", "1", "Adams", "", "", "", "", "XX", npi(1)]
        assert first(text, "SBR", "P", "18")[-1] == "CI"
        assert first(text, "NM1", "IL", "1", "Diaz") == ["NM1", "IL", "1", "Diaz", "Dan", "", "", "", "MI", "BLU9"]
        assert first(text, "PAT") == ["PAT", "19"]
        assert first(text, "NM1", "QC") == ["NM1", "QC", "1", "Diaz", "Cy"]
        assert [s[1:] for s in body if s[0] == "HL"] == [["1", "", "20", "1"], ["2", "1", "22", "0"],
                                                         ["3", "1", "22", "1"], ["4", "3", "23", "0"]]
        assert (exported.batch.claim_count, exported.batch.total) == (2, Decimal("240.00"))
        assert {c.status for c in (claims_of(p, ann.id), claims_of(p, cy.id))} == {"submitted"}

    def test_a_replacement_claim_carries_frequency_7_and_the_payers_number(self, medoffice_practice, billable):
        p, w = medoffice_practice, billable
        (ann,) = ready(p, w, w.ann)
        export(p)
        with p.operation("billing") as ctx:
            claims.set_status(ctx, ann.id, "denied", note="wrong member id")
            replacement = claims.resubmit(ctx, ann.id, "PAYER778")
            claims.scrub_claims(ctx, [replacement.id])
        text = export(p).text
        assert pyx12_errors(text) == []
        assert first(text, "CLM")[5] == "11:B:7"
        assert first(text, "REF", "F8") == ["REF", "F8", "PAYER778"]

    def test_the_validator_is_not_a_rubber_stamp(self, medoffice_practice, billable):
        """The same file with a wrong segment count or a missing HI is refused by pyx12."""
        p, w = medoffice_practice, billable
        ready(p, w, w.ann)
        text = export(p).text
        count = first(text, "SE")[1]
        assert any("SE count" in e for e in pyx12_errors(text.replace(f"SE*{count}*", f"SE*{int(count) + 1}*")))
        hi = "~".join(["*".join(first(text, "HI"))]) + "~"
        assert any("(HI) missing" in e for e in pyx12_errors(text.replace(hi, "", 1)))


def claims_of(practice, claim_id):
    with practice.operation("billing", write=False) as ctx:
        return claims.get_claim(ctx, claim_id)


def ready_ids(practice, encounter_ids):
    """Build and scrub the encounters' claims; every one must come out ready."""
    with practice.operation("billing") as ctx:
        built = claims.build_claims(ctx, encounter_ids).built
        results = claims.scrub_claims(ctx, [c.id for c in built])
    assert [(r.status, r.problems) for r in results] == [("ready", ())] * len(encounter_ids)
    return [c.id for c in built]


def sent_claims(practice, world, **encounter_options):
    """An encounter of Ann's built, scrubbed and exported: the file, read back."""
    number = encounter(practice, world, world.ann, **encounter_options)
    ready_ids(practice, [number])
    text = export(practice).text
    assert pyx12_errors(text) == []
    return text, read_837(text)


class TestAsAPayerReadsIt:
    NAMES = {
        "Mary Reynolds, MD": ("Reynolds", "Mary", "", ""),
        "Dr. John Q. Public Jr., DO": ("Public", "John", "Q", "Jr"),
        "Ana de la Cruz, NP": ("de la Cruz", "Ana", "", ""),
        "Reynolds-Smith, Mary Ann, MD, FACP": ("Reynolds-Smith", "Mary", "Ann", ""),
        "Robert Smith III, ANP-BC": ("Smith", "Robert", "", "III"),
    }

    def test_the_rendering_provider_is_named_by_last_first_middle_suffix_never_by_credential(
            self, medoffice_practice, billable):
        """A payer matches NM1*82 to the NPI's record: 'MD' as the surname is rejected."""
        p, w = medoffice_practice, billable
        with p.operation("admin") as ctx:
            ids = {name: staff.add(ctx, {"name": name, "role": "physician", "is_provider": True,
                                         "npi": npi(10 + n)}).id for n, name in enumerate(self.NAMES)}
        numbers = [encounter(p, w, w.ann, provider=ids[name]) for name in self.NAMES]
        ready_ids(p, numbers)
        text = export(p).text
        assert pyx12_errors(text) == []
        rendering = [c.name("82") for c in read_837(text).claims]
        assert [(r[3], r[4], r[5], r[7]) for r in rendering] == list(self.NAMES.values())
        assert [r[9] for r in rendering] == [npi(10 + n) for n in range(len(self.NAMES))]
        assert [problem for r in rendering for problem in person_problems(r)] == []
        assert "MD" not in text.replace("NM1*85", "") and "FACP" not in text

    def test_the_subscriber_and_the_patient_are_named_by_their_parts(self, medoffice_practice, billable):
        p, w = medoffice_practice, billable
        with p.operation("admin") as ctx:
            patients.update(ctx, w.cy, {"middle_name": "Rose"})
        number = encounter(p, w, w.cy)
        ready_ids(p, [number])
        (claim,) = read_837(export(p).text).claims
        assert claim.name("IL") == ("NM1", "IL", "1", "Diaz", "Dan", "", "", "", "MI", "BLU9")
        assert claim.name("QC") == ("NM1", "QC", "1", "Diaz", "Cy", "Rose")

    def test_a_referring_provider_is_named_by_parts_in_2310a(self, medoffice_practice, billable):
        """Nothing in medoffice enters a referral yet; an encounter that has one (imported)
        carries it as the referring provider, split like any provider."""
        p, w = medoffice_practice, billable
        number = encounter(p, w, w.ann)
        with p.operation("billing") as ctx:
            row = ctx.session.get(Encounter, number)
            row.referring_name, row.referring_npi = "Dr. Omar Haddad, MD", npi(40)
        ready_ids(p, [number])
        (claim,) = read_837(export(p).text).claims
        referring = claim.name("DN")
        assert referring == ("NM1", "DN", "1", "Haddad", "Omar", "", "", "", "XX", npi(40))
        assert claim.body.index(referring) < claim.body.index(claim.name("82"))

    def test_a_visit_at_a_location_away_from_the_practice_names_its_service_facility(
            self, medoffice_practice, billable):
        """2310C is written when the visit's location has an address that is not the
        practice's; a location at the practice's address, or without an address (taken to be
        the practice's), adds nothing."""
        p, w = medoffice_practice, billable
        with p.operation("admin") as ctx:
            practice.add_location(ctx, "Uptown", address_line1="500 W 168th St", address_line2="Floor 2",
                                  city="New York", state="NY", postal_code="10032-3702")
            practice.add_location(ctx, "Clinic Way", address_line1="1  clinic way", city="NEW YORK", state="NY",
                                  postal_code="10001")
        numbers = [encounter(p, w, w.ann, location=name) for name in ("Uptown", "Clinic Way", "Main")]
        numbers.append(encounter(p, w, w.ann))
        ready_ids(p, numbers)
        text = export(p).text
        assert pyx12_errors(text) == []
        uptown, same_address, no_address, nowhere = read_837(text).claims
        facility = uptown.name("77")
        assert facility == ("NM1", "77", "2", "Uptown")
        assert uptown.after(facility, 2) == [("N3", "500 W 168th St", "Floor 2"),
                                             ("N4", "New York", "NY", "100323702")]
        assert uptown.body.index(uptown.name("82")) < uptown.body.index(facility) < uptown.body.index(
            uptown.segments("LX")[0])
        assert [c.name("77") for c in (same_address, no_address, nowhere)] == [None, None, None]

    def test_the_billing_provider_carries_its_taxonomy_and_the_scrubber_notes_when_it_has_none(
            self, medoffice_practice, billable):
        p, w = medoffice_practice, billable
        text, _ = sent_claims(p, w)
        assert "~HL*1**20*1~PRV*BI*PXC*207Q00000X~NM1*85*" in text
        with p.operation("billing") as ctx:
            settings.set_taxonomy(ctx, "")
        number = encounter(p, w, w.ann)
        with p.operation("billing") as ctx:
            (built,) = claims.build_claims(ctx, [number]).built
            (result,) = claims.scrub_claims(ctx, [built.id])
        assert (result.status, result.problems) == ("ready", ())
        assert result.notes == ("practice: the practice has no taxonomy code (837P PRV*BI); payers that route or "
                                "price claims by specialty want it: 'medoffice billing claims settings --taxonomy "
                                "CODE'",)
        bare = export(p).text
        assert pyx12_errors(bare) == [] and "PRV*" not in bare

    def test_a_drug_line_carries_its_ndc_and_quantity_and_without_one_the_claim_is_held(
            self, medoffice_practice, billable):
        """Two units of J3420 at 1 mL each: LIN*N4 with the eleven-digit NDC, CTP 2 ML."""
        p, w = medoffice_practice, billable
        lines = (("99213", (1,), (), 1), ("J3420", (1,), (), 2))
        held = encounter(p, w, w.ann, lines=lines)
        with p.operation("billing") as ctx:
            (claim,) = claims.build_claims(ctx, [held]).built
            (result,) = claims.scrub_claims(ctx, [claim.id])
        assert (result.status, result.problems) == ("draft", (
            f"claim {claim.claim_number}: line 2: J3420 is a drug and needs its NDC (loop 2410): 'medoffice billing "
            "claims ndc J3420 NDC --unit ML --quantity 1'",))
        with p.operation("billing") as ctx:
            drugs.set_ndc(ctx, "j3420", "0409-1234-01", unit="ml", quantity="1")
            assert [r.status for r in claims.scrub_claims(ctx, [claim.id])] == ["ready"]
        text = export(p).text
        assert pyx12_errors(text) == []
        (sent,) = read_837(text).claims
        (drug,) = sent.segments("SV1", "HC:J3420")
        assert sent.after(drug, 3) == [("DTP", "472", "D8", "20260105"), ("LIN", "", "N4", "00409123401"),
                                       ("CTP", "", "", "", "2", "ML")]
        assert "LIN*" not in text.split("SV1*HC:J3420")[0]


class TestControlNumbers:
    def test_each_batch_takes_the_next_numbers_and_a_refused_export_takes_none(self, medoffice_practice, billable):
        p, w = medoffice_practice, billable
        ready(p, w, w.ann)
        one = export(p).batch
        with pytest.raises(ValidationError, match="no claim is ready to export"):
            export(p)
        ready(p, w, w.ann)
        two = export(p).batch
        assert [(b.interchange_control_number, b.group_control_number, b.transaction_control_number)
                for b in (one, two)] == [(1, 1, "0001"), (2, 2, "0002")]
        assert first(export_again(p, two.id).text, "ISA")[13] == "000000002"

    def test_exporting_a_batch_again_writes_the_same_bytes_until_its_data_changes(self, medoffice_practice, billable):
        p, w = medoffice_practice, billable
        ready(p, w, w.ann, w.cy)
        with pytest.raises(ValidationError, match=r"nothing exported; 1 problem\(s\): batch: the claims go to "
                                                  "several payers; name the receiver"):
            export(p)
        sent = export(p, receiver_id="CH1", receiver_name="Clear House")
        p.runtime.clock = lambda: sent.batch.created_at.replace(year=2027)
        again = export_again(p, sent.batch.id)
        assert (again.text, again.unchanged) == (sent.text, True)
        with p.operation("admin") as ctx:
            patients.update(ctx, w.ann, {"address_line1": "9 New Rd"})
        changed = export_again(p, sent.batch.id)
        assert not changed.unchanged and "N3*9 New Rd~" in changed.text


def export_again(practice, batch_id):
    with practice.operation("billing", write=False) as ctx:
        return batches.batch_file(ctx, batch_id)


class TestWriter:
    def test_values_that_would_break_the_file(self):
        assert [text_problem(v) for v in ("Ann Lee", "", None, "Zoë", "A~B", "A*B", "A:B", "A^B", "A\tB")] == [
            None, None, None, "has a character that is not plain ASCII ('ë')", "has the X12 delimiter '~'",
            "has the X12 delimiter '*'", "has the X12 delimiter ':'", "has the X12 delimiter '^'",
            "has a control character ('\\t')"]

    def test_amounts_and_trailing_empty_elements(self):
        assert [amount(Decimal(v)) for v in ("95.00", "12.50", "0.05", "1200")] == ["95", "12.5", "0.05", "1200"]
        out = Segments()
        out.add("NM1", "PR", "2", "Acme", None, None)
        out.add("SV1", ("HC", "99213", None), "95")
        assert out.text() == "NM1*PR*2*Acme~SV1*HC:99213*95~"
