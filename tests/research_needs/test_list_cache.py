"""P3: visitors get the needs list from the cache (research_needs/cache.py) until something
shown on it changes; members never get the shared page; the page holds nothing personal.
Also the capped hit count (P2): beyond COUNT_CAP the list says "more than"."""

import pytest
from django.urls import reverse
from django.utils import translation

from research_needs import selectors, services
from research_needs.models import Need
from tests.factories import NeedFactory, topic

pytestmark = pytest.mark.django_db


def _list_url(language="de"):
    with translation.override(language):
        return reverse("research_needs:list")


def _get(client, data=None, language="de"):
    response = client.get(_list_url(language), data or {})
    assert response.status_code == 200
    return response.content.decode()


def test_second_visit_is_served_from_the_cache(client, sme, django_assert_num_queries):
    NeedFactory(organisation=sme, title="Schwarzmasse sortenrein aufbereiten")
    first = _get(client)

    with django_assert_num_queries(0):
        second = _get(client)

    assert second == first
    assert "Schwarzmasse sortenrein aufbereiten" in second


def test_search_and_pages_are_cached_by_their_query(client, sme, django_assert_num_queries):
    NeedFactory(organisation=sme, title="Schlacke aus der Kupferhütte")
    NeedFactory(organisation=sme, title="Leiterplatten entstücken")
    first = _get(client, {"q": "Schlacke", "sort": "relevance"})

    with django_assert_num_queries(0):
        # The same query in another order is the same page.
        again = _get(client, {"sort": "relevance", "q": "Schlacke"})
    other = _get(client, {"q": "Leiterplatten"})

    assert again == first
    assert "<mark>Schlacke</mark> aus der Kupferhütte" in first  # searched words marked
    assert "Leiterplatten entstücken" not in first
    assert "<mark>Leiterplatten</mark> entstücken" in other


def test_invalid_filters_are_not_cached(client):
    for _ in range(2):
        response = client.get(_list_url(), {"topic": "no-such-topic"})
        assert response.status_code == 400
        assert "is-invalid" in response.content.decode()


def test_published_need_shows_on_the_next_visit(client, sme, owner, organiser_user):
    _get(client)
    need = NeedFactory(organisation=sme, created_by=owner, submitted=True, title="Neu: Indium")
    assert "Neu: Indium" not in _get(client)

    services.need_publish(actor=organiser_user, need=need)

    assert "Neu: Indium" in _get(client)


def test_edited_and_closed_needs_show_on_the_next_visit(client, sme, owner):
    need = NeedFactory(organisation=sme, created_by=owner, title="Alter Titel")
    assert "Alter Titel" in _get(client)

    need.title = "Neuer Titel"
    need.save()
    assert "Neuer Titel" in _get(client)

    services.need_close(actor=owner, need=need, reason=Need.CloseReason.WITHDRAWN)
    page = _get(client)
    assert "Neuer Titel" not in page
    assert "Neuer Titel" in _get(client, {"status": "closed"})


def test_deleted_need_and_changed_topics_show_on_the_next_visit(client, sme):
    need = NeedFactory(organisation=sme, title="Magnete aus Festplatten")
    keep = NeedFactory(organisation=sme, title="Katalysatoren aufbereiten")
    badge = f'topic-badge">{topic("logistics").name_de}<'
    assert badge not in _get(client)

    keep.topics.add(topic("logistics"))
    assert badge in _get(client)

    need.delete()
    assert "Magnete aus Festplatten" not in _get(client)


def test_organisation_and_topic_changes_show_on_the_next_visit(client, sme):
    NeedFactory(organisation=sme)
    assert "Harzer Batterierecycling GmbH" in _get(client)

    sme.name = "Harzer Kreislauf AG"
    sme.save()
    assert "Harzer Kreislauf AG" in _get(client)

    battery = topic("battery-recycling")
    battery.name_de = "Batterien und Akkus"
    battery.save()
    assert "Batterien und Akkus" in _get(client)


def test_members_never_get_the_cached_page(client, sme, stranger, django_assert_num_queries):
    NeedFactory(organisation=sme, visibility="members", title="Nur für Mitglieder")
    visitor_page = _get(client)
    assert "Nur für Mitglieder" not in visitor_page

    client.force_login(stranger)
    member_page = _get(client)

    assert "Nur für Mitglieder" in member_page
    assert "csrfmiddlewaretoken" in member_page  # the logout form: rendered for them
    client.logout()
    with django_assert_num_queries(0):
        assert _get(client) == visitor_page


def test_kept_cards_read_no_organisation_or_topics(client, sme, stranger):
    """A member's search that is not kept as a whole still runs its queries, but the cards
    it has kept need neither the organisations nor the topics (issue 17); a card rendered
    anew shows both."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    NeedFactory(organisation=sme, title="Schwarzmasse laugen", topics=[topic("battery-recycling")])
    client.force_login(stranger)
    with CaptureQueriesContext(connection) as first:
        page = _get(client, {"q": "Schwarzmasse", "page_hint": "1"})
    with CaptureQueriesContext(connection) as again:
        kept = _get(client, {"q": "Schwarzmasse", "page_hint": "2"})

    def reads(queries, table):
        return [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]

    for html in (page, kept):
        assert "<mark>Schwarzmasse</mark> laugen" in html
        assert "Harzer Batterierecycling GmbH" in html
        assert topic("battery-recycling").name in html
    assert reads(first.captured_queries, "members_topic")
    assert reads(first.captured_queries, "members_organisation")
    assert not reads(again.captured_queries, "members_topic")
    assert not reads(again.captured_queries, "members_organisation")
    assert reads(again.captured_queries, "research_needs_need")  # the search still ran


def test_cached_page_holds_no_csrf_token_or_session(client, sme):
    NeedFactory(organisation=sme)
    _get(client)
    response = client.get(_list_url())

    page = response.content.decode()
    assert "csrfmiddlewaretoken" not in page
    assert "Log out" not in page and "Abmelden" not in page
    assert not response.cookies


def test_english_and_german_are_cached_apart(client, sme):
    NeedFactory(organisation=sme)
    german = _get(client, language="de")
    english = _get(client, language="en")
    assert _get(client, language="de") == german
    assert _get(client, language="en") == english

    assert 'lang="de"' in german and "Forschungsbedarf" in german
    assert 'lang="en"' in english and "research need" in english


def test_visitor_with_a_pending_message_gets_a_rendered_page(client, sme, stranger):
    NeedFactory(organisation=sme)
    cached = _get(client)
    client.force_login(stranger)
    client.post(reverse("account_logout"))  # leaves "You have signed out." in the session

    page = _get(client)

    assert 'class="messages"' in page
    assert 'class="messages"' not in cached
    assert _get(client) == cached  # the message was shown once; then the cached page


def test_count_is_capped(sme, monkeypatch):
    monkeypatch.setattr(selectors.CappedPaginator, "cap", 3)
    NeedFactory.create_batch(4, organisation=sme)

    paginator = selectors.CappedPaginator(Need.objects.all(), 2)

    assert paginator.count == 3
    assert paginator.capped
    assert paginator.num_pages == 2


def test_count_below_the_cap_is_exact(sme):
    NeedFactory.create_batch(3, organisation=sme)

    paginator = selectors.CappedPaginator(Need.objects.all(), 2)

    assert paginator.count == 3
    assert not paginator.capped


def test_list_says_more_than_when_capped(client, sme, monkeypatch):
    monkeypatch.setattr(selectors.CappedPaginator, "cap", 2)
    NeedFactory.create_batch(3, organisation=sme)

    assert "More than 2 research needs" in _get(client, language="en")


def test_a_common_word_ranks_only_its_newest_hits(client, sme, monkeypatch):
    """Issue 17: beyond the count's cap, only as many hits as the pages show are ranked,
    the newest; among them the best match comes first."""
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setattr(selectors.CappedPaginator, "cap", 2)
    monkeypatch.setattr(selectors, "RANK_ALL_UP_TO", 0)  # PostgreSQL expects "many"
    now = timezone.now()
    for days, title in ((3, "Zink Zink Zink alt"), (2, "Zink mittel"), (1, "Zink Zink neu")):
        NeedFactory(organisation=sme, title=title, published_at=now - timedelta(days=days))

    page = _get(client, {"q": "Zink"}, language="en")

    assert "More than 2 results" in page
    assert "<mark>Zink</mark> alt" not in page  # the oldest, though the best match
    assert page.index("<mark>Zink</mark> <mark>Zink</mark> neu") < page.index(
        "<mark>Zink</mark> mittel"
    )


def test_a_word_below_the_cap_ranks_every_hit(sme):
    NeedFactory(organisation=sme, title="Zinn aus Loten")
    NeedFactory(organisation=sme, title="Zinn Zinn Zinn")

    needs = selectors.search_needs(None, q="Zinn", sort="relevance")

    assert selectors.hit_ids(needs, newest_only=True, cap=5) == [n.pk for n in needs]


def test_few_expected_hits_are_all_ranked(client, sme, monkeypatch):
    """Just above the count's cap, ranking every hit is cheaper: the oldest best match
    still comes first."""
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setattr(selectors.CappedPaginator, "cap", 2)
    now = timezone.now()
    for days, title in ((3, "Zink Zink Zink alt"), (2, "Zink mittel"), (1, "Zink Zink neu")):
        NeedFactory(organisation=sme, title=title, published_at=now - timedelta(days=days))

    page = _get(client, {"q": "Zink"}, language="en")

    assert page.index("<mark>Zink</mark> <mark>Zink</mark> <mark>Zink</mark> alt") < page.index(
        "<mark>Zink</mark> <mark>Zink</mark> neu"
    )


def test_many_hits_asks_the_planner(sme, monkeypatch):
    NeedFactory.create_batch(3, organisation=sme, title="Zink")
    needs = selectors.search_needs(None, q="Zink", sort="relevance")

    assert not selectors.many_hits(needs)
    monkeypatch.setattr(selectors, "RANK_ALL_UP_TO", 0)
    assert selectors.many_hits(needs)


# --- a search's hits: their ids in one query, the rows of one page in another --------------


def _zink_by_age(sme):
    """Four hits for "Zink", the best match the oldest: (oldest, ..., newest)."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    titles = ("Zink Zink Zink alt", "Zink mittel", "Zink Zink jünger", "Zink neu")
    return [
        NeedFactory(organisation=sme, title=title, published_at=now - timedelta(days=4 - index))
        for index, title in enumerate(titles)
    ]


def test_hit_ids_rank_every_hit_up_to_one_more_than_the_cap(sme):
    oldest, middle, younger, newest = _zink_by_age(sme)
    needs = selectors.search_needs(None, q="Zink", sort="relevance")

    assert selectors.hit_ids(needs, cap=10) == [oldest.pk, younger.pk, newest.pk, middle.pk]
    assert selectors.hit_ids(needs, cap=2) == [oldest.pk, younger.pk, newest.pk]  # 3: "more"


def test_hit_ids_of_a_common_word_rank_the_newest_and_keep_one_more_at_the_end(sme):
    oldest, middle, younger, newest = _zink_by_age(sme)
    needs = selectors.search_needs(None, q="Zink", sort="relevance")

    ids = selectors.hit_ids(needs, newest_only=True, cap=2)

    # The two newest in their ranked order; then the third newest, which only says "more".
    assert ids == [younger.pk, newest.pk, middle.pk]
    assert oldest.pk not in ids
    paginator = selectors.CappedPaginator(ids, 20)
    paginator.cap = 2
    assert paginator.capped and paginator.count == 2
    assert list(paginator.page(1).object_list) == [younger.pk, newest.pk]


def test_hit_ids_of_a_common_word_order_ties_as_postgresql_does(sme, owner):
    """The newest hits are ordered by relevance in Python: equal ranks fall back to the
    publication, newest first, a need not yet published (its organisation sees it) before
    every published one, then to the id, as the query's ORDER BY does."""
    from datetime import timedelta

    from django.utils import timezone

    moment = timezone.now() - timedelta(days=1)
    same = [NeedFactory(organisation=sme, title="Zink Zink", published_at=moment) for _ in range(3)]
    older = NeedFactory(
        organisation=sme, title="Zink Zink", published_at=moment - timedelta(hours=1)
    )
    unpublished = NeedFactory(organisation=sme, title="Zink Zink", published_at=None)
    best = NeedFactory(
        organisation=sme, title="Zink Zink Zink", published_at=moment - timedelta(days=9)
    )
    weaker = NeedFactory(organisation=sme, title="Zink", published_at=moment + timedelta(hours=1))
    needs = selectors.search_needs(owner, q="Zink", sort="relevance")
    in_sql = [need.pk for need in needs]

    assert selectors.hit_ids(needs, newest_only=True, cap=10) == in_sql
    assert in_sql == [
        best.pk,
        unpublished.pk,
        *sorted((need.pk for need in same), reverse=True),
        older.pk,
        weaker.pk,
    ]


def test_hit_ids_of_a_common_word_with_no_more_hits_than_the_cap_rank_them_all(sme):
    oldest, middle, younger, newest = _zink_by_age(sme)
    needs = selectors.search_needs(None, q="Zink", sort="relevance")

    ids = selectors.hit_ids(needs, newest_only=True, cap=4)

    assert ids == [oldest.pk, younger.pk, newest.pk, middle.pk]
    assert not selectors.CappedPaginator(ids, 20).capped


def test_needs_by_ids_keep_the_order_and_leave_out_what_the_viewer_may_no_longer_see(sme, stranger):
    first, second, third = NeedFactory.create_batch(3, organisation=sme)
    Need.objects.filter(pk=second.pk).update(visibility=Need.Visibility.MEMBERS)

    as_visitor = selectors.needs_by_ids(None, [third.pk, second.pk, first.pk])
    as_member = selectors.needs_by_ids(stranger, [third.pk, second.pk, first.pk])

    assert [n.pk for n in as_visitor] == [third.pk, first.pk]
    assert [n.pk for n in as_member] == [third.pk, second.pk, first.pk]
    assert selectors.needs_by_ids(stranger, []) == []


def test_a_search_pages_through_its_ranked_hits(client, sme, monkeypatch):
    """The list shows the page's rows in the order of the hits' ids, and says "more than"
    when there is one more than the cap."""
    monkeypatch.setattr(selectors.CappedPaginator, "cap", 3)
    monkeypatch.setattr("research_needs.views.needs.PAGE_SIZE", 2)
    _zink_by_age(sme)

    first = _get(client, {"q": "Zink"}, language="en")
    second = _get(client, {"q": "Zink", "page": "2"}, language="en")

    assert "More than 3 results" in first
    assert first.index("<mark>Zink</mark> <mark>Zink</mark> <mark>Zink</mark> alt") < first.index(
        "<mark>Zink</mark> <mark>Zink</mark> jünger"
    )
    assert "<mark>Zink</mark> neu" in second and "alt</a>" not in second
    assert "<mark>Zink</mark> mittel" not in first + second  # the fourth hit, beyond the cap


def test_needs_by_ids_leave_out_a_need_withdrawn_since_its_id_was_found(sme, stranger):
    kept, withdrawn = NeedFactory.create_batch(2, organisation=sme)
    Need.objects.filter(pk=withdrawn.pk).update(status=Need.Status.DRAFT)  # published_at stays

    assert [n.pk for n in selectors.needs_by_ids(stranger, [withdrawn.pk, kept.pk])] == [kept.pk]
