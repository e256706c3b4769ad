"""forum/generations.py: generation counters and the fragments stamped with them (issue 17)."""

import pytest
from django.core.cache import cache
from django.http import QueryDict

from forum import generations

pytestmark = pytest.mark.django_db  # bump() bumps again on commit


def _generation(name):
    return generations.lookup("fragment:unused", [name])[1][0]


def test_bump_changes_the_generation():
    before = _generation("things")
    generations.bump("things")
    assert _generation("things") == before + 1
    assert _generation("other") != 0


def test_a_fragment_is_served_until_its_generation_is_bumped():
    key = generations.fragment_key("scope", "de")
    html, stamp = generations.lookup(key, ["things"])
    assert html is None
    generations.store(key, stamp, "<p>alt</p>")

    assert generations.lookup(key, ["things"]) == ("<p>alt</p>", stamp)

    generations.bump("things")
    html, fresh = generations.lookup(key, ["things"])
    assert html is None
    assert fresh != stamp


def test_a_fragment_follows_every_generation_it_was_stamped_with():
    key = generations.fragment_key("scope", "de")
    rendered = []

    def render():
        rendered.append(1)
        return "<p>x</p>"

    assert generations.cached(key, ["a", "b"], render) == "<p>x</p>"
    assert generations.cached(key, ["a", "b"], render) == "<p>x</p>"
    assert len(rendered) == 1
    generations.bump("b")
    generations.cached(key, ["a", "b"], render)
    assert len(rendered) == 2


def test_keys_differ_by_parts_and_query_but_not_by_parameter_order():
    one = generations.fragment_key("list", "de", 1, query=QueryDict("q=Zink&page=2"))
    same = generations.fragment_key("list", "de", 1, query=QueryDict("page=2&q=Zink"))
    assert one == same
    assert one != generations.fragment_key("list", "en", 1, query=QueryDict("q=Zink&page=2"))
    assert one != generations.fragment_key("list", "de", 2, query=QueryDict("q=Zink&page=2"))
    assert one != generations.fragment_key("list", "de", 1, query=QueryDict("q=Zinn&page=2"))
    assert generations.fragment_key("list", query=QueryDict("q=" + "x" * 2000)) is None


def test_a_lost_generation_starts_afresh_and_never_serves_old_fragments():
    key = generations.fragment_key("scope")
    html, stamp = generations.lookup(key, ["things"])
    generations.store(key, stamp, "old")
    cache.delete(generations.key("things"))  # evicted or flushed

    html, fresh = generations.lookup(key, ["things"])
    assert html is None
    assert fresh != stamp


def test_a_cache_that_is_down_never_breaks_the_page(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "set", down)
    monkeypatch.setattr(cache, "incr", down)
    key = generations.fragment_key("scope")

    assert generations.lookup(key, ["things"]) == (None, None)
    generations.store(key, None, "x")  # nothing kept, no error
    assert generations.cached(key, ["things"], lambda: "rendered") == "rendered"
    generations.bump("things")  # logged, no error


# --- Values about the viewer ------------------------------------------------------------------


class _Viewer:
    def __init__(self, pk):
        self.pk = pk


@pytest.fixture
def viewer_values(monkeypatch):
    values = {}
    monkeypatch.setattr(generations, "_VIEWER_VALUES", values)
    generations.viewer_value("colour", lambda pk: [f"colour.{pk}"])
    generations.viewer_value("size", lambda pk: ["sizes"])
    return values


def test_every_value_about_the_viewer_comes_from_one_round_trip(viewer_values, monkeypatch):
    first = _Viewer(7)
    colour, colour_stamp = generations.lookup_viewer(first, "colour")
    size, size_stamp = generations.lookup_viewer(first, "size")
    assert colour is None and size is None
    generations.store(generations.viewer_key("colour", 7), colour_stamp, "blau")
    generations.store(generations.viewer_key("size", 7), size_stamp, 42)

    reads = []
    real = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or real(keys))
    second = _Viewer(7)
    assert generations.lookup_viewer(second, "colour")[0] == "blau"
    assert generations.lookup_viewer(second, "size")[0] == 42
    assert len(reads) == 1
    # Another person gets nothing of it.
    assert generations.lookup_viewer(_Viewer(8), "colour")[0] is None


def test_a_value_about_the_viewer_follows_its_own_generations(viewer_values):
    _colour, stamp = generations.lookup_viewer(_Viewer(7), "colour")
    generations.store(generations.viewer_key("colour", 7), stamp, "blau")
    generations.bump("colour.8")  # someone else's
    assert generations.lookup_viewer(_Viewer(7), "colour")[0] == "blau"
    generations.bump("colour.7")
    assert generations.lookup_viewer(_Viewer(7), "colour")[0] is None


def test_an_answer_is_handed_out_once_and_can_be_forgotten(viewer_values):
    _colour, stamp = generations.lookup_viewer(_Viewer(7), "colour")
    generations.store(generations.viewer_key("colour", 7), stamp, "blau")
    viewer = _Viewer(7)
    generations.lookup_viewer(viewer, "size")  # reads both
    generations.forget_viewer(viewer, "colour")  # a service changed it meanwhile
    generations.bump("colour.7")
    assert generations.lookup_viewer(viewer, "colour")[0] is None


def test_values_about_the_viewer_with_the_cache_down(viewer_values, monkeypatch):
    def down(*_args, **_kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get_many", down)
    assert generations.lookup_viewer(_Viewer(7), "colour") == (None, None)
    generations.store(generations.viewer_key("colour", 7), None, "blau")  # keeps nothing
