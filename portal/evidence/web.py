"""Building an event's origin from the current request."""

from __future__ import annotations

from flask import request, session

from portal.evidence.ledger import Origin


def request_origin(channel: str = "portal") -> Origin:
    """The client address (after ProxyFix), the user agent and a short session marker."""
    marker = session.get("_id")
    return Origin(
        channel=channel,
        ip=request.remote_addr,
        user_agent=(request.user_agent.string or "")[:300] or None,
        session=marker[:16] if isinstance(marker, str) else None,
    )
