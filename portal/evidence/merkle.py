"""The portal's Merkle log (RFC 6962 §2.1): tree heads and the proofs that packs and monitors check.

Pure functions over leaf hashes, no Flask, no database. Verification lives in ``verify_pack.py``
(standard library only), which is the very file a third party runs.
"""

from __future__ import annotations

from portal.evidence.verify_pack import leaf_hash, node_hash

EMPTY_ROOT = bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


class Tree:
    """All complete subtrees of a list of leaf hashes, so any older head's root and any proof
    costs O(log² n) lookups instead of rehashing the log."""

    def __init__(self, leaf_hashes: list[bytes]) -> None:
        self.size = len(leaf_hashes)
        self.levels = [list(leaf_hashes)]
        level = self.levels[0]
        while len(level) > 1:
            level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            self.levels.append(level)

    @classmethod
    def of_leaves(cls, leaves: list[bytes]) -> Tree:
        return cls([leaf_hash(leaf) for leaf in leaves])

    def _hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a subtree of the RFC 6962 tree."""
        width = end - start
        height = width.bit_length() - 1
        if width == 1 << height and start % width == 0:
            return self.levels[height][start >> height]
        k = _split(width)
        return node_hash(self._hash(start, start + k), self._hash(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else size
        if not 0 <= size <= self.size:
            raise ValueError(f"the log has {self.size} leaves, not {size}")
        return EMPTY_ROOT if size == 0 else self._hash(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[size]) of RFC 6962 §2.1.1."""
        size = self.size if size is None else size
        if not 0 <= index < size <= self.size:
            raise ValueError(f"no leaf {index} in a tree of size {size}")
        return self._path(index, 0, size)

    def _path(self, index: int, start: int, end: int) -> list[bytes]:
        if end - start == 1:
            return []
        k = _split(end - start)
        if index < k:
            return self._path(index, start, start + k) + [self._hash(start + k, end)]
        return self._path(index - k, start + k, end) + [self._hash(start, start + k)]

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        """PROOF(first, D[second]) of RFC 6962 §2.1.2."""
        second = self.size if second is None else second
        if not 0 <= first <= second <= self.size:
            raise ValueError(f"no consistency proof from {first} to {second}")
        if first in (0, second):
            return []
        return self._subproof(first, 0, second, True)

    def _subproof(self, m: int, start: int, end: int, whole: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if whole else [self._hash(start, end)]
        k = _split(n)
        if m <= k:
            return self._subproof(m, start, start + k, whole) + [self._hash(start + k, end)]
        return self._subproof(m - k, start + k, end, False) + [self._hash(start, start + k)]
