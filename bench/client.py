"""A small HTTP client for the benchmark: one keep-alive connection, cookies, CSRF tokens."""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|name="csrf-token" content="([^"]+)"')


@dataclass
class Answer:
    status: int
    body: str
    seconds: float
    queries: int
    location: str | None


class Client:
    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> Answer:
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt:
                    raise
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Answer(response.status, text, seconds, int(response.headers.get("X-Bench-Queries", "-1")),
                      response.headers.get("Location"))

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def csrf_token(self, path: str) -> str:
        page = self.get(path)
        match = CSRF.search(page.body)
        if not match:
            raise RuntimeError(f"no CSRF token on {path} ({page.status})")
        return match.group(1) or match.group(2)

    def login(self, username: str, password: str) -> None:
        token = self.csrf_token("/login")
        answer = self.request("POST", "/login", {"csrf_token": token, "username": username, "password": password})
        if answer.status not in (302, 303):
            raise RuntimeError(f"sign-in of {username} failed: {answer.status}")

    def close(self) -> None:
        self.connection.close()
