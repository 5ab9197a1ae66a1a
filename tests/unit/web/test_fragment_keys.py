"""A kept fragment's key (``portal.web.fragments.frozen``) equals another exactly when the values it
is drawn from are equal, and refuses values that are compared by identity."""

from __future__ import annotations

import copy
import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import NamedTuple

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from portal.web.fragments import frozen


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclass
class Table:
    rows: list
    counts: dict = field(default_factory=dict)


plain = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5), st.dates(),
                  st.datetimes(), st.decimals(allow_nan=False), st.sampled_from(Colour))
values = st.recursive(plain, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner), st.dictionaries(st.text(max_size=3), inner, max_size=3),
    st.builds(Table, st.lists(inner, max_size=3))), max_leaves=12)


@given(values)
def test_equal_contents_give_equal_hashable_keys(value):
    key = frozen(value)
    assert hash(key) == hash(frozen(copy.deepcopy(value)))
    assert key == frozen(copy.deepcopy(value))


@given(values, values)
def test_equal_keys_only_for_values_shown_alike(first, second):
    if frozen(first) == frozen(second):
        assert repr(first) == repr(second)


@pytest.mark.parametrize(("first", "second"), [
    (1, True), (1, 1.0), (Decimal("1.0"), Decimal("1.00")), (0.0, -0.0), ([1], (1,)), ("red", Colour.RED),
    ([(1, "a")], [(True, "a")]), ({"a": 1}, {"a": 1.0}), ({"a": 1, "b": 2}, {"b": 2, "a": 1}),
])
def test_equal_values_shown_differently_get_different_keys(first, second):
    assert frozen(first) != frozen(second)


def test_a_changed_cell_changes_the_key():
    rows = [(1, "李强", date(2026, 1, 1)), (2, "陈晓雨", None)]
    changed = [(1, "李小强", date(2026, 1, 1)), (2, "陈晓雨", None)]
    assert frozen(rows) != frozen(changed)
    assert frozen(Table(rows, {"a": 1})) != frozen(Table(rows, {"a": 2}))


class Line(NamedTuple):
    slug: str
    due: date


class Other(NamedTuple):
    slug: str
    due: date


def test_named_tuples_are_keyed_by_their_type_and_items():
    line = Line("injury-basics", date(2026, 1, 1))
    assert frozen([line]) == frozen([Line("injury-basics", date(2026, 1, 1))])
    assert frozen([line]) != frozen([Line("injury-basics", date(2026, 1, 2))])
    assert frozen([line]) != frozen([Other("injury-basics", date(2026, 1, 1))])
    assert frozen([line]) != frozen([("injury-basics", date(2026, 1, 1))])
    with pytest.raises(TypeError):
        frozen(Line("injury-basics", object()))


@pytest.mark.parametrize("value", [object(), lambda: 1, [object()], {"a": [object()]}, Table([object()])])
def test_values_compared_by_identity_are_refused(value):
    with pytest.raises(TypeError):
        frozen(value)


def test_rows_are_keyed_by_their_column_names_and_values():
    engine = sa.create_engine("sqlite://")
    with engine.connect() as connection:
        def rows(sql: str) -> list:
            return list(connection.execute(sa.text(sql)).all())

        page = rows("SELECT 1 AS id, '李强' AS name UNION ALL SELECT 2, '陈晓雨'")
        assert frozen(page) == frozen(rows("SELECT 1 AS id, '李强' AS name UNION ALL SELECT 2, '陈晓雨'"))
        assert frozen(page) != frozen(rows("SELECT 1 AS id, '李强' AS label UNION ALL SELECT 2, '陈晓雨'"))
        assert frozen(page) != frozen(rows("SELECT 1 AS id, '李强' AS name UNION ALL SELECT 2, '陈小雨'"))
        assert frozen(page[0]) == frozen(rows("SELECT 1 AS id, '李强' AS name")[0])
        when = rows("SELECT 1 AS id, '2026-01-01 08:00:00' AS at")
        assert frozen(when) != frozen([datetime(2026, 1, 1, 8)])


zoned = st.datetimes(timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=8)), timezone(-timedelta(hours=5))]))
cells = st.one_of(st.integers(min_value=0, max_value=2), st.floats(allow_nan=False, width=16), zoned,
                  st.sampled_from([Decimal("1"), Decimal("1.0"), Decimal("-0")]), st.none())


@given(st.lists(st.tuples(cells, cells), min_size=1, max_size=4), st.lists(st.tuples(cells, cells), min_size=1, max_size=4))
def test_rows_of_times_and_numbers_share_a_key_only_when_shown_alike(first, second):
    """Rows of one width are keyed in one flat tuple; equal instants in other zones, 1.0 and 1.00,
    0.0 and -0.0 still get different keys."""
    for kind in (list, tuple):
        if frozen(kind(first)) == frozen(kind(second)):
            assert repr(first) == repr(second)


def test_an_instant_in_another_zone_and_other_digits_change_a_rows_key():
    at_utc = datetime(2026, 1, 1, tzinfo=timezone.utc)
    in_shanghai = at_utc.astimezone(timezone(timedelta(hours=8)))
    assert at_utc == in_shanghai
    assert frozen([(1, at_utc)]) != frozen([(1, in_shanghai)])
    assert frozen(((1, at_utc), (2, Decimal("1.0")))) != frozen(((1, at_utc), (2, Decimal("1.00"))))
    assert frozen([(1, at_utc), (2, at_utc)]) == frozen([(1, at_utc), (2, datetime(2026, 1, 1, tzinfo=timezone.utc))])


def test_a_tuple_of_choices_is_keyed_by_what_it_holds_whatever_was_keyed_before():
    choices = ((1, "机加工车间"), (2, "装配车间"))
    key = frozen(choices)
    assert frozen(choices) == key == frozen(((1, "机加工车间"), (2, "装配车间")))
    assert frozen(((1, "机加工车间"), (2, "装配车间 二"))) != key
    assert frozen(((True, "机加工车间"), (2, "装配车间"))) != key
    assert frozen([(1, "机加工车间"), (2, "装配车间")]) != key  # a list of them is shown alike but typed apart
    for n in range(200):  # many other tuples keyed meanwhile: the first is still keyed by its contents
        frozen(((n, "x"),))
    assert frozen(choices) == key


@dataclass(frozen=True)
class Delivery:
    id: object
    due: object


@dataclass(frozen=True)
class Only:
    id: object


class Pair(NamedTuple):
    first: object
    second: object


records = st.one_of(st.lists(st.builds(Delivery, cells, cells), min_size=1, max_size=4),
                    st.lists(st.builds(Pair, cells, cells), min_size=1, max_size=4),
                    st.lists(st.builds(Only, cells), min_size=1, max_size=4),
                    st.lists(st.one_of(st.builds(Delivery, cells, cells), st.builds(Pair, cells, cells)),
                             min_size=1, max_size=4))


@given(records, records)
def test_lines_of_a_list_page_share_a_key_only_when_shown_alike(first, second):
    """A list page's lines (named tuples or dataclasses of one type, holding plain values) are
    keyed in one flat tuple: still equal exactly when drawn alike, their type included."""
    assert frozen(first) == frozen(copy.deepcopy(first))
    if frozen(first) == frozen(second):
        assert repr(first) == repr(second)


def test_a_lines_type_and_each_value_change_the_key():
    lines = [Delivery(1, date(2026, 1, 1)), Delivery(2, None)]
    assert frozen(lines) == frozen([Delivery(1, date(2026, 1, 1)), Delivery(2, None)])
    assert frozen(lines) != frozen([Delivery(1, date(2026, 1, 1)), Delivery(2, date(2026, 1, 2))])
    assert frozen(lines) != frozen([Delivery(True, date(2026, 1, 1)), Delivery(2, None)])
    assert frozen(lines) != frozen([Pair(1, date(2026, 1, 1)), Pair(2, None)])
    assert frozen(lines) != frozen(tuple(lines))
    assert frozen([Only(1), Only(2)]) != frozen([Only(1), Only(3)])
    with pytest.raises(TypeError):
        frozen([Delivery(1, object())])
    with pytest.raises(TypeError):
        frozen([Pair(1, date(2026, 1, 1)), Pair(2, object())])
