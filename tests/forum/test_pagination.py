"""The shared pagination (templates/members/_pagination.html): a long list links the first
and last page, the current one with two pages on each side, and shows the gaps, instead of
one link per page (a search with 1,000 hits had 50)."""

import re

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import translation


def _render(number: int, count: int = 1000, query_string: str = "q=Kupfer") -> str:
    page = Paginator(range(count), 20).get_page(number)
    with translation.override("en"):
        return render_to_string(
            "members/_pagination.html", {"page_obj": page, "query_string": query_string}
        )


def _linked(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="\?q=Kupfer&amp;page=(\d+)"><span', html)]


def test_a_long_list_links_the_ends_and_the_pages_around_the_current_one():
    html = _render(25)

    assert _linked(html) == [1, 23, 24, 26, 27, 50]
    assert (
        'aria-current="page"><span class="page-link"><span class="visually-hidden">Page </span>25<'
        in html
    )
    assert html.count("…") == 2  # a gap on each side, hidden from screen readers
    assert html.count('aria-hidden="true"><span class="page-link">…') == 2
    assert 'page=24" rel="prev"' in html and 'page=26" rel="next"' in html


def test_the_first_and_last_page_show_one_gap():
    first, last = _render(1), _render(50)

    assert _linked(first) == [2, 3, 50]
    assert first.count("…") == 1 and "Previous</span>" in first  # disabled: no earlier page
    assert _linked(last) == [1, 48, 49]
    assert last.count("…") == 1 and "Next</span>" in last


def test_a_short_list_links_every_page_without_gaps():
    html = _render(2, count=100)  # five pages

    assert _linked(html) == [1, 3, 4, 5]
    assert "…" not in html


def test_one_page_shows_no_pagination():
    assert _render(1, count=20).strip() == ""
