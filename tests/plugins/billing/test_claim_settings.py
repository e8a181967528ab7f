"""What claims say of the practice beyond its details, kept by the biller from the command
line: the practice's taxonomy code (``claims settings``) and the NDC of its drugs
(``claims ndc``); and the word the desk gets when it asks for a secondary claim of a
self-pay visit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from medoffice.core.errors import Conflict, PermissionDenied, ValidationError
from medoffice.core.storage.models import AuditRow
from medoffice.plugins.billing import claims, drugs, settings

from ._claims_world import encounter, make_billable

pytestmark = pytest.mark.medoffice_plugins("billing")


class TestTheTaxonomy:
    def test_the_biller_sets_shows_and_clears_it_and_each_change_is_audited(self, medoffice_practice, cli_world):
        p = medoffice_practice
        shown = p.cli("billing", "claims", "settings", user="billing")
        assert (shown.exit_code, shown.output) == (0, "taxonomy: (none)\n")
        changed = p.cli("billing", "claims", "settings", "--taxonomy", " 207q00000x ", "--json", user="billing")
        assert changed.exit_code == 0 and changed.json() == {"taxonomy": "207Q00000X"}
        assert p.cli("billing", "claims", "settings", user="frontdesk").output == "taxonomy: 207Q00000X\n"
        p.cli("billing", "claims", "settings", "--taxonomy", "207Q00000X", user="billing")  # the same: no entry
        cleared = p.cli("billing", "claims", "settings", "--taxonomy", "", user="billing")
        assert cleared.output == "taxonomy: (none)\n"
        with p.operation("admin", write=False) as ctx:
            entries = ctx.session.execute(select(AuditRow.action, AuditRow.username)
                                          .where(AuditRow.entity == "billing_setting")).all()
        assert entries == [("billing.setting.changed", "billing"), ("billing.setting.changed", "billing")]

    @pytest.mark.parametrize("value", ["207Q0000X", "207Q00000Y", "207Q00000XX", "; DROP TABLE", "２０７Q00000X"])
    def test_a_value_that_is_no_taxonomy_code_is_refused_in_one_line(self, medoffice_practice, cli_world, value):
        refused = medoffice_practice.cli("billing", "claims", "settings", "--taxonomy", value, user="billing")
        assert refused.exit_code == 1
        assert refused.stderr.strip().startswith("error: ") and len(refused.stderr.strip().splitlines()) == 1
        assert "is not a provider taxonomy code (ten characters such as 207Q00000X" in refused.stderr

    def test_the_front_desk_cannot_change_it(self, medoffice_practice, cli_world):
        with pytest.raises(PermissionDenied):
            with medoffice_practice.operation("frontdesk") as ctx:
                settings.set_taxonomy(ctx, "207Q00000X")


class TestDrugCodes:
    def test_the_biller_records_lists_and_forgets_an_ndc(self, medoffice_practice, cli_world):
        p = medoffice_practice
        assert p.cli("billing", "claims", "ndc", user="billing").output == "no NDC recorded\n"
        set_ = p.cli("billing", "claims", "ndc", "j3420", "0409-1234-01", "--unit", "ml", "--quantity", "0.5",
                     user="billing")
        assert (set_.exit_code, set_.output) == (0, "J3420: NDC 00409-1234-01, 0.5 ML per unit\n")
        again = p.cli("billing", "claims", "ndc", "J3420", "12345-678-90", "--json", user="billing")
        assert again.json() == {"code": "J3420", "ndc": "12345067890", "unit": "UN", "quantity": "1"}
        listed = p.cli("billing", "claims", "ndc", "--json", user="billing")
        assert listed.json() == [{"code": "J3420", "ndc": "12345067890", "unit": "UN", "quantity": "1"}]
        forgotten = p.cli("billing", "claims", "ndc", "J3420", "--remove", user="billing")
        assert (forgotten.exit_code, forgotten.output) == (0, "J3420: NDC forgotten\n")
        missing = p.cli("billing", "claims", "ndc", "J3420", "--remove", user="billing")
        assert missing.exit_code == 1 and "no NDC is recorded for 'J3420'" in missing.stderr
        assert p.cli("billing", "claims", "ndc", "J3420", user="billing").exit_code == 2

    @pytest.mark.parametrize("ndc", ["0409123401", "0409-12345-01", "12345-6789-012", "abc", "", "1-1-1",
                                     "12345-6789-01; rm"])
    def test_an_ndc_in_no_known_form_is_refused(self, medoffice_practice, cli_world, ndc):
        with pytest.raises(ValidationError, match="is not an NDC"):
            with medoffice_practice.operation("billing") as ctx:
                drugs.set_ndc(ctx, "J3420", ndc)

    @pytest.mark.parametrize(("options", "message"), [
        ({"quantity": "0"}, "the quantity must be more than 0"), ({"quantity": "-1"}, "the quantity must be more"),
        ({"quantity": "NaN"}, "the quantity must be more"), ({"quantity": "1e9"}, "the quantity must be more"),
        ({"quantity": "0.0001"}, "at most three decimals"), ({"quantity": "two"}, "must be a number"),
        ({"unit": "XX"}, "the unit must be one of F2"), ({"unit": ""}, "the unit must be one of F2")])
    def test_a_quantity_or_unit_that_is_not_one_is_refused(self, medoffice_practice, cli_world, options, message):
        with pytest.raises(ValidationError, match=message):
            with medoffice_practice.operation("billing") as ctx:
                drugs.set_ndc(ctx, "J3420", "0409-1234-01", **options)

    def test_a_code_that_is_no_procedure_code_is_refused_and_the_front_desk_cannot_set_one(
            self, medoffice_practice, cli_world):
        with pytest.raises(ValidationError, match="'J34' is not a CPT or HCPCS code"):
            with medoffice_practice.operation("billing") as ctx:
                drugs.set_ndc(ctx, "J34", "0409-1234-01")
        with pytest.raises(PermissionDenied):
            with medoffice_practice.operation("frontdesk") as ctx:
                drugs.set_ndc(ctx, "J3420", "0409-1234-01")


class TestSecondaryClaims:
    def test_a_self_pay_visit_has_no_primary_claim_and_is_told_so(self, medoffice_practice, cli_world):
        """Bo has no insurance: there is no primary claim to wait for."""
        p, w = medoffice_practice, cli_world
        make_billable(p, w)
        number = encounter(p, w, w.bo)
        refused = p.cli("billing", "claims", "build", str(number), "--secondary", user="billing")
        assert refused.exit_code == 1
        assert refused.stderr.strip() == (
            f"error: no claim built; encounter {number} has no primary claim: the patient had no primary policy in "
            f"effect on {encounter_day(p, number)} (self-pay), so no secondary payer can be billed")
        assert "not paid or denied" not in refused.stderr
        insured = encounter(p, w, w.ann)  # Ann's primary claim is built, not yet paid
        with p.operation("billing") as ctx:
            claims.build_claims(ctx, [insured])
        with pytest.raises(Conflict, match="the primary claim is not paid or denied yet"):
            with p.operation("billing") as ctx:
                claims.build_claims(ctx, [insured], sequence="secondary")


def encounter_day(practice, number):
    from medoffice.plugins.billing import encounters

    with practice.operation("billing", write=False) as ctx:
        return encounters.get_encounter(ctx, number).encounter.date_of_service
