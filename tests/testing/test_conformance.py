"""The conformance check passes a plugin that keeps the contract and names every rule broken."""

from __future__ import annotations

import pytest

from medoffice.testing import check_plugin, check_screens, plugin_problems


@pytest.fixture
def medoffice_extra_plugins(request, kit_plugins):
    """The kit_plugins classes the test names with ``@pytest.mark.extras(...)``."""
    mark = request.node.get_closest_marker("extras")
    return [getattr(kit_plugins, name)() for name in (mark.args if mark else ())]


def problems_of(practice, plugin_id):
    with pytest.raises(AssertionError) as info:
        check_plugin(practice, plugin_id)
    message = str(info.value)
    assert message.startswith(f"plugin {plugin_id!r} does not conform")
    return message


class TestAPluginThatConforms:
    def test_the_example_plugin_passes(self, medoffice_practice):
        assert plugin_problems(medoffice_practice, "patient-alerts") == []
        check_plugin(medoffice_practice, "patient-alerts")

    def test_it_is_migrated_again_afterwards(self, medoffice_practice):
        from medoffice_patient_alerts import service

        from medoffice.core.services import patients

        check_plugin(medoffice_practice, "patient-alerts")
        with medoffice_practice.operation("frontdesk") as ctx:
            ann = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                          "sex": "f"}).patient
            assert service.add_alert(ctx, ann.mrn, "Fall risk").id == 1

    @pytest.mark.extras("Tidy")
    def test_a_plugin_without_tables_passes(self, conformance):
        conformance("tidy")


class TestTables:
    @pytest.mark.extras("Prefixless")
    def test_a_table_without_the_prefix(self, medoffice_practice):
        message = problems_of(medoffice_practice, "prefixless")
        assert "(1 problem):" in message
        assert "table 'notes' does not start with the plugin's prefix 'prefixless_'" in message

    @pytest.mark.extras("Drifty")
    def test_migrations_that_do_not_match_the_models(self, medoffice_practice):
        message = problems_of(medoffice_practice, "drifty")
        assert ("its migrations and models differ: table drifty_item: column 'qty' is in the models "
                "but not in the migrations") in message

    @pytest.mark.extras("Sticky")
    def test_a_downgrade_that_leaves_its_table(self, medoffice_practice):
        assert "its downgrade leaves the tables sticky_thing" in problems_of(medoffice_practice, "sticky")

    @pytest.mark.extras("LateLabel")
    def test_a_branch_label_on_the_wrong_revision(self, medoffice_practice):
        message = problems_of(medoffice_practice, "latelabel")
        assert "its first revision must carry the branch label 'latelabel'" in message


class TestCommands:
    @pytest.mark.extras("Clasher")
    def test_clashes_with_the_core_and_another_plugin_and_a_bare_command(self, medoffice_practice):
        message = problems_of(medoffice_practice, "clasher")
        assert "command 'patients' clashes with the core's 'medoffice patients'" in message
        assert "command 'alerts' clashes with the plugin 'patient-alerts''s" in message
        assert "command 'loose' is not a click.Group" in message
        assert "(3 problems)" in message


class TestPermissionsAndScreens:
    @pytest.mark.extras("Sloppy")
    def test_every_problem_is_listed_at_once(self, medoffice_practice):
        message = problems_of(medoffice_practice, "sloppy")
        expected = [
            "permission 'patients.purge' starts with the core's word 'patients'",
            "permission 'sloppy.use' names unknown roles 'admins'",
            "permission 'sloppy.use' is declared twice",
            "screen 'sloppy.board': textual.widgets:Static is not a textual.screen.Screen subclass",
            "screen 'sloppy.gone': medoffice_no_such_module_xyz:Board does not import: ModuleNotFoundError",
            "panel 'sloppy.panel' needs the permission 'sloppy.secret', which nobody declares",
            "panel 'sloppy.panel': textual.screen:Screen is a textual Screen; a panel is a textual.widget.Widget",
            "action 'sloppy.pi': math:pi is not callable",
        ]
        for line in expected:
            assert line in message
        assert f"({len(expected)} problems)" in message


class TestLoading:
    @pytest.mark.extras("Misfit")
    def test_a_hook_that_does_not_match_its_specification(self, medoffice_practice):
        message = problems_of(medoffice_practice, "misfit")
        assert "did not load: its status is" in message
        assert "its hooks do not match their specifications" in message and "extra" in message

    def test_a_plugin_that_is_not_installed(self, medoffice_practice):
        message = problems_of(medoffice_practice, "nothing-here")
        assert "is not installed in this practice (installed: " in message and "patient-alerts" in message

    @pytest.mark.medoffice_plugins()
    def test_a_plugin_that_is_disabled(self, conformance):
        with pytest.raises(AssertionError, match="did not load: its status is 'disabled'"):
            conformance("patient-alerts")


class TestScreens:
    @pytest.mark.extras("Tidy")
    async def test_screens_and_panels_that_mount_pass(self, medoffice_practice):
        await check_screens(medoffice_practice, "tidy")
        await check_screens(medoffice_practice, "patient-alerts")

    @pytest.mark.extras("Crashy")
    async def test_a_screen_and_a_panel_that_fail_once_mounted(self, medoffice_practice):
        assert plugin_problems(medoffice_practice, "crashy") == []  # they import and are the right kind
        with pytest.raises(AssertionError) as info:
            await check_screens(medoffice_practice, "crashy")
        message = str(info.value)
        assert "screen 'crashy.board' failed: plugin 'crashy': unexpected RuntimeError: the board fell over" in message
        assert "panel 'Crashy panel' failed: plugin 'crashy': unexpected RuntimeError: the panel fell over" in message

    @pytest.mark.extras("Patchy")
    async def test_a_screen_that_patches_textual_or_shows_its_stock_table(self, medoffice_practice, monkeypatch):
        from textual.widgets import DataTable

        monkeypatch.setattr(DataTable, "_update_dimensions", DataTable._update_dimensions)  # undone afterwards
        with pytest.raises(AssertionError) as info:
            await check_screens(medoffice_practice, "patchy")
        message = str(info.value)
        assert ("Textual was patched: textual.widgets._data_table.DataTable._update_dimensions is not Textual's own; "
                "subclass the kit's widgets instead") in message
        assert "screen 'patchy.board' shows textual's DataTable (use medoffice.ui's)" in message

    @pytest.mark.extras("Wordy")
    async def test_a_screen_whose_footer_does_not_fit_80_columns(self, medoffice_practice):
        with pytest.raises(AssertionError) as info:
            await check_screens(medoffice_practice, "wordy")
        assert "screen 'wordy.board': its footer needs" in str(info.value)
        assert "more columns than 80; shorten its key descriptions" in str(info.value)
