"""Partners that fit in a real browser, in German and English (issue 13): a research
institute's admin fills in the competence profile (a wrong TRL range first: the form
answers 400 and keeps the text), the profile shows on the institute's page, an SME's need
about the same thing in other words is published, and it appears on the admin's start
page with a reason. An organiser finds the institute among the need's partners that fit,
with its reason, and introduces the two; both accept, and they write in their
conversation. Every page on the way is checked with axe-core."""

import pytest

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

COMPETENCES = (
    "Rückgewinnung von Calciumsulfat aus Bauabfällen. Wir trennen Gipsplatten aus dem "
    "Abbruch von mineralischen Fraktionen und prüfen, ob ein Gipswerk das Material annimmt."
)
TITLE = "Gipsreste aus dem Rückbau wieder loswerden"
INTRODUCTION = "Das Institut prüft genau diese Verwertung von Gips aus dem Abbruch."


@pytest.fixture
def cast(live_site):
    from members.models import Organisation

    ben = make_person("ben")
    institute = make_organisation(
        name="Institut für Baustoffkreisläufe",
        slug="baustoffkreislaeufe",
        users=[ben],
        kind=Organisation.Kind.RESEARCH,
    )
    anna = make_person("anna")
    sme = make_organisation(name="Goslarer Rückbau GmbH", slug="goslarer-rueckbau", users=[anna])
    return {"ben": ben, "institute": institute, "anna": anna, "sme": sme}


def publish_need(sme, anna):
    """The SME's need, published (its own journey is test_journey_needs.py); saving it
    computes its row for the recommendations (Celery runs eagerly in the tests)."""
    from members.models import Topic
    from tests.factories import NeedFactory

    return NeedFactory(
        organisation=sme,
        created_by=anna,
        contact_person=anna,
        title=TITLE,
        summary="Beim Abbruch von Bürogebäuden fallen Gipskartonplatten an, die heute auf "
        "die Deponie gehen. Wir suchen einen Partner, der die Verwertung mit uns prüft.",
        description="Unser Betrieb sortiert Bau- und Abbruchabfälle im Landkreis Goslar.",
        keywords=["Gips", "Rückbau"],
        trl_now=3,
        trl_target=5,
        cooperation_types=["contract_research"],
        partner_kinds=["research"],
        topics=[Topic.objects.get(slug="mechanical-processing")],
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_institute_fills_in_its_profile_and_finds_a_fitting_need_at_home(cast, new_page, language):
    from members.models import CompetenceProfile

    ben, institute = cast["ben"], cast["institute"]
    prefer_language([ben, cast["anna"]], language)

    page = new_page()
    login(page, ben.email, PASSWORD, language)

    # --- The start page asks for the profile; the organisation page leads to the form --
    open_page(page, url(language, "members:home"))
    check(page, language)
    assert page.get_by_role(
        "heading", name=t(language, "Needs that fit your organisation")
    ).is_visible()
    open_page(page, url(language, "members:organisation_detail", slug=institute.slug))
    check(page, language)
    follow(page, page.get_by_role("link", name=t(language, "Describe your competences")).first)
    assert page.url.endswith(url(language, "members:competence_edit", slug=institute.slug))
    check(page, language)

    # --- A wrong range first: 400, the text is kept -------------------------------------
    form = page.locator("main form")
    form.locator("[name=competences]").fill(COMPETENCES)
    form.locator("[name=keywords]").fill("Gips, Rückbau, Calciumsulfat")
    form.locator("input[name=cooperation_types][value=contract_research]").check()
    form.locator("input[name=cooperation_types][value=testing]").check()
    form.locator("[name=trl_min]").select_option("6")
    form.locator("[name=trl_max]").select_option("3")
    submit(page, form.locator("[type=submit]"), status=400)
    check(page, language)
    assert page.locator("[name=competences]").input_value() == COMPETENCES
    assert page.get_by_text(
        t(language, "The highest readiness level cannot be below the lowest.")
    ).first.is_visible()

    # --- Corrected and saved: shown on the institute's page -----------------------------
    form = page.locator("main form")
    form.locator("[name=trl_min]").select_option("3")
    form.locator("[name=trl_max]").select_option("6")
    submit(page, form.locator("[type=submit]"))
    check(page, language)
    assert page.get_by_text(t(language, "The competence profile has been saved.")).is_visible()
    assert page.get_by_text("Rückgewinnung von Calciumsulfat aus Bauabfällen.").is_visible()
    assert page.get_by_text(t(language, "TRL %(low)s to %(high)s", low=3, high=6)).is_visible()
    assert CompetenceProfile.objects.get(organisation=institute).trl_max == 6

    # --- An SME publishes a need in other words; it appears at home with its reason ------
    need = publish_need(cast["sme"], cast["anna"])
    open_page(page, url(language, "members:home"))
    check(page, language)
    section = page.locator(
        "section",
        has=page.get_by_role("heading", name=t(language, "Needs that fit your organisation")),
    )
    link = section.get_by_role("link", name=TITLE)
    assert link.is_visible()
    item = section.locator("li").filter(has_text=TITLE).inner_text()
    assert t(language, "Why it fits:") in item
    # The reason quotes the profile sentence that fits and names the need's TRL range.
    assert "ob ein Gipswerk das Material annimmt" in item
    assert "TRL 3–5" in item  # noqa: RUF001
    follow(page, link)
    assert page.url.endswith(url(language, "research_needs:detail", pk=need.pk))

    # --- An organiser introduces them from the need's partners that fit -------------------
    from research_needs.models import Conversation, Introduction

    anna, olga = cast["anna"], make_person("olga", organiser=True)
    prefer_language([olga], language)
    organiser = new_page()
    login(organiser, olga.email, PASSWORD, language)
    open_page(organiser, url(language, "research_needs:detail", pk=need.pk))
    partners = organiser.locator("section.need-partners")
    entry = partners.locator("li").filter(has_text=institute.name).first
    assert "TRL 3" in entry.inner_text()  # the reason, in the reader's language
    check(organiser, language)
    entry.locator("summary").click()
    entry.locator("[name=reason]").fill(INTRODUCTION)
    submit(organiser, entry.get_by_role("button", name=t(language, "Propose the introduction")))
    check(organiser, language)
    introduction = Introduction.objects.get()
    assert introduction.proposed_by == olga and introduction.reason == INTRODUCTION

    # --- Both accept; the conversation opens and they write in it ----------------------
    open_page(page, url(language, "research_needs:introductions"))
    check(page, language)
    submit(page, page.get_by_role("button", name=f"{t(language, 'Accept')} {cast['sme'].name}"))
    sme_page = new_page()
    login(sme_page, anna.email, PASSWORD, language)
    open_page(sme_page, url(language, "research_needs:introductions"))
    assert INTRODUCTION in sme_page.locator("main").inner_text()
    submit(
        sme_page, sme_page.get_by_role("button", name=f"{t(language, 'Accept')} {institute.name}")
    )
    check(sme_page, language)
    conversation = Conversation.objects.get(introduction=introduction)
    path = url(language, "research_needs:conversation", pk=conversation.pk)
    follow(sme_page, sme_page.locator(f"a[href='{path}']"))
    form = sme_page.locator("main form", has=sme_page.locator("[name=body]"))
    form.locator("[name=body]").fill("Wann dürfen wir Ihnen Proben schicken?")
    submit(sme_page, form.get_by_role("button", name=t(language, "Send message")))
    check(sme_page, language)

    open_page(page, path)
    assert "Wann dürfen wir Ihnen Proben schicken?" in page.locator("main").inner_text()
    form = page.locator("main form", has=page.locator("[name=body]"))
    form.locator("[name=body]").fill("Gern, ab Montag.")
    submit(page, form.get_by_role("button", name=t(language, "Send message")))
    assert "Gern, ab Montag." in page.locator("main").inner_text()
    check(page, language)
