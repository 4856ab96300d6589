from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.jobs import Every
from chalicelib.domain.throttle import LOGIN_PER_EMAIL, ThrottlePolicy


def test_lock_starts_at_the_fifth_failure() -> None:
    assert not LOGIN_PER_EMAIL.is_locked(4)
    assert LOGIN_PER_EMAIL.is_locked(5)


def test_seconds_left_counts_to_the_end_of_the_window() -> None:
    policy = ThrottlePolicy(max_failures=3, window_seconds=900)
    now = datetime(2026, 11, 23, 10, 5, tzinfo=UTC)  # 10:00 window ends at 10:15
    assert policy.seconds_left(now) == 600
    assert policy.window(now) == policy.window(now + timedelta(seconds=599))
    assert policy.window(now) != policy.window(now + timedelta(seconds=600))


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.sampled_from([1, 5, 15, 60, 1440]),
)
def test_next_slot_is_strictly_later_aligned_and_within_one_period(now: datetime, minutes: int) -> None:
    slot = Every(minutes).next_after(now)
    assert now < slot <= now + timedelta(minutes=minutes)
    assert (slot - datetime(1970, 1, 1, tzinfo=UTC)) % timedelta(minutes=minutes) == timedelta(0)
