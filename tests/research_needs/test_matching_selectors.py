"""Partner recommendations as the pages will call them (research_needs.matching.selectors),
on stored rows in the real database: who gets them, what they leave out (issue 13, item 4),
the reasons in the reader's language, and the per-process index following changes."""

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from members.models import Organisation
from members.services import competence_profile_update
from research_needs.matching import corpus
from research_needs.matching.selectors import (
    is_matched,
    recommend_needs_for_organisation,
    recommend_organisations_for_need,
)
from research_needs.matching.store import vectors_refresh
from research_needs.models import Answer, Need
from tests.factories import AnswerFactory, MembershipFactory, OrganisationFactory

from .matching_world import GIPS, build_world, need, profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    corpus.forget()
    built = build_world()
    built.refresh()
    return built


def _names(matches):
    return [m.organisation.name for m in matches]


def _titles(matches):
    return [m.need.title for m in matches]


# Organisations for a need ---------------------------------------------------------------------


def test_need_lists_the_institute_that_fits_first_with_a_german_reason(world):
    matches = recommend_organisations_for_need(world.need, viewer=world.owner, language="de")

    sentence, rest = matches[0].reason.split("; ", 1)
    assert matches[0].organisation == world.gips
    assert sentence in GIPS
    assert rest == "TRL 3–6; bietet Auftragsforschung an"  # noqa: RUF001
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_need_reason_follows_the_reader_language_and_quotes_as_written(world):
    with translation.override("en"):
        matches = recommend_organisations_for_need(world.need, viewer=world.owner)

    sentence, rest = matches[0].reason.split("; ", 1)
    assert sentence in GIPS  # quoted as written, in German
    assert rest == "TRL 3–6; offers contract research"  # noqa: RUF001


@pytest.mark.parametrize(
    ("reader", "sees"),
    [
        ("owner", True),
        ("colleague", True),
        ("organiser", True),
        ("gips_member", False),
        ("firm_member", False),
        ("visitor", False),
    ],
)
def test_need_recommendations_only_for_its_organisation_and_organisers(world, reader, sees):
    viewer = AnonymousUser() if reader == "visitor" else getattr(world, reader)

    matches = recommend_organisations_for_need(world.need, viewer=viewer)

    assert bool(matches) is sees


def test_need_never_lists_its_own_organisation(world):
    profile(world.sme, GIPS)
    own = need(world.sme, partner_kinds=["research", "company"])
    vectors_refresh()

    matches = recommend_organisations_for_need(own, viewer=world.owner, limit=20)

    assert world.sme not in [m.organisation for m in matches]
    assert world.firm in [m.organisation for m in matches]


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (["research"], {"research"}),
        (["company"], {"company"}),
        ([], {"research", "company"}),
    ],
)
def test_need_lists_only_the_kinds_it_asks_for(world, kinds, expected):
    asked = need(world.sme, partner_kinds=kinds)
    vectors_refresh()

    matches = recommend_organisations_for_need(asked, viewer=world.owner, limit=20)

    assert {m.organisation.kind for m in matches} == expected


def test_opted_out_organisation_is_never_recommended_until_it_opts_in(world):
    admin = MembershipFactory(organisation=world.gips, role="admin").user
    competence_profile_update(organisation=world.gips, actor=admin, recommend=False)

    assert world.gips not in [
        m.organisation for m in recommend_organisations_for_need(world.need, viewer=world.owner)
    ]

    competence_profile_update(organisation=world.gips, actor=admin, recommend=True)

    assert _names(recommend_organisations_for_need(world.need, viewer=world.owner))[0] == (
        world.gips.name
    )


@pytest.mark.parametrize("status", ["pending", "rejected", "deactivated"])
def test_organisation_not_approved_is_never_recommended(world, status):
    world.gips.status = status
    world.gips.save()

    matches = recommend_organisations_for_need(world.need, viewer=world.owner, limit=20)

    assert world.gips not in [m.organisation for m in matches]
    assert matches  # the others still are


def test_organisation_without_any_text_is_never_recommended(world):
    silent = OrganisationFactory(kind=Organisation.Kind.RESEARCH, description="")
    vectors_refresh()

    matches = recommend_organisations_for_need(world.need, viewer=world.owner, limit=20)

    assert silent not in [m.organisation for m in matches]
    assert not is_matched(silent)


def test_draft_need_gets_recommendations_for_its_organisation(world):
    draft = need(world.sme, draft=True)
    vectors_refresh()

    assert is_matched(draft)
    assert _names(recommend_organisations_for_need(draft, viewer=world.owner))[0] == (
        world.gips.name
    )


def test_need_not_yet_embedded_gets_none_and_says_so(world):
    fresh = need(world.sme)  # its task runs once the transaction commits

    assert not is_matched(fresh)
    assert recommend_organisations_for_need(fresh, viewer=world.owner) == []


# Needs for an organisation --------------------------------------------------------------------


def test_organisation_sees_the_need_that_fits_first_with_its_own_sentence(world):
    matches = recommend_needs_for_organisation(world.gips, viewer=world.gips_member, language="de")

    sentence, rest = matches[0].reason.split("; ", 1)
    assert matches[0].need == world.need
    assert sentence in GIPS  # the institute's own sentence closest to the need
    assert rest == "TRL 3–5; sucht Auftragsforschung"  # noqa: RUF001
    assert matches[0].poster == world.sme


@pytest.mark.parametrize(
    ("reader", "sees"),
    [("gips_member", True), ("organiser", True), ("owner", False), ("visitor", False)],
)
def test_organisation_recommendations_only_for_its_members_and_organisers(world, reader, sees):
    viewer = AnonymousUser() if reader == "visitor" else getattr(world, reader)

    matches = recommend_needs_for_organisation(world.gips, viewer=viewer)

    assert bool(matches) is sees


def test_organisation_never_sees_its_own_needs(world):
    own = need(world.gips, partner_kinds=[])
    vectors_refresh()

    matches = recommend_needs_for_organisation(world.gips, viewer=world.gips_member, limit=20)

    assert own not in [m.need for m in matches]
    assert world.need in [m.need for m in matches]


@pytest.mark.parametrize("trait", [{"draft": True}, {"submitted": True}, {"closed": True}])
def test_organisation_sees_only_open_needs(world, trait):
    other = need(world.sme, title="Gipsplatten aus dem Abbruch verwerten", **trait)
    vectors_refresh()

    matches = recommend_needs_for_organisation(world.gips, viewer=world.gips_member, limit=20)

    assert other not in [m.need for m in matches]


def test_anonymous_need_never_reveals_who_posted_it(world):
    hidden = need(world.sme, title="Gipsabfälle aus dem Rückbau", visibility="anonymous")
    vectors_refresh()

    matches = recommend_needs_for_organisation(world.gips, viewer=world.gips_member, limit=20)

    match = next(m for m in matches if m.need == hidden)
    assert match.poster is None and match.need.poster_revealed is False
    assert world.sme.name not in match.reason
    assert next(m for m in matches if m.need == world.need).poster == world.sme


def test_anonymous_need_reveals_its_poster_once_the_answer_is_accepted(world):
    hidden = need(world.sme, title="Gipsabfälle aus dem Rückbau", visibility="anonymous")
    AnswerFactory(need=hidden, organisation=world.gips, status=Answer.Status.ACCEPTED)
    vectors_refresh()

    matches = recommend_needs_for_organisation(world.gips, viewer=world.gips_member, limit=20)

    assert next(m for m in matches if m.need == hidden).poster == world.sme


def test_organiser_sees_who_posted_an_anonymous_need(world):
    hidden = need(world.sme, title="Gipsabfälle aus dem Rückbau", visibility="anonymous")
    vectors_refresh()

    matches = recommend_needs_for_organisation(world.gips, viewer=world.organiser, limit=20)

    assert next(m for m in matches if m.need == hidden).poster == world.sme


def test_members_only_need_is_recommended_to_members(world):
    members_only = need(world.sme, title="Gipsplatten verwerten", visibility="members")
    vectors_refresh()

    matches = recommend_needs_for_organisation(world.gips, viewer=world.gips_member, limit=20)

    assert members_only in [m.need for m in matches]


def test_organisation_sees_only_needs_asking_for_its_kind(world):
    for_companies = need(world.sme, title="Gipsplatten verwerten", partner_kinds=["company"])
    vectors_refresh()

    research = recommend_needs_for_organisation(world.gips, viewer=world.gips_member, limit=20)
    company = recommend_needs_for_organisation(world.firm, viewer=world.firm_member, limit=20)

    assert for_companies not in [m.need for m in research]
    assert [m.need for m in company] == [for_companies]


def test_opted_out_organisation_still_sees_the_needs_that_fit_it(world):
    world.gips.competence_profile.recommend = False
    world.gips.competence_profile.save()

    matches = recommend_needs_for_organisation(world.gips, viewer=world.gips_member)

    assert matches[0].need == world.need


# The per-process index --------------------------------------------------------------------------


def test_index_is_kept_while_nothing_changes_and_rebuilt_after_a_change(world):
    first = corpus.current()
    assert corpus.current() is first

    world.need.status = Need.Status.CLOSED
    world.need.close_reason = Need.CloseReason.WITHDRAWN
    world.need.closed_at = timezone.now()
    world.need.save()

    assert corpus.current() is not first
    assert recommend_needs_for_organisation(world.gips, viewer=world.gips_member) == []


def test_index_follows_a_newly_published_need(world):
    later = need(world.sme, title="Gipsplatten aus dem Abbruch verwerten", submitted=True)
    vectors_refresh()
    assert later not in [
        m.need for m in recommend_needs_for_organisation(world.gips, viewer=world.gips_member)
    ]

    later.status = Need.Status.PUBLISHED
    later.published_at = later.submitted_at
    later.save()

    assert later in [
        m.need for m in recommend_needs_for_organisation(world.gips, viewer=world.gips_member)
    ]


def test_index_without_a_reachable_cache_is_rebuilt_at_most_every_minute(world, monkeypatch):
    class DeadCache:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("cache down")

            return fail

    corpus.forget()
    monkeypatch.setattr(corpus, "cache", DeadCache())
    first = corpus.current()

    assert corpus.current() is first
    assert recommend_organisations_for_need(world.need, viewer=world.owner)[0].organisation == (
        world.gips
    )
    monkeypatch.setattr(corpus, "FALLBACK_SECONDS", 0)
    assert corpus.current() is not first


def _count_queries(call) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def test_recommendations_take_the_same_queries_for_few_and_many_candidates(world):
    def for_need():
        return recommend_organisations_for_need(world.need, viewer=world.owner)

    def for_organisation():
        return recommend_needs_for_organisation(world.gips, viewer=world.gips_member)

    for_need(), for_organisation()  # warm: the index and the viewer's membership
    few = (_count_queries(for_need), _count_queries(for_organisation))
    for i in range(12):
        extra = OrganisationFactory(kind=Organisation.Kind.RESEARCH, description="")
        profile(extra, f"Aufbereitung von Gips und Beton, Versuchsreihe {i}.")
        need(world.sme, title=f"Gips aus dem Rückbau verwerten {i}")
    vectors_refresh()
    for_need(), for_organisation()

    many = (_count_queries(for_need), _count_queries(for_organisation))

    assert len(for_need()) == 10 and len(for_organisation()) == 10
    assert few == many == (2, 2)


def _words(index, terms, vocabulary) -> dict[str, dict[str, float]]:
    words = {i: w for w, i in vocabulary.items()}
    return {
        doc.key: {words[i]: round(v, 9) for i, v in terms[row].items()}
        for row, doc in enumerate(index.docs)
    }


def test_index_rebuilt_from_the_previous_one_equals_a_fresh_build(world):
    first = corpus.current()
    world.need.summary = "Wir suchen ein Labor, das Gipsproben auf Sulfat und Fremdstoffe prüft."
    world.need.save()
    later = need(world.sme, title="Calciumsulfat aus Gipskarton zurückgewinnen")
    newcomer = OrganisationFactory(kind=Organisation.Kind.RESEARCH, description="")
    profile(newcomer, "Wir untersuchen Sulfate in Baustoffen mit Röntgendiffraktometrie.")
    world.akku.delete()
    vectors_refresh()

    rebuilt = corpus.current()
    fresh = corpus.build(rebuilt.generation)

    assert rebuilt is not first and rebuilt.need_part is not None
    for side in ("need_index", "org_index"):
        a, b = getattr(rebuilt, side), getattr(fresh, side)
        assert [d.key for d in a.docs] == [d.key for d in b.docs]
        assert a.docs == b.docs
        assert np.array_equal(a.vectors, b.vectors)
    assert str(later.pk) in rebuilt.need_index.row and str(newcomer.pk) in rebuilt.org_index.row
    assert str(world.akku.pk) not in rebuilt.org_index.row
    assert rebuilt.org_index.sentences == fresh.org_index.sentences
    for mine, theirs in zip(
        rebuilt.org_index.sentence_vectors, fresh.org_index.sentence_vectors, strict=True
    ):
        assert np.array_equal(mine, theirs)
    assert _words(rebuilt.need_index, rebuilt.need_terms, rebuilt.vocabulary) == _words(
        fresh.need_index, fresh.need_terms, fresh.vocabulary
    )
    assert _words(rebuilt.org_index, rebuilt.org_terms, rebuilt.vocabulary) == _words(
        fresh.org_index, fresh.org_terms, fresh.vocabulary
    )
