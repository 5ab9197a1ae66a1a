"""Server-rendered SVG bar charts: no JavaScript chart library, readable without scripts, and
described for screen readers by a title, a description and a table next to the chart."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

PALETTE = ("#0b5cad", "#1e6b3a", "#8a5300", "#6a3d9a", "#a51d24", "#00727a", "#5a6474")


def stacked_bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal]]],
    width: int = 640,
    height: int = 280,
) -> str:
    """One bar per label, stacked by series (name, values per label); amounts in yuan."""
    if any(len(values) != len(labels) for _name, values in series):
        raise ValueError("every series needs one value per label")
    if any(v < 0 for _name, values in series for v in values):
        raise ValueError("stacked bars cannot show negative amounts")
    top, bottom, left, legend = 24, 40, 8, 18 * len(series)
    plot_height = height - top - bottom - legend
    stacks = [sum((values[i] for _n, values in series), Decimal(0)) for i in range(len(labels))]
    highest = max(stacks, default=Decimal(0)) or Decimal(1)
    slot = (width - 2 * left) / max(len(labels), 1)
    bar = slot * 0.6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title" class="chart">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for index, label in enumerate(labels):
        x = left + index * slot + (slot - bar) / 2
        y = top + plot_height
        for colour, (name, values) in zip(PALETTE * 3, series):
            value = values[index]
            if value <= 0:
                continue
            h = float(value / highest) * plot_height
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                         f'<title>{escape(label)} · {escape(name)}: ¥{value:,.2f}</title></rect>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_height + 16}" text-anchor="middle" '
                     f'font-size="11">{escape(label)}</text>')
    for index, (colour, (name, _values)) in enumerate(zip(PALETTE * 3, series)):
        y = height - legend + index * 18 + 4
        parts.append(f'<rect x="{left}" y="{y}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{left + 18}" y="{y + 11}" font-size="12">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
