"""The value filters and row links the lists draw with: remembered formats stay per locale, time
zone and format, and links built once equal what ``url_for`` builds for every row."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from babel import dates
from flask import url_for
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.web.templating import as_text, cells, local_date, local_datetime, row_links
from tests.conftest import login, post_form

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

SHANGHAI = "Asia/Shanghai"
LANGUAGES = {"en": "en", "zh_CN": "zh_Hans_CN"}


@contextmanager
def in_locale(app, code: str):
    with app.test_request_context(), force_locale(code):
        yield


def test_dates_are_formatted_for_the_active_locale_each_time(app):
    day, moment = date(2026, 3, 9), datetime(2026, 3, 9, 20, 5, tzinfo=UTC)  # 04:05 the next day in Shanghai
    shown = {}
    for code in ("zh_CN", "en", "zh_CN", "en"):  # alternate, so a remembered format would leak across
        with in_locale(app, code):
            shown.setdefault(code, set()).add(
                (local_date(day), local_date(day, "short"), local_datetime(moment, "short"), local_datetime(moment)))
    for code, babel_code in LANGUAGES.items():
        assert shown[code] == {(
            dates.format_date(day, "medium", locale=babel_code), dates.format_date(day, "short", locale=babel_code),
            dates.format_datetime(moment, "short", tzinfo=dates.get_timezone(SHANGHAI), locale=babel_code),
            dates.format_datetime(moment, "medium", tzinfo=dates.get_timezone(SHANGHAI), locale=babel_code),
        )}
    assert shown["en"] != shown["zh_CN"]
    assert "10" in next(iter(shown["en"]))[2]  # the 10th in Shanghai, though the 9th in UTC


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(st.integers(0, 10**12), st.text(min_size=1, max_size=12)))
def test_row_links_equal_url_for(app, value):
    with app.test_request_context():
        assert row_links("org.employee", "employee_id")(abs(hash(value)) % 10**9) == url_for(
            "org.employee", employee_id=abs(hash(value)) % 10**9)
        assert row_links("notices.receipt", "number")(value) == url_for("notices.receipt", number=value)
        assert (row_links("course_records.employee", "employee_id", slug="injury-basics")(7)
                == url_for("course_records.employee", slug="injury-basics", employee_id=7))


def test_labels_as_text_are_translated_once_in_the_active_locale(app):
    from portal.org.labels import CONTRACT_LABELS
    from portal.org.rules import ContractType

    with in_locale(app, "en"):
        labels = as_text(CONTRACT_LABELS)
        assert labels[ContractType.FIXED_TERM] == "Fixed-term" and type(labels[ContractType.FIXED_TERM]) is str
    with in_locale(app, "zh_CN"):
        assert as_text(CONTRACT_LABELS)[ContractType.FIXED_TERM] != "Fixed-term"


def test_cell_openers_carry_each_label_escaped_in_the_active_locale(app):
    from portal.web.templating import _l

    with in_locale(app, "en"):
        opened = cells(name=_l("Name"), odd='"<&>')
        assert opened == {"name": '<td data-label="Name">', "odd": '<td data-label="&#34;&lt;&amp;&gt;">'}
    with in_locale(app, "zh_CN"):
        assert cells(name=_l("Name"))["name"] == '<td data-label="姓名">'


def test_the_employee_list_shows_hire_dates_in_the_chosen_locale(client, world):
    login(client, "hr")
    hired = world.worker.hire_date
    zh = client.get("/employees").get_data(as_text=True)
    post_form(client, "/locale", {"locale": "en", "next": "/employees"})
    en = client.get("/employees").get_data(as_text=True)
    assert dates.format_date(hired, "medium", locale="zh_Hans_CN") in zh
    assert dates.format_date(hired, "medium", locale="en") in en
    assert dates.format_date(hired, "medium", locale="en") not in zh
