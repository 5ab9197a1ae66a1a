"""API test helpers: tokens for the world's accounts and a local webhook receiver."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from portal.api import tokens
from portal.extensions import db


@pytest.fixture
def make_token(world) -> Callable[..., dict[str, str]]:
    """``make_token("hr", "org:read", …)`` → headers carrying a new token of that account."""

    def create(username: str, *scopes: str, rate_limit: str = tokens.DEFAULT_RATE_LIMIT) -> dict[str, str]:
        _token, secret = tokens.create_token(f"{username} system", world.user(username), set(scopes),
                                             world.admin, rate_limit=rate_limit)
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return create


class Receiver:
    """A local HTTP server that records every webhook it receives (and answers ``status``)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "raw": body, "json": json.loads(body)})
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


def write(client, method: str, path: str, headers: dict[str, str], body: Any, key: str):
    return client.open(path, method=method, json=body, headers={**headers, "Idempotency-Key": key})
