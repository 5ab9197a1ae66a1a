"""Every read and write of htmx headers lives here, so an htmx upgrade touches one file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, make_response, render_template, request
from markupsafe import Markup

from portal.web.fragments import kept_fragment
from portal.web.layout import kept_page


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_fragment(target_id: str) -> bool:
    """True for an htmx request that swaps exactly ``target_id``.

    Boosted navigation and history restores want the full page even though they come from htmx.
    """
    headers = request.headers
    return (
        is_htmx()
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
        and headers.get("HX-Target") == target_id
    )


def page_or_fragment(page: str, fragment: str, target_id: str, status: int = 200,
                     page_only: Callable[[], dict[str, Any]] | None = None,
                     listing: dict[str, Any] | None = None, page_title: str | None = None, **context: Any) -> Response:
    """Render the whole page, or only the fragment when htmx targets ``target_id``. ``page_only``
    gives what only the whole page shows (a filter's choices, a form), so a fragment skips it.

    With ``listing`` (a list's rows, counts, page and filter), the fragment is drawn from those
    values alone and kept by them (``portal.web.fragments.kept_fragment``); the page shows it as
    ``listing_html``.

    With ``page_title``, ``page`` is the page's content alone, kept by the plain values of ``context``
    with its drawn parts (``listing_html``, what ``page_only`` gives) put in, in the layout
    (``portal.web.layout.kept_page``)."""
    whole = not wants_fragment(target_id)
    if listing is not None:
        context["listing_html"] = kept_fragment(fragment, **listing)
        if not whole:
            response = make_response(context["listing_html"], status)
            response.vary.add("HX-Request")
            return response
    if whole and page_only is not None:
        context.update(page_only())
    if whole and page_title is not None:
        drawn = {name: value for name, value in context.items() if isinstance(value, Markup)}
        fixed = {name: value for name, value in context.items() if name not in drawn}
        response = make_response(kept_page(page_title, page, drawn, **fixed), status)
    else:
        response = make_response(render_template(page if whole else fragment, **context), status)
    response.vary.add("HX-Request")
    return response


def client_redirect(location: str, status: int = 200) -> Response:
    """Tell htmx to navigate the whole window (a 3xx would be followed and swapped in place)."""
    response = make_response("", status)
    response.headers["HX-Redirect"] = location
    return response
