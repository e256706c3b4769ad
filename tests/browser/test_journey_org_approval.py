"""Vetted organisations in a real browser, in German and English (issue 11):

a new user creates an organisation whose name is like an existing one → the form warns and
offers to ask to join that one → she confirms hers is different → the page says it waits for
approval, and she cannot post a research need yet → an organiser approves it on the staff
review page → she can post a need. Every page on the way is checked with axe-core, and the
emails of the way arrive in each person's language.
"""

import pytest

from tests.browser.helpers import (
    LANGUAGES,
    PASSWORD,
    check,
    login,
    make_organisation,
    make_person,
    make_user,
    open_page,
    prefer_language,
    submit,
    t,
    url,
)

NAME = "Harzer Metallrueckgewinnung AG"
EXISTING = "Harzer Metallrückgewinnung GmbH"
TITLE = "Zink aus Filterstäuben zurückgewinnen"


@pytest.fixture
def cast(live_site):
    from members.models import Profile

    owner = make_user("ole.alt@example.org", first_name="Ole", last_name="Alt")
    existing = make_organisation(name=EXISTING, slug="harzer-metall-gmbh", users=[owner])
    greta = make_user("greta.neu@example.org", first_name="Greta", last_name="Neu")
    olga = make_person("olga", organiser=True)
    for person in (owner, greta, olga):
        Profile.objects.get_or_create(user=person)
    return {"existing": existing, "greta": greta, "olga": olga}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_org_approval_journey_create_wait_approve_post(cast, new_page, mailoutbox, language):
    from members.models import Organisation, Topic
    from research_needs.models import Need

    greta, olga = cast["greta"], cast["olga"]
    prefer_language([greta, olga], language)

    # --- Greta creates her organisation; the name is like an existing one -----------------
    page = new_page()
    login(page, greta.email, PASSWORD, language)
    open_page(page, url(language, "members:organisation_create"))
    check(page, language)
    form = page.locator("main form", has=page.locator("input[name=name]"))
    form.locator("input[name=name]").fill(NAME)
    form.locator("select[name=kind]").select_option("company")
    form.locator("input[name=city]").fill("Goslar")
    form.locator("select[name=federal_state]").select_option("NI")
    submit(page, form.get_by_role("button", name=t(language, "Create organisation")), status=400)
    check(page, language)
    warning = page.locator("main section.alert-warning")
    assert EXISTING in warning.inner_text()
    join_url = url(language, "members:join_request_create", slug=cast["existing"].slug)
    assert warning.locator(f"form[action='{join_url}']").count() == 1
    assert page.locator("input[name=name]").input_value() == NAME  # input kept

    form = page.locator("main form", has=page.locator("input[name=name]"))
    form.get_by_label(t(language, "My organisation is a different one; create it anyway.")).check()
    submit(page, form.get_by_role("button", name=t(language, "Create organisation")))
    organisation = Organisation.objects.get(name=NAME)
    assert organisation.status == Organisation.Status.PENDING
    assert page.url.endswith(url(language, "members:organisation_detail", slug=organisation.slug))
    assert t(language, "Waiting for approval") in page.locator("main").inner_text()
    check(page, language)

    # She cannot post a need yet: the account page says why.
    page.goto(url(language, "research_needs:create"))
    assert page.url.endswith(url(language, "members:home")), page.url
    main = page.locator("main").inner_text()
    assert t(language, "Waiting for approval") in main
    check(page, language)
    assert not Need.objects.exists()
    founder_mail = [m for m in mailoutbox if m.to == [greta.email]]
    assert [m.subject for m in founder_mail] == [
        t(language, "%(organisation)s is waiting for approval", organisation=NAME)
    ]

    # --- Olga approves it on the review page ---------------------------------------------
    staff = new_page()
    login(staff, olga.email, PASSWORD, language)
    assert any(
        m.to == [olga.email]
        and m.subject
        == t(language, "New organisation to review: %(organisation)s", organisation=NAME)
        for m in mailoutbox
    )
    open_page(staff, url(language, "members:review"))
    check(staff, language)
    card = staff.locator("main section.card", has=staff.get_by_text(NAME))
    assert EXISTING in card.inner_text()  # named as a similar name
    approve_url = url(language, "members:review_approve", pk=organisation.pk)
    submit(staff, card.locator(f"form[action='{approve_url}'] [type=submit]"))
    check(staff, language)
    assert (
        t(language, "No organisation is waiting for approval.")
        in staff.locator("main").inner_text()
    )
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.APPROVED
    assert any(
        m.to == [greta.email]
        and m.subject == t(language, "%(organisation)s has been approved", organisation=NAME)
        for m in mailoutbox
    )

    # --- Now Greta posts a need -----------------------------------------------------------
    open_page(page, url(language, "research_needs:create"))
    check(page, language)
    form = page.locator("form.need-form")
    form.locator("[name=title]").fill(TITLE)
    form.locator("[name=summary]").fill("Wir suchen ein Verfahren für Zink aus Filterstäuben.")
    form.locator("[name=description]").fill(
        "Unsere Anlage in Goslar fällt jährlich 300 t Filterstaub an; wir suchen Laborversuche."
    )
    form.locator("input[name=challenge_types][value=new_technology]").check()
    topic = Topic.objects.get(slug="hydrometallurgy")
    form.get_by_label(topic.name_en if language == "en" else topic.name_de).check()
    form.locator("input[name=cooperation_types][value=contract_research]").check()
    form.locator("[name=trl_now]").select_option("3")
    form.locator("[name=trl_target]").select_option("6")
    submit(page, form.get_by_role("button", name=t(language, "Save draft")))
    check(page, language)
    need = Need.objects.get(title=TITLE)
    assert need.organisation == organisation
    assert need.status == Need.Status.DRAFT

    # And the directory lists the organisation now.
    open_page(page, url(language, "members:directory"))
    assert NAME in page.locator("main").inner_text()
