"""Queries for research needs. Every selector filters by what the given user may see, and
pages stay at a constant number of queries (P1): most selectors carry the joins their page
needs; the list's search (``search_needs``) carries none, and the list reads organisations
and topics only for the cards it renders (``prefetch_for_cards``, issue 17)."""

from __future__ import annotations

import json

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils.functional import cached_property

from members.models import Organisation, Topic
from members.permissions import is_organiser

from .models import Answer, Conversation, Introduction, Message, Need
from .permissions import (
    can_read_conversation_at,
    can_see_all_answers,
    can_see_answer,
    can_see_introduction,
    organisation_of,
    poster_shown,
)

SEARCH_CONFIG = "german"
# The list counts its hits up to this many; beyond, it says "more than" (P2: counting all
# 6,000 hits of a common word costs more than finding the first page).
COUNT_CAP = 1000
# Long columns the list never shows, left out of the search's rows.
LIST_DEFERRED = ("description", "search_vector", "rank_vector", "moderation_comment")
SORTS = ("relevance", "newest", "deadline")
STATUS_FILTERS = ("open", "closed", "all")


def _was_published() -> Q:
    return Q(published_at__isnull=False, status__in=[Need.Status.PUBLISHED, Need.Status.CLOSED])


def _topics_prefetch() -> Prefetch:
    return Prefetch("topics", queryset=Topic.objects.order_by("position", "slug"))


def visible_needs(user, *, published: Q | None = None) -> QuerySet[Need]:
    """Every need the user may at least see the title and summary of (PRODUCT.md 4), with
    the organisation joined, topics prefetched and ``poster_revealed``: whether the viewer
    may know who posted it (permissions.poster_shown). ``published`` replaces the "was
    published" condition for other organisations' needs, for a caller that filters by
    status itself."""
    published = _was_published() if published is None else published
    needs = (
        Need.objects.select_related("organisation")
        .prefetch_related(_topics_prefetch())
        .annotate(poster_revealed=poster_shown(user))
    )
    if is_organiser(user):
        return needs
    organisation = organisation_of(user)
    if organisation is None:
        return needs.filter(published, visibility=Need.Visibility.PUBLIC)
    return needs.filter(published | Q(organisation=organisation))


def need_for_viewer(user, pk) -> Need:
    """The need if the user may see it; Http404 (a subclass-free 404) otherwise."""
    try:
        return visible_needs(user).get(pk=pk)
    except (Need.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _list_needs(user, *, published: Q | None = None) -> QuerySet[Need]:
    """The needs ``user`` may see with only the columns the list's cards show: no joins, no
    prefetches (``prefetch_for_cards`` reads those for the cards rendered)."""
    return (
        visible_needs(user, published=published)
        .select_related(None)
        .prefetch_related(None)
        .defer(*LIST_DEFERRED)
    )


def search_needs(
    user,
    *,
    q: str = "",
    topic=None,
    challenge=None,
    cooperation=None,
    trl=None,
    org_kind=None,
    federal_state=None,
    status=None,
    sort: str = "relevance",
) -> QuerySet[Need]:
    """Full-text search (German stemming, websearch syntax, title > summary/keywords >
    description) with filters over the needs the user may see.

    ``status``: None or "open" for published needs, "closed" for closed ones that had been
    published, "all" for both. ``trl``: needs whose range from now to aimed-at covers that
    level. ``topic``: a Topic, its pk or slug. Filtering by the organisation's kind or
    federal state leaves out anonymous needs the viewer may not attribute, so a filter can
    never narrow down who posted one. With ``q``, each need carries ``rank``."""
    # Only what the list shows. The organisation and topics are not joined to every hit
    # before the sort (P2: a common word matches thousands), nor prefetched: the list reads
    # them only for the cards it renders (``prefetch_for_cards``), not for the cards it has
    # kept (issue 17).
    # Open needs: the status is filtered below for everyone, so "was published" needs no
    # status of its own (a second one makes PostgreSQL misjudge it and AND a bitmap of every
    # published need into the search instead of using the open needs' index).
    published = Q(published_at__isnull=False) if status in (None, "", "open") else None
    needs = _list_needs(user, published=published)
    if status in (None, "", "open"):
        needs = needs.filter(status=Need.Status.PUBLISHED)
    elif status == "closed":
        needs = needs.filter(_was_published(), status=Need.Status.CLOSED)
    elif status == "all":
        needs = needs.filter(_was_published())
    else:
        needs = needs.none()
    if topic:
        # Need.topic_ids (kept by PostgreSQL, migration 0008): a bitmap from its index,
        # ANDed with the search's, instead of a join through every need of the topic.
        if isinstance(topic, Topic):
            topic_id = topic.pk
        elif isinstance(topic, int) or str(topic).isdigit():
            topic_id = int(topic)
        else:
            topic_id = Topic.objects.filter(slug=topic).values_list("pk", flat=True).first()
        needs = needs.filter(topic_ids__contains=[topic_id]) if topic_id else needs.none()
    if challenge:
        needs = needs.filter(challenge_types__contains=[challenge])
    if cooperation:
        needs = needs.filter(cooperation_types__contains=[cooperation])
    if trl:
        needs = needs.filter(trl_now__lte=int(trl), trl_target__gte=int(trl))
    if org_kind or federal_state:
        # The organisations' ids, asked first (a few hundred at most), not a join: the
        # newest-first index holds the organisation, so a walk over it skips the others'
        # rows without reading them, and the count is read from the index alone (issue 17).
        organisations = Organisation.objects.all()
        if org_kind:
            organisations = organisations.filter(kind=org_kind)
        if federal_state:
            organisations = organisations.filter(federal_state=federal_state)
        ids = list(organisations.values_list("pk", flat=True))
        needs = needs.filter(organisation_id__in=ids, poster_revealed=True) if ids else needs.none()
    q = (q or "").strip()
    if q:
        query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
        needs = needs.filter(search_vector=query).annotate(rank=SearchRank(F("rank_vector"), query))
    if sort == "deadline":
        return needs.order_by("deadline", "-pk")
    if sort == "relevance" and q:
        return needs.order_by("-rank", "-published_at", "-pk")
    return needs.order_by(F("published_at").desc(nulls_last=True), "-pk")


def prefetch_for_cards(needs: list[Need]) -> None:
    """What a need card shows beyond the need's own row, for ``needs`` of ``search_needs``:
    their organisations and topics, in two queries whatever their number."""
    prefetch_related_objects(needs, "organisation", _topics_prefetch())


# Up to about this many hits, ranking them all costs less than finding the newest ones
# through the index of open needs (each row's search vector is read to match it). Measured
# at 100,000 needs (bench data, PostgreSQL 18, 2026-11-26; ``hit_ids`` with the ranks read
# in the walk): 2,600-5,700 hits rank in 8-13 ms, their newest 1,001 in 9-15; 10,700 hits
# in 25 ms, their newest in 10; 21,500-78,000 in 23-184 ms, their newest in 5-11. Searches
# the planner expects to have more hits show the best matches among the newest 1,000 (the
# list counts no further), not among all.
RANK_ALL_UP_TO = 6_000


def many_hits(needs: QuerySet[Need]) -> bool:
    """Whether PostgreSQL expects more than ``RANK_ALL_UP_TO`` hits: its planner's estimate
    (one EXPLAIN, no rows read), good enough to choose how to rank."""
    sql, params = needs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"] > RANK_ALL_UP_TO


def _by_relevance(hit: tuple) -> tuple:
    """The sort key of ``search_needs``' relevance order for a ``(pk, published_at, rank)``:
    rank descending, then published_at descending with no date first (PostgreSQL's DESC),
    then pk descending. ts_rank's real reaches Python as the same float, so ties stay ties."""
    pk, published_at, rank = hit
    return (-rank, published_at is not None, -published_at.timestamp() if published_at else 0, -pk)


def hit_ids(needs: QuerySet[Need], *, newest_only: bool = False, cap: int = COUNT_CAP) -> list[int]:
    """The ids of the list's hits in its order, at most ``cap + 1`` (one more than the list
    counts tells it to say "more than"), in one query: the list pages through these ids
    and reads the rows of one page (``needs_by_ids``), instead of counting the hits in one
    query and finding the page in another, which matched every hit twice (issue 17).

    ``newest_only`` (a common word, ``many_hits``; ``needs`` from ``search_needs`` with words,
    so each carries its rank): only the ``cap`` newest hits are ranked.
    The newest ``cap + 1`` come from the index of open needs by publication
    (``research_needs_open_newest``, migrations 0007 and 0009), each with its rank, read in the same pass as its row; they are ordered by
    relevance here, not by a second query that matched and joined them again (issue 17:
    5 ms of the 48 of "Betrieb" in Lower Saxony at 100,000 needs). The oldest of them is
    kept at the end, where no page shows it: the first ``cap`` are the newest in their
    ranked order, and the one more still says that there are more. Ranking every one of
    the 78,000 hits of "Betrieb" cost 200 ms at 100,000 needs; the list offers no page
    beyond ``cap`` anyway."""
    if not newest_only:
        return list(needs.values_list("pk", flat=True)[: cap + 1])
    newest = needs.order_by(F("published_at").desc(nulls_last=True), "-pk")
    hits = list(newest.values_list("pk", "published_at", "rank")[: cap + 1])
    ranked = sorted(hits[:cap], key=_by_relevance) + hits[cap:]
    return [pk for pk, _published_at, _rank in ranked]


def needs_by_ids(user, ids: list[int]) -> list[Need]:
    """The needs of one page of the list, as ``search_needs`` gives them, in the order of
    ``ids`` (from ``hit_ids``), in one query. What the user may see is asked again, so a
    need hidden since its id was found is left out."""
    if not ids:
        return []
    needs = _list_needs(user).in_bulk(ids)
    return [needs[pk] for pk in ids if pk in needs]


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` objects, with a LIMIT in the count's subquery, so a
    search for a common word does not count every hit; or pages through the ids of
    ``hit_ids``, a list of at most one more than the cap. ``capped`` tells the template to
    say "more than"; the pages go up to the cap."""

    cap = COUNT_CAP

    @cached_property
    def _capped_count(self) -> int:
        if isinstance(self.object_list, list):
            return len(self.object_list)
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self._capped_count > self.cap

    @cached_property
    def count(self) -> int:
        return min(self._capped_count, self.cap)


def landing_needs(user, *, limit: int = 6):
    """The newest public needs for the landing page (PRODUCT.md 5): two queries."""
    return list(
        Need.objects.filter(status=Need.Status.PUBLISHED, visibility=Need.Visibility.PUBLIC)
        .select_related("organisation")
        .prefetch_related(_topics_prefetch())
        .order_by("-published_at", "-pk")[:limit]
    )


def organisation_page_needs(organisation, user, *, limit: int = 10):
    """The organisation's open needs the viewer may see, for its profile page: two queries.
    Anonymous needs never appear there except for the organisation itself and organisers,
    since listing them on the page would name the poster."""
    needs = visible_needs(user).filter(organisation=organisation, status=Need.Status.PUBLISHED)
    mine = organisation_of(user)
    if not (is_organiser(user) or (mine is not None and mine.pk == organisation.pk)):
        needs = needs.exclude(visibility=Need.Visibility.ANONYMOUS)
    return list(needs.order_by("-published_at", "-pk")[:limit])


def moderation_queue() -> QuerySet[Need]:
    """Submitted needs, the oldest submission first."""
    return (
        Need.objects.filter(status=Need.Status.SUBMITTED)
        .select_related("organisation", "created_by")
        .prefetch_related(_topics_prefetch())
        .order_by("submitted_at", "pk")
    )


def organisation_needs(organisation) -> QuerySet[Need]:
    """All needs of one organisation with answer counts, for its "mine" page."""
    return (
        Need.objects.filter(organisation=organisation)
        .prefetch_related(_topics_prefetch())
        .annotate(
            answer_count=Count(
                "answers", filter=Q(answers__status__in=Answer.ACTIVE), distinct=True
            )
        )
        .order_by(F("published_at").desc(nulls_first=True), "-created_at")
    )


def _unread_for(organisation):
    return Count(
        "conversation__messages",
        filter=Q(conversation__messages__read_at__isnull=True)
        & ~Q(conversation__messages__author_organisation=organisation),
        distinct=True,
    )


def organisation_answers(organisation) -> QuerySet[Answer]:
    """The answers an organisation has given, with unread message counts and whether it
    may know who posted the need (``poster_revealed``, permissions.poster_shown)."""
    return (
        Answer.objects.filter(organisation=organisation)
        .select_related("need", "need__organisation", "conversation")
        .annotate(
            unread=_unread_for(organisation),
            poster_revealed=poster_shown(organisation, "need__"),
        )
        .order_by("-created_at")
    )


def answers_for_need(need, user) -> QuerySet[Answer]:
    """What the viewer may see of a need's answers: all of them for the owning organisation
    and organisers; only their own organisation's for anyone else."""
    answers = (
        Answer.objects.filter(need=need)
        .select_related("need__organisation", "organisation", "created_by", "conversation")
        .prefetch_related("attachments")
        .order_by("-created_at")
    )
    mine = organisation_of(user)
    if can_see_all_answers(user, need):
        if mine is not None:
            answers = answers.annotate(unread=_unread_for(mine))
        return answers
    if mine is None:
        return answers.none()
    return answers.filter(organisation=mine).annotate(unread=_unread_for(mine))


def answer_for_viewer(user, pk) -> Answer:
    """The answer with its need and conversation if the viewer may see it; Http404
    otherwise."""
    answer = (
        Answer.objects.select_related("need", "need__organisation", "organisation", "conversation")
        .filter(pk=pk)
        .first()
    )
    if answer is None or not can_see_answer(user, answer):
        raise Http404
    return answer


def conversation_for_viewer(user, pk) -> Conversation:
    """The conversation if the viewer belongs to one of its two organisations or is an
    organiser; Http404 otherwise. Its need carries ``poster_revealed`` as in visible_needs."""
    conversation = (
        Conversation.objects.select_related(
            "answer",
            "answer__organisation",
            "answer__need",
            "answer__need__organisation",
            "answer__created_by",
            "introduction__organisation_a",
            "introduction__organisation_b",
            "introduction__need",
        )
        .annotate(poster_revealed=poster_shown(user, "answer__need__"))
        .filter(pk=pk)
        .first()
    )
    if conversation is None or not can_read_conversation_at(user, conversation):
        raise Http404
    if conversation.answer_id:
        conversation.answer.need.poster_revealed = conversation.poster_revealed
    return conversation


def conversation_messages(conversation) -> QuerySet[Message]:
    return conversation.messages.select_related("author", "author_organisation").order_by(
        "created_at", "pk"
    )


def unread_message_count(user) -> int:
    """Messages to the user's organisation that nobody there has opened yet."""
    organisation = organisation_of(user)
    if organisation is None:
        return 0
    return (
        Message.objects.filter(read_at__isnull=True)
        .filter(
            Q(conversation__answer__organisation=organisation)
            | Q(conversation__answer__need__organisation=organisation)
            | Q(conversation__introduction__organisation_a=organisation)
            | Q(conversation__introduction__organisation_b=organisation)
        )
        .exclude(author_organisation=organisation)
        .count()
    )


# --- Introductions (issue 13, item 5) ------------------------------------------------------


def _introductions() -> QuerySet[Introduction]:
    return Introduction.objects.select_related(
        "need", "organisation_a", "organisation_b", "proposed_by", "conversation"
    )


def introductions_for_viewer(user) -> QuerySet[Introduction]:
    """The introductions of the user's organisation (either side) and those the user
    proposed, newest first; each need carries ``poster_revealed`` (permissions.poster_shown)
    as ``need_poster_revealed``."""
    if not user.is_authenticated:
        return Introduction.objects.none()
    organisation = organisation_of(user)
    mine = Q(proposed_by=user)
    if organisation is not None:
        mine |= Q(organisation_a=organisation) | Q(organisation_b=organisation)
    return (
        _introductions()
        .filter(mine)
        .annotate(need_poster_revealed=poster_shown(user, "need__"))
        .order_by("-created_at", "-pk")
    )


def introduction_for_viewer(user, pk) -> Introduction:
    """Http404 unless the user may see it (permissions.can_see_introduction)."""
    introduction = _introductions().filter(pk=pk).first()
    if introduction is None or not can_see_introduction(user, introduction):
        raise Http404
    return introduction


def introductions_for_need(need) -> dict[int, Introduction]:
    """The need's latest introduction for each organisation of side B, for its page."""
    latest = {}
    for introduction in _introductions().filter(need=need).order_by("created_at", "pk"):
        latest[introduction.organisation_b_id] = introduction
    return latest
