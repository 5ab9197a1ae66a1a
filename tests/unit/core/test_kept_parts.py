"""The kept parts map forgets the least recently used parts beyond its count and size bounds."""

from __future__ import annotations

from portal.core import kept


def test_the_least_recently_used_parts_go_first(monkeypatch):
    monkeypatch.setattr(kept, "KEPT_PARTS", 3)
    parts = kept.KeptParts()
    for key in "abc":
        parts.put(key, key * 10)
    assert parts.get("a") == "a" * 10  # now the most recently used
    parts.put("d", "d")
    assert [parts.get(k) for k in "abcd"] == ["a" * 10, None, "c" * 10, "d"]


def test_parts_beyond_the_size_bound_go_too(monkeypatch):
    monkeypatch.setattr(kept, "KEPT_CHARACTERS", 100)
    parts = kept.KeptParts()
    parts.put("a", ("x" * 40, "y" * 20))
    parts.put("b", "z" * 30)
    parts.put("c", "w" * 50)  # 60 + 30 + 50 > 100: "a" goes
    assert (parts.get("a"), parts.get("b"), parts.get("c")) == (None, "z" * 30, "w" * 50)
    parts.put("d", "v" * 500)  # larger than the bound alone: kept, every other part goes
    assert (parts.get("b"), parts.get("c"), parts.get("d")) == (None, None, "v" * 500)
