"""Cost aggregation and SVG charts."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.workbench.charts import FONT_SIZE, ROTATION, label_layout, nice_ticks, stacked_bars, text_width
from portal.workbench.costs import Category, CostLine, by_case, by_department, by_month, employer_cost, totals

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)
LINES = [
    CostLine(1, "MACH", MARCH, Category.SUSPENSION_WAGES, Decimal("5050.00")),
    CostLine(1, "MACH", MARCH, Category.EMPLOYER_SOCIAL_INSURANCE, Decimal("1500.50")),
    CostLine(1, "MACH", APRIL, Category.SUSPENSION_WAGES, Decimal("5050.00")),
    CostLine(2, "ASSY", APRIL, Category.FUND_BENEFITS, Decimal("45450.00")),
    CostLine(1, "MACH", APRIL, Category.PERSONAL_DEDUCTED, Decimal("1304.58")),
]


def test_groupings_add_up_to_the_same_totals():
    grand = totals(LINES)
    for table in (by_month(LINES), by_department(LINES), by_case(LINES)):
        for category in Category:
            assert sum(row[category] for row in table.values()) == grand[category]
    assert by_month(LINES)[MARCH][Category.SUSPENSION_WAGES] == Decimal("5050.00")
    assert by_department(LINES)["ASSY"][Category.FUND_BENEFITS] == Decimal("45450.00")


def test_employer_cost_excludes_the_fund_and_the_worker():
    assert employer_cost(by_case(LINES)[1]) == Decimal("11600.50")
    assert employer_cost(by_case(LINES)[2]) == Decimal("0.00")


def test_floats_and_mid_month_dates_are_refused():
    with pytest.raises(TypeError):
        CostLine(1, "MACH", MARCH, Category.FUND_BENEFITS, 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        CostLine(1, "MACH", date(2026, 3, 2), Category.FUND_BENEFITS, Decimal("1"))


amounts = st.decimals(min_value=0, max_value=100000, places=2)


@given(st.lists(st.tuples(st.integers(1, 5), st.sampled_from(["MACH", "ASSY"]), st.sampled_from(list(Category)),
                          amounts), max_size=30))
def test_totals_are_the_sum_of_the_lines(raw):
    lines = [CostLine(case, dept, MARCH, cat, amount) for case, dept, cat, amount in raw]
    grand = totals(lines)
    assert sum(grand.values()) == sum((l.amount for l in lines), Decimal("0"))


def test_chart_is_valid_svg_with_one_bar_segment_per_nonzero_value():
    svg = stacked_bars("工伤成本 <按月>", ["2026-03", "2026-04"],
                       [("停工留薪期工资", [Decimal("5050"), Decimal("5050")]),
                        ("基金支付", [Decimal("0"), Decimal("45450")])])
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text == "工伤成本 <按月>"
    bars = [r for r in root.iter(f"{ns}rect") if r.find(f"{ns}title") is not None]
    assert len(bars) == 3
    tallest = max(float(r.get("height")) for r in bars)
    fund = next(r for r in bars if "基金支付" in r.find(f"{ns}title").text)
    assert float(fund.get("height")) == tallest


def test_chart_refuses_mismatched_or_negative_series():
    with pytest.raises(ValueError):
        stacked_bars("x", ["a", "b"], [("s", [Decimal("1")])])
    with pytest.raises(ValueError):
        stacked_bars("x", ["a"], [("s", [Decimal("-1")])])


@pytest.mark.parametrize("highest, ticks", [
    (Decimal("9300"), ["0", "2000", "4000", "6000", "8000", "10000"]),
    (Decimal("45450"), ["0", "10000", "20000", "30000", "40000", "50000"]),
    (Decimal("0"), ["0", "1"]),
])
def test_y_axis_has_round_steps_up_to_the_highest_bar(highest, ticks):
    assert [str(t.normalize()) if t else "0" for t in nice_ticks(highest)] == [str(Decimal(t).normalize()) for t in ticks]


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1E9"), places=2))
def test_ticks_cover_the_highest_value_in_at_most_ten_steps(highest):
    ticks = nice_ticks(highest)
    assert ticks[0] == 0 and ticks[-1] >= highest and len(ticks) <= 11
    assert len({b - a for a, b in zip(ticks, ticks[1:])}) == 1


@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=60), st.floats(5, 200))
def test_shown_x_labels_never_crowd(labels, slot):
    rotate, step = label_layout(labels, slot)
    if not rotate:
        assert all(text_width(label) + 4 <= slot for label in labels)
    else:  # neighbouring shown labels are at least 1.3 line heights apart across the text
        assert step * slot * math.sin(math.radians(ROTATION)) >= FONT_SIZE * 1.3


def test_chart_has_a_y_scale_a_description_with_totals_and_thins_crowded_labels():
    months = [f"2026-{m:02d}" for m in range(1, 13)] + [f"2027-{m:02d}" for m in range(1, 13)]
    svg = stacked_bars("成本", months, [("工资", [Decimal("1000")] * 24)], width=360, chart_id="c1",
                       amount=lambda v: f"{v:,.2f} 元", total_label="合计")
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert "2026-01: 合计 1,000.00 元" in root.find(f"{ns}desc").text
    y_labels = [t.text for t in root.find(f"{ns}g[@class='y-axis']").iter(f"{ns}text")]
    assert y_labels[0] == "0" and y_labels[-1] == "1,000"
    x_labels = [t for t in root.find(f"{ns}g[@class='x-axis']").iter(f"{ns}text")]
    assert 1 < len(x_labels) < 24 and all("rotate(-45" in t.get("transform") for t in x_labels)
