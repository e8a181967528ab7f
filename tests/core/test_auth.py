"""Signing in: argon2 hashes, lock-out after repeated failures, every attempt audited."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from medoffice.core import audit
from medoffice.core.errors import AuthenticationError, ValidationError
from medoffice.core.services import users
from medoffice.core.storage.models import User


def attempts(practice, username, password, times):
    for _ in range(times):
        with pytest.raises(AuthenticationError):
            users.sign_in(practice.runtime, username, password)


def test_passwords_are_stored_as_argon2_hashes(medoffice_practice):
    with medoffice_practice.operation("admin", write=False) as ctx:
        stored = ctx.session.execute(select(User.password_hash).where(User.username == "billing")).scalar_one()
    assert stored.startswith("$argon2") and "billing-password" not in stored


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(medoffice_practice):
    with pytest.raises(AuthenticationError) as wrong:
        users.sign_in(medoffice_practice.runtime, "billing", "nope")
    with pytest.raises(AuthenticationError) as unknown:
        users.sign_in(medoffice_practice.runtime, "nobody", "nope")
    assert str(wrong.value) == str(unknown.value) == "unknown user or wrong password"


def test_five_failures_lock_the_account_even_for_the_right_password(medoffice_practice):
    attempts(medoffice_practice, "billing", "guess", 5)
    with pytest.raises(AuthenticationError, match="locked until"):
        users.sign_in(medoffice_practice.runtime, "billing", "billing-password")
    with medoffice_practice.operation("admin", write=False) as ctx:
        actions = [e.action for e in audit.iter_entries(ctx.session, username="billing")]
        dumped = str([e.summary for e in audit.iter_entries(ctx.session, username="billing")])
    assert actions.count("auth.sign_in_failed") == 5 and actions[0] == "auth.sign_in_refused"
    assert "guess" not in dumped and "billing-password" not in dumped


def test_the_lock_lifts_after_fifteen_minutes(medoffice_practice):
    attempts(medoffice_practice, "billing", "guess", 5)
    runtime = medoffice_practice.runtime
    real_clock = runtime.clock
    runtime.clock = lambda: real_clock() + dt.timedelta(minutes=16)
    try:
        assert users.sign_in(runtime, "billing", "billing-password").username == "billing"
    finally:
        runtime.clock = real_clock


def test_a_deactivated_user_cannot_sign_in(medoffice_practice):
    with medoffice_practice.operation("admin") as ctx:
        users.set_active(ctx, "billing", False)
    with pytest.raises(AuthenticationError):
        users.sign_in(medoffice_practice.runtime, "billing", "billing-password")


def test_outside_the_demo_a_password_needs_eight_characters(medoffice_practice):
    with pytest.raises(ValidationError, match="8 characters"):
        with medoffice_practice.operation("admin") as ctx:
            users.add_user(ctx, "newbie", "New Bie", "demo", ["front_desk"])
    with medoffice_practice.operation("admin", write=False) as ctx:
        assert "newbie" not in [u.username for u in users.list_users(ctx)]


def test_users_may_change_their_own_password_but_not_anyone_elses(medoffice_practice):
    from medoffice.core.errors import PermissionDenied

    with medoffice_practice.operation("frontdesk") as ctx:
        users.set_password(ctx, "frontdesk", "a-new-password")
    assert users.sign_in(medoffice_practice.runtime, "frontdesk", "a-new-password")
    with pytest.raises(PermissionDenied):
        with medoffice_practice.operation("frontdesk") as ctx:
            users.set_password(ctx, "billing", "hijacked-password")


def test_guesses_raced_from_many_desks_get_no_more_than_five_checks(medoffice_practice):
    """Twelve wrong guesses sent at once, as a script on several terminals would: the count
    and the lock are decided in the transaction that checks each password (the user's row
    locked), so exactly five guesses are checked before the account locks and the rest are
    refused as locked, not checked."""
    import threading

    barrier = threading.Barrier(12)
    outcomes: list[str] = []

    def guess(n: int) -> None:
        barrier.wait()
        try:
            users.sign_in(medoffice_practice.runtime, "billing", f"guess-{n}")
        except AuthenticationError as error:
            outcomes.append("locked" if "locked until" in str(error) else "wrong")

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["locked"] * 7 + ["wrong"] * 5
    with medoffice_practice.operation("admin", write=False) as ctx:
        failed = [e.summary for e in audit.iter_entries(ctx.session, username="billing", action="auth.sign_in_failed")]
    assert sorted(s["attempt"] for s in failed) == [1, 2, 3, 4, 5]
