"""The process-local memo with expiry (core/memo.py): expiry on a fake clock, the size bound, forgetting."""

import threading

import pytest

from core.memo import TtlMemo


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


def test_a_value_is_remembered_until_its_ttl_has_passed(clock):
    memo = TtlMemo(30, clock=clock)
    memo.set("a", 1)
    clock.now += 29.9
    assert memo.get("a") == 1
    clock.now += 0.1
    assert memo.get("a") is None
    assert memo.get("a", "gone") == "gone"


def test_get_or_set_computes_once_per_ttl_and_remembers_none(clock):
    memo = TtlMemo(5, clock=clock)
    computed = []

    def compute():
        computed.append(1)
        return None  # "no such account" is worth remembering too

    assert memo.get_or_set("k", compute) is None
    assert memo.get_or_set("k", compute) is None
    assert len(computed) == 1
    clock.now += 5
    memo.get_or_set("k", compute)
    assert len(computed) == 2


def test_setting_again_restarts_the_ttl(clock):
    memo = TtlMemo(10, clock=clock)
    memo.set("a", 1)
    clock.now += 8
    memo.set("a", 2)
    clock.now += 8
    assert memo.get("a") == 2


def test_the_size_is_bounded_dropping_expired_entries_then_the_oldest(clock):
    memo = TtlMemo(10, max_size=3, clock=clock)
    memo.set("old", 0)
    clock.now += 5
    memo.set("a", 1)
    memo.set("b", 2)
    clock.now += 5  # "old" has expired; "a" and "b" have not
    memo.set("c", 3)
    assert len(memo) == 3 and memo.get("a") == 1 and memo.get("old") is None
    memo.set("d", 4)  # full of live entries: the oldest ("a") goes
    assert len(memo) == 3
    assert [memo.get(key) for key in ("a", "b", "c", "d")] == [None, 2, 3, 4]


def test_forget_and_clear(clock):
    memo = TtlMemo(10, clock=clock)
    memo.set("a", 1)
    memo.set("b", 2)
    memo.forget("a")
    memo.forget("never-there")
    assert (memo.get("a"), memo.get("b")) == (None, 2)
    memo.clear()
    assert len(memo) == 0 and memo.get("b") is None


def test_nonsense_limits_are_refused():
    with pytest.raises(ValueError):
        TtlMemo(0)
    with pytest.raises(ValueError):
        TtlMemo(1, max_size=0)


def test_threads_share_one_memo_without_losing_the_bound():
    memo = TtlMemo(60, max_size=50)

    def work(offset):
        for i in range(500):
            memo.get_or_set((offset, i), lambda i=i: i)
            memo.forget((offset, i - 3))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(memo) <= 50
