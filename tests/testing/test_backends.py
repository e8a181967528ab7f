"""The helpers behind ``--medoffice-db``: backend names, PostgreSQL URLs, CI detection."""

from __future__ import annotations

import pytest

from medoffice.testing._backends import (
    DEFAULT_POSTGRES_URL,
    display_url,
    in_ci,
    libpq_url,
    parse_backends,
    postgres_url,
    probe_postgres,
    schema_of,
    server_of,
    with_search_path,
)


class TestParseBackends:
    def test_a_comma_list_in_order_without_repeats(self):
        assert parse_backends(" PostgreSQL, sqlite,postgresql ") == ("postgresql", "sqlite")

    def test_an_unknown_backend_is_named(self):
        with pytest.raises(ValueError, match="unknown backend 'oracle' \\(choose from sqlite, postgresql\\)"):
            parse_backends("sqlite,oracle")

    def test_at_least_one_backend(self):
        with pytest.raises(ValueError, match="at least one"):
            parse_backends(" , ")


class TestPostgresUrls:
    def test_the_server_comes_from_the_environment_or_the_default(self):
        assert postgres_url({}) == DEFAULT_POSTGRES_URL == "postgresql://postgres@127.0.0.1:5432/test"
        assert postgres_url({"MEDOFFICE_TEST_POSTGRES_URL": "postgresql://u@db/x"}) == "postgresql://u@db/x"

    def test_the_schema_goes_in_the_search_path_option(self):
        assert with_search_path("postgresql://h/db", "mo_1") == "postgresql://h/db?options=-csearch_path%3Dmo_1"
        assert with_search_path("postgresql://h/db?sslmode=disable", "mo_1") == (
            "postgresql://h/db?sslmode=disable&options=-csearch_path%3Dmo_1")

    def test_a_schema_url_names_its_schema_and_its_server(self):
        url = with_search_path("postgresql://h/db?sslmode=disable", "mo_1")
        assert (schema_of(url), server_of(url)) == ("mo_1", "postgresql://h/db?sslmode=disable")
        with pytest.raises(ValueError, match="names no schema"):
            schema_of("postgresql://h/db")

    def test_libpq_gets_a_url_without_the_sqlalchemy_driver(self):
        assert libpq_url("postgresql+psycopg://u@h/db") == "postgresql://u@h/db"
        assert libpq_url("postgres://u@h/db") == "postgresql://u@h/db"

    def test_messages_never_show_the_password(self):
        assert display_url("postgresql://bob:s3cret@h/db") == "postgresql://bob:***@h/db"
        assert display_url("postgresql://bob@h/db") == "postgresql://bob@h/db"

    def test_a_closed_port_is_reported_in_one_line(self):
        problem = probe_postgres("postgresql://postgres@127.0.0.1:1/test")
        assert problem is not None and "\n" not in problem


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("TRUE", True), ("1", False), ("", False)])
def test_only_ci_true_makes_a_missing_server_fail(value, expected):
    assert in_ci({"CI": value}) is expected
