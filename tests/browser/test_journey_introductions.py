"""Partners that fit and introductions in a real browser, in German and English (issue 13,
items 2 and 5): the SME's admin sees the organisations that fit her need with their
reasons and proposes an introduction to a research institute; the institute's admin accepts
on its introductions page; she accepts too; both find their private conversation and write
in it. Every page is checked with axe-core; the need page and the introductions page are
also photographed at 1366 and 390 pixels wide (test-artifacts/introductions-*.png)."""

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import (
    LANGUAGES,
    PASSWORD,
    check,
    follow,
    login,
    make_organisation,
    make_person,
    open_page,
    prefer_language,
    submit,
    t,
    url,
)

WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 390, "height": 844}
REASON = "Sie trennen Gipsplatten aus dem Abbruch; passt zu unserem Rückbau."


@pytest.fixture
def cast(live_site):
    """An SME with a need about gypsum from demolition, an institute whose competence
    profile fits it, another that does not, with their recommendation rows computed."""
    from members.models import Organisation
    from research_needs.matching import corpus
    from research_needs.matching.store import vectors_refresh
    from tests.research_needs.matching_world import AKKU, GIPS, need, profile

    anna = make_person("anna")
    sme = make_organisation(users=[anna])
    ben = make_person("ben")
    institute = make_organisation(
        name="Institut für Baustoffkreisläufe",
        slug="baustoffkreislaeufe",
        users=[ben],
        kind=Organisation.Kind.RESEARCH,
    )
    profile(institute, GIPS, cooperation=("contract_research", "testing"), trl=(3, 6))
    batteries = make_organisation(
        name="Batterieinstitut Harz", slug="batterieinstitut", kind=Organisation.Kind.RESEARCH
    )
    profile(batteries, AKKU, cooperation=("funded_project",), trl=(2, 5))
    gypsum = need(sme, created_by=anna, contact_person=anna)
    vectors_refresh()
    corpus.forget()
    return {"anna": anna, "sme": sme, "ben": ben, "institute": institute, "need": gypsum}


def _photograph(page, name, language):
    for label, size in (("1366", WIDE), ("390", NARROW)):
        page.set_viewport_size(size)
        page.screenshot(
            path=str(ARTIFACTS / f"introductions-{name}-{language}-{label}.png"), full_page=True
        )
    page.set_viewport_size(WIDE)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_introduction_journey_recommend_propose_accept_talk(cast, new_page, language):
    from forum.notifications.models import Notification
    from research_needs.models import Conversation, Introduction

    anna, ben, institute, gypsum = cast["anna"], cast["ben"], cast["institute"], cast["need"]
    prefer_language([anna, ben], language)
    ARTIFACTS.mkdir(exist_ok=True)

    # --- Anna sees the partners that fit, with reasons, and proposes an introduction ------
    owner = new_page(viewport=WIDE)
    login(owner, anna.email, PASSWORD, language)
    open_page(owner, url(language, "research_needs:detail", pk=gypsum.pk))
    partners = owner.locator("section.need-partners")
    assert t(language, "Partners that fit") in partners.inner_text()
    first = partners.locator("li").first
    assert institute.name in first.inner_text()
    assert "TRL 3\u20136" in first.inner_text()  # the reason, in the reader's language
    assert first.get_by_role("link", name=institute.name).get_attribute("href") == (
        url(language, "members:organisation_detail", slug=institute.slug)
    )
    check(owner, language)
    _photograph(owner, "need", language)
    first.locator("summary").click()
    first.locator("[name=reason]").fill(REASON)
    check(owner, language)
    submit(owner, first.get_by_role("button", name=t(language, "Propose the introduction")))
    introduction = Introduction.objects.get()
    assert (introduction.organisation_b, introduction.reason) == (institute, REASON)
    assert owner.url.endswith(url(language, "research_needs:introductions"))
    check(owner, language)
    for person in (ben,):
        assert Notification.objects.filter(
            recipient=person, kind="research_needs.introduction_proposed"
        ).exists()

    # --- Ben accepts on the institute's introductions page --------------------------------
    other = new_page(viewport=WIDE)
    login(other, ben.email, PASSWORD, language)
    open_page(other, url(language, "research_needs:introductions"))
    assert REASON in other.locator("main").inner_text()
    check(other, language)
    _photograph(other, "list", language)
    sme = cast["sme"].name
    submit(other, other.get_by_role("button", name=f"{t(language, 'Accept')} {sme}"))
    check(other, language)
    assert t(language, "You accepted; waiting for the other organisation.") in (
        other.locator("main").inner_text()
    )

    # --- Anna accepts too: the conversation opens for both ---------------------------------
    open_page(owner, url(language, "research_needs:introductions"))
    submit(owner, owner.get_by_role("button", name=f"{t(language, 'Accept')} {institute.name}"))
    check(owner, language)
    conversation = Conversation.objects.get(introduction=introduction)
    path = url(language, "research_needs:conversation", pk=conversation.pk)
    follow(owner, owner.locator(f"a[href='{path}']"))
    check(owner, language)
    form = owner.locator("main form", has=owner.locator("[name=body]"))
    form.locator("[name=body]").fill("Können wir nächste Woche telefonieren?")
    submit(owner, form.get_by_role("button", name=t(language, "Send message")))
    check(owner, language)

    open_page(other, url(language, "research_needs:introductions"))
    follow(other, other.locator(f"a[href='{path}']"))
    text = other.locator("main").inner_text()
    assert "Können wir nächste Woche telefonieren?" in text and REASON in text
    check(other, language)
    assert Notification.objects.filter(
        recipient=anna, kind="research_needs.introduction_accepted"
    ).exists()
