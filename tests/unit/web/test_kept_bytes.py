"""Kept HTML carries its UTF-8 bytes (portal.web.kept_html): a page's body joined from them is the
page's text encoded, whatever the pieces, the values and their escaping."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from portal.web.kept_html import CUT, Drawn, Html, filled, filled_bytes, utf8_of

TEXTS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


def _drawn(texts: list[str], slots: list[str]) -> Drawn:
    parts: list[tuple[str | None, str]] = []
    for text, slot in zip(texts, [*slots, None]):
        parts.append((None, text))
        if slot is not None:
            parts.append((slot, ""))
    return Drawn(tuple(parts), False, CUT in slots, tuple((slot, text.encode()) for slot, text in parts), None)


@given(st.lists(TEXTS, min_size=4, max_size=4), st.lists(TEXTS, min_size=2, max_size=2),
       st.lists(st.lists(TEXTS, max_size=3), min_size=1, max_size=1))
def test_the_bytes_are_the_filled_text_encoded(texts, values, pieces):
    drawn = _drawn(texts, ["name", CUT, "count"])
    given_values = {"name": values[0], "count": values[1]}
    cuts = [[Html.of(piece) if index % 2 else Markup(piece) for index, piece in enumerate(pieces[0])]]
    assert filled_bytes(drawn, given_values, cuts) == filled(drawn, given_values, cuts).encode()


@given(TEXTS, TEXTS)
def test_html_made_from_kept_html_is_encoded_afresh(kept, more):
    html = Html.of(kept)
    assert utf8_of(html) == kept.encode()
    joined = html + more  # new HTML, the other text escaped: not the kept bytes
    assert type(joined) is Html and utf8_of(joined) == (kept + str(escape(more))).encode()
    assert utf8_of(Markup(more)) == more.encode() and utf8_of(more) == more.encode()
