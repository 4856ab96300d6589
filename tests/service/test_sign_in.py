from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.errors import TooManyRequests, Unauthorized
from chalicelib.services import manage_staff
from chalicelib.services.sign_in import SessionExpired, current_user, sign_in, sign_out
from tests.service.conftest import NOW

PASSWORD = "a long enough password"


@pytest.fixture
def ann():
    return manage_staff.create_staff(
        email="ann@example.com", name="Ann", role="sales", password=PASSWORD, actor=SYSTEM, now=NOW
    )


def test_sign_in_opens_a_session_that_identifies_the_user(ann) -> None:
    user, session_id = sign_in("ANN@example.com", PASSWORD, "10.0.0.1", NOW)
    assert user.id == ann.id
    assert current_user(session_id, NOW + timedelta(hours=1)).id == ann.id


def test_wrong_password_and_unknown_email_get_the_same_answer(ann) -> None:
    for email, password in [("ann@example.com", "wrong password!!"), ("nobody@example.com", PASSWORD)]:
        with pytest.raises(Unauthorized, match="^wrong email or password$"):
            sign_in(email, password, "10.0.0.1", NOW)


def test_five_failures_lock_the_account_for_the_window_even_with_the_right_password(ann) -> None:
    # Counters expire by DynamoDB TTL at the end of their window, and DynamoDB Local deletes expired
    # items by the real clock: the window used here must be the real current one, not a fixed date.
    start = datetime.fromtimestamp(int(datetime.now(UTC).timestamp()) // 900 * 900, UTC)
    for _ in range(5):
        with pytest.raises(Unauthorized):
            sign_in("ann@example.com", "wrong password!!", "10.0.0.1", start)
    with pytest.raises(TooManyRequests, match="try again in 15 minutes") as error:
        sign_in("ann@example.com", PASSWORD, "10.0.0.2", start + timedelta(seconds=1))
    assert 0 < error.value.retry_after <= 900
    # Another account is not affected, and the lock ends with the window.
    user, _ = sign_in("ann@example.com", PASSWORD, "10.0.0.1", start + timedelta(minutes=16))
    assert user.id == ann.id


def test_session_expires_after_twelve_hours(ann) -> None:
    _, session_id = sign_in("ann@example.com", PASSWORD, "10.0.0.1", NOW)
    with pytest.raises(SessionExpired, match="expired"):
        current_user(session_id, NOW + timedelta(hours=12, seconds=1))
    with pytest.raises(SessionExpired):  # and it is gone, not just refused
        current_user(session_id, NOW)


def test_sign_out_and_deactivation_end_the_session(ann) -> None:
    _, first = sign_in("ann@example.com", PASSWORD, "10.0.0.1", NOW)
    sign_out(first)
    with pytest.raises(SessionExpired):
        current_user(first, NOW)
    _, second = sign_in("ann@example.com", PASSWORD, "10.0.0.1", NOW)
    boss = manage_staff.create_staff(
        email="boss@example.com", name="Boss", role="admin", password=PASSWORD, actor=SYSTEM, now=NOW
    )
    from chalicelib.domain.audit import Actor

    manage_staff.set_active(ann.id, False, actor=Actor(boss.id, boss.email), now=NOW)
    with pytest.raises(SessionExpired, match="deactivated"):
        current_user(second, NOW)
    with pytest.raises(Unauthorized):
        sign_in("ann@example.com", PASSWORD, "10.0.0.1", NOW)


def test_an_invited_user_without_a_password_cannot_sign_in() -> None:
    manage_staff.create_staff(
        email="new@example.com", name="New", role="viewer", password=None, actor=SYSTEM, now=NOW
    )
    with pytest.raises(Unauthorized):
        sign_in("new@example.com", "", "10.0.0.1", NOW)


def test_a_session_id_naming_another_user_is_refused(ann) -> None:
    boss = manage_staff.create_staff(
        email="boss@example.com", name="Boss", role="admin", password=PASSWORD, actor=SYSTEM, now=NOW
    )
    _, session_id = sign_in("ann@example.com", PASSWORD, "10.0.0.1", NOW)
    _ann_id, _, random_part = session_id.partition(".")
    for forged in (f"{boss.id}.{random_part}", random_part, f".{random_part}"):
        with pytest.raises(SessionExpired):
            current_user(forged, NOW)
