"""Bar charts as inline SVG, drawn on the server: no JavaScript, no other host, and only SVG
attributes (the CSP forbids inline styles). Each chart has a title for screen readers; the
same figures stand in a table next to it."""

from itertools import count

from django.utils.html import format_html
from django.utils.safestring import mark_safe

COLOURS = ["#205067", "#b35900", "#4d7a2a"]  # AA contrast on white and on the dark theme's grey
WIDTH = 360  # narrow, so a phone shows it near full size
BAR_WIDTH = 300
LABEL = 18  # each row: its label on a line of its own, then its bars
BAR = 14
GAP = 10
_ids = count(1)


def bar_chart(title, rows, series=None):
    """Horizontal bars, each row's label above its bars (long labels need the width).
    ``rows``: [(label, value)] or [(label, [value per series])] with ``series`` naming each
    series (then a legend is drawn)."""
    if not rows:
        return ""
    series = list(series or [])
    values = [value if isinstance(value, list | tuple) else [value] for _label, value in rows]
    per_row = max((len(v) for v in values), default=1)
    biggest = max((x or 0 for v in values for x in v), default=0) or 1
    legend_height = LABEL + 6 if series else 0
    row_height = LABEL + per_row * (BAR + 2) + GAP
    height = legend_height + row_height * len(rows)
    chart_id = f"chart-{next(_ids)}"
    parts = []
    x = 0
    for index, name in enumerate(series):
        parts.append(
            format_html(
                '<rect x="{}" y="3" width="12" height="12" fill="{}"></rect>'
                '<text x="{}" y="14" font-size="13" fill="currentColor">{}</text>',
                x,
                COLOURS[index % len(COLOURS)],
                x + 16,
                name,
            )
        )
        x += 16 + 7 * len(str(name)) + 14
    for index, ((label, _value), row_values) in enumerate(zip(rows, values, strict=True)):
        top = legend_height + index * row_height
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="13" fill="currentColor">{}</text>',
                top + LABEL - 5,
                label,
            )
        )
        for position, value in enumerate(row_values):
            y = top + LABEL + position * (BAR + 2)
            length = round(BAR_WIDTH * (value or 0) / biggest, 1)
            parts.append(
                format_html(
                    '<rect x="0" y="{}" width="{}" height="{}" fill="{}"></rect>'
                    '<text x="{}" y="{}" font-size="12" fill="currentColor">{}</text>',
                    y,
                    length,
                    BAR,
                    COLOURS[position % len(COLOURS)],
                    length + 4,
                    y + BAR - 3,
                    value or 0,
                )
            )
    return format_html(
        '<svg class="cockpit-chart" role="img" aria-labelledby="{}" viewBox="0 0 {} {}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}">{}</title>{}</svg>',
        chart_id,
        WIDTH,
        height,
        chart_id,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - every part was escaped by format_html
    )
