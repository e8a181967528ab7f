"""The change feed: a terminal hears that another committed a change, and only then.

Each story reads a feed as the TUI's poller does (``wait`` with a short timeout) while
another connection of the same practice writes through ``ctx.changed``, as a service does.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine

from medoffice.core.services import patients
from medoffice.core.storage import changes, make_engine
from medoffice.core.storage.changes import ANY, check_topic, matches, open_feed

WAIT = 0.3
"""One round of the poller."""


def hear(feed, rounds: int = 8) -> frozenset[str]:
    """What the feed reports over a few rounds (a commit is heard within one)."""
    heard: set[str] = set()
    for _ in range(rounds):
        heard |= feed.wait(WAIT)
        if heard:
            break
    return frozenset(heard)


@contextmanager
def connected_feed(practice):
    """A feed of the practice that has connected (and reported its first ANY)."""
    feed = open_feed(practice.runtime.engine)
    assert feed is not None
    try:
        assert feed.wait(WAIT) == {ANY}, "a feed that (re)connects cannot know what it missed"
        yield feed
    finally:
        feed.close()


REGISTERED = "core.patients"
"""What registering the patient in :func:`book_something` announces besides its topics."""


def book_something(practice, *topics: str) -> None:
    with practice.operation("frontdesk") as ctx:
        patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02", "sex": "f"})
        ctx.changed(*topics)


class TestTopics:
    def test_a_topic_is_dotted_lower_case_words(self):
        assert check_topic("scheduling.appointments") == "scheduling.appointments"
        assert check_topic("patient-alerts.alerts") == "patient-alerts.alerts"
        for bad in ("", "Scheduling", "scheduling.", ".x", "a b", "a;NOTIFY", "x" * 101, None, 3):
            with pytest.raises(ValueError, match="dotted lower-case words"):
                check_topic(bad)

    def test_a_watched_topic_matches_itself_the_topics_under_it_and_any(self):
        assert matches({"scheduling"}, {"scheduling.waitlist"})
        assert matches({"scheduling.appointments"}, {"scheduling.appointments"})
        assert matches({"scheduling.appointments"}, {ANY})
        assert not matches({"scheduling.appointments"}, {"scheduling.waitlist"})
        assert not matches({"scheduling.app"}, {"scheduling.appointments"})
        assert not matches({"billing"}, set())

    def test_a_service_naming_a_bad_topic_writes_nothing(self, medoffice_practice):
        """A programming error, caught in the unit of work: it rolls back."""
        with pytest.raises(ValueError):
            book_something(medoffice_practice, "Scheduling Appointments")
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert patients.count(ctx) == 0


class TestFeed:
    def test_a_commit_elsewhere_is_heard_and_a_quiet_database_says_nothing(self, medoffice_practice):
        with connected_feed(medoffice_practice) as feed:
            assert hear(feed, rounds=2) == frozenset()
            book_something(medoffice_practice, "scheduling.appointments")
            heard = hear(feed)
            expected = {ANY} if medoffice_practice.backend == "sqlite" else {REGISTERED, "scheduling.appointments"}
            assert heard == expected
            assert hear(feed, rounds=2) == frozenset(), "each commit is heard once"

    def test_a_rolled_back_change_is_never_heard(self, medoffice_practice):
        with connected_feed(medoffice_practice) as feed:
            with pytest.raises(RuntimeError), medoffice_practice.operation("frontdesk") as ctx:
                ctx.changed("scheduling.appointments")
                raise RuntimeError("the booking failed after announcing")
            assert hear(feed, rounds=3) == frozenset()

    @pytest.mark.medoffice_backends("postgresql")
    def test_a_topic_named_often_in_one_unit_of_work_is_sent_once(self, medoffice_practice):
        """A unit of work naming a topic three times sends it once; two topics, both."""
        with connected_feed(medoffice_practice) as feed:
            with medoffice_practice.operation("frontdesk") as ctx:
                ctx.changed("scheduling.appointments")
                ctx.changed("scheduling.appointments", "scheduling.waitlist")
                ctx.changed("scheduling.appointments")
            heard: set[str] = set()
            for _ in range(8):
                heard |= feed.wait(WAIT)
            assert heard == {"scheduling.appointments", "scheduling.waitlist"}

    @pytest.mark.medoffice_backends("postgresql")
    def test_another_practice_on_the_same_server_is_not_heard(self, medoffice_practice):
        """Practices share a database, a schema each: the channel is the schema's."""
        from sqlalchemy.orm import Session

        from medoffice.testing._backends import postgres_schema, postgres_url

        with connected_feed(medoffice_practice) as feed, postgres_schema(postgres_url()) as other_url:
            other = make_engine(other_url)
            try:
                with Session(other) as session, session.begin():
                    changes.announce(session, ["scheduling.appointments"])
            finally:
                other.dispose()
            assert hear(feed, rounds=3) == frozenset()
            book_something(medoffice_practice, "scheduling.appointments")
            assert hear(feed) == {REGISTERED, "scheduling.appointments"}, "the feed does hear its own practice"

    @pytest.mark.medoffice_backends("postgresql")
    def test_a_dropped_connection_is_made_again_quietly(self, medoffice_practice, caplog):
        """The server ends the listener (a restart): the next round notices, logs a warning
        (nothing for the desk), connects again and says ANY, since it missed what came
        meanwhile; then it hears commits as before."""
        from medoffice.testing._backends import admin_connection, postgres_url

        with connected_feed(medoffice_practice) as feed:
            admin_connection(postgres_url()).execute("SELECT pg_terminate_backend(%s)", (feed.backend_pid,))
            with caplog.at_level(logging.WARNING, logger="medoffice.changes"):
                heard = hear(feed)
                assert heard == frozenset() or heard == {ANY}
                if heard == frozenset():
                    assert hear(feed) == {ANY}
            assert "connection lost" in caplog.text
            book_something(medoffice_practice, "scheduling.waitlist")
            assert hear(feed) == {REGISTERED, "scheduling.waitlist"}

    def test_a_feed_that_cannot_connect_waits_and_says_nothing(self, caplog):
        def refuse():
            raise OSError("connection refused")

        feed = changes.PostgresChangeFeed(refuse)
        feed.interrupt()  # do not sleep the retry delay
        with caplog.at_level(logging.WARNING, logger="medoffice.changes"):
            assert feed.wait(0.01) == frozenset()
            assert feed.wait(0.01) == frozenset()
        assert caplog.text.count("cannot connect") == 1, "an outage is logged once"
        feed.close()
        assert feed.closed and feed.wait(0.01) == frozenset()

    def test_an_in_memory_database_has_no_feed(self):
        assert open_feed(create_engine("sqlite://")) is None
