"""Failure counting without Flask: per account and per address, successes never recorded."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from portal.auth.throttle import LoginThrottle


def throttle() -> LoginThrottle:
    return LoginThrottle(FixedWindowRateLimiter(MemoryStorage()), tuple(parse_many("3 per minute")),
                         tuple(parse_many("5 per minute")))


def test_usernames_count_alike_whatever_their_case_or_spaces():
    limits = throttle()
    for typed in ("Worker", " worker", "WORKER "):
        limits.failed(typed, "10.0.0.1")
    assert 0 < limits.retry_after("worker", "10.0.0.2") <= 60  # the account is held, from any address
    assert limits.retry_after("other", "10.0.0.2") == 0


@settings(max_examples=30)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.sampled_from(["10.0.0.1", "10.0.0.2"])),
                max_size=12))
def test_refused_exactly_when_an_account_or_an_address_reached_its_limit(failures):
    limits = throttle()
    for username, address in failures:
        limits.failed(username, address)
    for username in "abcd":
        for address in ("10.0.0.1", "10.0.0.2"):
            account_full = sum(u == username for u, _a in failures) >= 3
            address_full = sum(a == address for _u, a in failures) >= 5
            assert (limits.retry_after(username, address) > 0) == (account_full or address_full)
