"""Computed parts of pages kept in each server process under a key that names everything they are
computed from (a version read from the database, the day, the reader's language and reach, the
request's arguments), so a part is computed again only when one of these changes. Several
processes each keep their own and agree through the version they read."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import Flask, current_app, request

EXTENSION = "kept_parts"
KEPT_PARTS = 512
T = TypeVar("T")


class KeptParts:
    """The most recently used parts, at most :data:`KEPT_PARTS`, shared by a process's threads."""

    def __init__(self) -> None:
        self._parts: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key in self._parts:
                self._parts.move_to_end(key)
                return self._parts[key]
        return None

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._parts[key] = value
            self._parts.move_to_end(key)
            while len(self._parts) > KEPT_PARTS:
                self._parts.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = KeptParts()


def kept_parts() -> KeptParts:
    return current_app.extensions[EXTENSION]


def kept(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned before under ``key`` (with the request's script root, so
    links stay right behind any prefix)."""
    key = (request.script_root, key)
    parts = kept_parts()
    value = parts.get(key)
    if value is None:
        value = compute()
        parts.put(key, value)
    return value
