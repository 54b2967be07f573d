"""Static SVG bar charts: accessible (role="img", <title>, <desc>; the table with the numbers stands
beside each chart), without script, and readable when printed in grey: every series has its own
pattern, the legend shows it, and each bar ends in its number."""

from __future__ import annotations

from html import escape

from .tables import Table, format_number

# (fill, pattern drawing) per series: black, hatching, white, dots, cross-hatching, grey. The pattern
# carries the difference; the colour alone never does.
_PATTERNS = (
    ("#1b1b1b", ""),
    ("#fff", '<path d="M0 6L6 0M-1 1L1 -1M5 7L7 5" stroke="#1b1b1b" stroke-width="1.6"/>'),
    ("#fff", ""),
    ("#fff", '<circle cx="3" cy="3" r="1.3" fill="#1b1b1b"/>'),
    ("#fff", '<path d="M0 0L6 6M6 0L0 6" stroke="#1b1b1b" stroke-width="1"/>'),
    ("#8c8c8c", ""),
)
LABEL_WIDTH = 170
BAR_WIDTH = 360
ROW = 22
BAR = 14


def _fill(chart_id: str, index: int) -> str:
    colour, drawing = _PATTERNS[index % len(_PATTERNS)]
    return f"url(#{chart_id}-p{index})" if drawing else colour


def _defs(chart_id: str, count: int) -> str:
    parts = []
    for index in range(count):
        colour, drawing = _PATTERNS[index % len(_PATTERNS)]
        if drawing:
            parts.append(f'<pattern id="{chart_id}-p{index}" width="6" height="6" patternUnits="userSpaceOnUse">'
                         f'<rect width="6" height="6" fill="{colour}"/>{drawing}</pattern>')
    return f"<defs>{''.join(parts)}</defs>" if parts else ""


def bar_chart(chart_id: str, title: str, labels: list[str], series: list[tuple[str, list[float]]],
              unit: str = "") -> str:
    """Horizontal bars, one per label; several series are stacked in the order given."""
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    top = max(totals, default=0) or 1
    legend_rows = (len(series) + 1) // 2 if len(series) > 1 else 0
    height = len(labels) * ROW + 10 + legend_rows * ROW
    width = LABEL_WIDTH + BAR_WIDTH + 60
    biggest = max(range(len(labels)), key=lambda i: totals[i]) if labels else None
    desc = (f"Balkendiagramm mit {len(labels)} Balken"
            + (f", gestapelt aus: {', '.join(name for name, _ in series)}" if len(series) > 1 else "")
            + (f". Der längste Balken: {labels[biggest]} mit {format_number(totals[biggest])}{unit}" if biggest is not None
               else "")
            + ". Alle Zahlen stehen in der Tabelle neben dem Diagramm.")
    out = [f'<svg class="chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
           f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" font-family="Arial, sans-serif" '
           f'font-size="12">',
           f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>',
           _defs(chart_id, len(series))]
    for row, label in enumerate(labels):
        y = row * ROW + 4
        out.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 3}" text-anchor="end" fill="#000">{escape(label)}</text>')
        x = float(LABEL_WIDTH)
        for index, (_, values) in enumerate(series):
            length = BAR_WIDTH * values[row] / top
            if length > 0:
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{BAR}" '
                           f'fill="{_fill(chart_id, index)}" stroke="#000" stroke-width="0.8"/>')
            x += length
        out.append(f'<text x="{x + 5:.1f}" y="{y + BAR - 3}" fill="#000">{format_number(totals[row])}</text>')
    if len(series) > 1:
        base = len(labels) * ROW + 10
        for index, (name, _) in enumerate(series):
            x = 10 + (index % 2) * (width // 2)
            y = base + (index // 2) * ROW
            out.append(f'<rect x="{x}" y="{y}" width="22" height="{BAR}" fill="{_fill(chart_id, index)}" '
                       f'stroke="#000" stroke-width="0.8"/>'
                       f'<text x="{x + 28}" y="{y + BAR - 3}" fill="#000">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def from_table(chart_id: str, table: Table, columns: list[str], skip_total: bool = True) -> str:
    """A chart of some columns of a table (stacked when several), the rows as bars; the total row left out."""
    rows = [r for r in table.rows if not (skip_total and r[0] == "Zusammen")]
    labels = [str(r[0]) for r in rows]
    series = [(column, [float(r[table.columns.index(column)]) for r in rows]) for column in columns]
    return bar_chart(chart_id, table.caption, labels, series)
