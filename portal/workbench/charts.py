"""Server-rendered SVG bar charts: no JavaScript chart library, readable without scripts, and
described for screen readers by a title, a description with the totals and a table next to the chart.

Tick labels never overlap: the y axis gets a few round steps, and the x labels are rotated when
they are wider than their slot and thinned (every n-th shown) when even rotated they would touch.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

PALETTE = ("#0b5cad", "#1e6b3a", "#8a5300", "#6a3d9a", "#a51d24", "#00727a", "#5a6474")
FONT_SIZE = 11
ROTATION = 45  # degrees, for x labels wider than their slot


def plain_amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def nice_ticks(highest: Decimal, count: int = 5) -> list[Decimal]:
    """0 and round steps (1, 2, 2.5 or 5 × a power of ten) up to at least ``highest``."""
    if highest <= 0:
        return [Decimal(0), Decimal(1)]
    raw = highest / count
    power = Decimal(10) ** math.floor(math.log10(raw))
    step = next(power * m for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)) if power * m >= raw)
    ticks = [Decimal(0)]
    while ticks[-1] < highest:
        ticks.append(ticks[-1] + step)
    return ticks


def short_amount(value: Decimal) -> str:
    """Axis labels: whole yuan with separators, or thousands ("12.5k") from ten thousand up."""
    if value >= 10_000:
        return f"{(value / 1000).normalize():f}k"
    return f"{value:,.0f}"


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """An estimate of rendered width: full-width (CJK) characters one em, others about 0.6 em."""
    return sum(font_size if unicodedata.east_asian_width(c) in ("W", "F") else font_size * 0.6 for c in text)


def label_layout(labels: Sequence[str], slot: float, font_size: float = FONT_SIZE) -> tuple[bool, int]:
    """(rotate, step): rotate the x labels when any is wider than its slot; then show every
    ``step``-th label so that neighbours stay at least a line height apart."""
    widest = max((text_width(label, font_size) for label in labels), default=0)
    if widest + 4 <= slot:
        return False, 1
    # Rotated by 45°, neighbouring labels are slot·sin45 apart perpendicular to the text.
    needed = font_size * 1.3
    return True, max(1, math.ceil(needed / (slot * math.sin(math.radians(ROTATION)))))


def stacked_bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal]]],
    width: int = 640,
    height: int = 300,
    chart_id: str = "chart",
    amount: Callable[[Decimal], str] = plain_amount,
    total_label: str = "Total",
) -> str:
    """One bar per label, stacked by series (name, values per label); amounts in yuan, shown by ``amount``."""
    if any(len(values) != len(labels) for _name, values in series):
        raise ValueError("every series needs one value per label")
    if any(v < 0 for _name, values in series for v in values):
        raise ValueError("stacked bars cannot show negative amounts")
    stacks = [sum((values[i] for _n, values in series), Decimal(0)) for i in range(len(labels))]
    ticks = nice_ticks(max(stacks, default=Decimal(0)))
    top_value = ticks[-1]
    left = 8 + max(text_width(short_amount(t)) for t in ticks) + 6
    right, top = 8, 16
    slot = (width - left - right) / max(len(labels), 1)
    rotate, step = label_layout(labels, slot)
    widest = max((text_width(label) for label in labels), default=0)
    if rotate:  # room for the first label, which hangs down to the left of its bar
        left = max(left, widest * math.cos(math.radians(ROTATION)) - slot / 2 + 4)
        slot = (width - left - right) / max(len(labels), 1)
        rotate, step = label_layout(labels, slot)
    label_band = (widest * math.sin(math.radians(ROTATION)) + FONT_SIZE + 8) if rotate else FONT_SIZE + 10
    legend = 18 * len(series)
    height = max(height, int(top + 120 + label_band + legend))
    plot_height = height - top - label_band - legend - 4
    baseline = top + plot_height
    bar = slot * 0.6
    description = "; ".join(f"{label}: {total_label} {amount(total)}" for label, total in zip(labels, stacks))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        '<g class="y-axis" font-size="11" fill="#5a6474">',
    ]
    for tick in ticks:
        y = baseline - float(tick / top_value) * plot_height
        parts.append(f'<line x1="{left:.1f}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d8dde5"/>'
                     f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end">{short_amount(tick)}</text>')
    parts.append('</g><g class="bars">')
    for index, label in enumerate(labels):
        x = left + index * slot + (slot - bar) / 2
        y = baseline
        for colour, (name, values) in zip(PALETTE * 3, series):
            value = values[index]
            if value <= 0:
                continue
            h = float(value / top_value) * plot_height
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                         f'<title>{escape(label)} · {escape(name)}: {escape(amount(value))}</title></rect>')
    parts.append('</g><g class="x-axis" font-size="11" fill="#1d2430">')
    for index, label in enumerate(labels):
        if index % step:
            continue
        cx = left + index * slot + slot / 2
        if rotate:
            parts.append(f'<text x="{cx:.1f}" y="{baseline + 12:.1f}" text-anchor="end" '
                         f'transform="rotate(-{ROTATION} {cx:.1f} {baseline + 12:.1f})">{escape(label)}</text>')
        else:
            parts.append(f'<text x="{cx:.1f}" y="{baseline + 16:.1f}" text-anchor="middle">{escape(label)}</text>')
    parts.append("</g>")
    for index, (colour, (name, _values)) in enumerate(zip(PALETTE * 3, series)):
        y = height - legend + index * 18
        parts.append(f'<rect x="{left:.1f}" y="{y}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{left + 18:.1f}" y="{y + 11}" font-size="12">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
