"""Research needs in a real browser, in German and English (issue 4, item 11):

an SME writes a need and submits it → an organiser publishes it from the moderation queue →
a researcher finds it by searching an inflected German word ("Batterien" for a text about
"einer Batterie") → answers → the SME shortlists and accepts the answer → both sides see
each other's contact details and exchange messages. Every page on the way is checked with
axe-core, and the emails of the way arrive in each person's language.
"""

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

TITLE = "Kobalt aus einer gebrauchten Batterie zurückgewinnen"


@pytest.fixture
def cast(live_site):
    """The SME's admin, a researcher at an institute, and an organiser."""
    from members.models import Organisation, Profile, Topic

    anna = make_person("anna")
    sme = make_organisation(users=[anna])
    ben = make_person("ben")
    institute = make_organisation(
        name="Institut für Aufbereitung Clausthal",
        slug="iar-clausthal",
        users=[ben],
        kind=Organisation.Kind.RESEARCH,
    )
    institute.topics.add(Topic.objects.get(slug="battery-recycling"))
    olga = make_person("olga", organiser=True)
    for person in (anna, ben, olga):
        Profile.objects.update_or_create(user=person, defaults={"phone": "+49 5321 0000"})
    return {"sme": sme, "anna": anna, "institute": institute, "ben": ben, "olga": olga}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_needs_journey_post_moderate_find_answer_accept_talk(cast, new_page, mailoutbox, language):
    from members.models import Topic
    from research_needs.models import Answer, Need

    anna, ben, olga = cast["anna"], cast["ben"], cast["olga"]
    prefer_language([anna, ben, olga], language)
    battery = Topic.objects.get(slug="battery-recycling")

    # --- Anna writes the need and submits it ------------------------------------------------
    sme_page = new_page()
    login(sme_page, anna.email, PASSWORD, language)
    open_page(sme_page, url(language, "research_needs:create"))
    check(sme_page, language)
    form = sme_page.locator("form.need-form")
    form.locator("[name=title]").fill(TITLE)
    form.locator("[name=summary]").fill(
        "Wir suchen ein Verfahren, um Kobalt und Nickel aus der Schwarzmasse zu laugen."
    )
    form.locator("[name=description]").fill(
        "Unsere Anlage in Goslar zerkleinert jährlich 2.000 t Altgeräte. Die Ausbeute an "
        "Kobalt liegt bei 60 %; wir möchten 90 % erreichen und suchen Laborversuche."
    )
    form.locator("input[name=challenge_types][value=new_technology]").check()
    form.get_by_label(battery.name_en if language == "en" else battery.name_de).check()
    form.locator("input[name=cooperation_types][value=contract_research]").check()
    form.locator("[name=trl_now]").select_option("3")
    form.locator("[name=trl_target]").select_option("6")
    submit(
        sme_page, form.get_by_role("button", name=t(language, "Save and submit for publication"))
    )
    need = Need.objects.get(title=TITLE)
    assert need.status == Need.Status.SUBMITTED
    check(sme_page, language)

    # --- Olga publishes it ----------------------------------------------------------------
    moderator = new_page()
    login(moderator, olga.email, PASSWORD, language)
    open_page(moderator, url(language, "research_needs:moderation"))
    check(moderator, language)
    assert TITLE in moderator.locator("main").inner_text()
    publish_url = url(language, "research_needs:publish", pk=need.pk)
    submit(moderator, moderator.locator(f"form[action='{publish_url}'] [type=submit]"))
    check(moderator, language)
    need.refresh_from_db()
    assert need.status == Need.Status.PUBLISHED
    alerts = [m for m in mailoutbox if m.to == [ben.email]]
    assert len(alerts) == 1 and TITLE in alerts[0].subject  # Ben's topic: an alert

    # --- Ben finds it with an inflected word and answers ------------------------------------
    researcher = new_page()
    login(researcher, ben.email, PASSWORD, language)
    open_page(researcher, url(language, "research_needs:list"))
    check(researcher, language)
    search = researcher.locator("form.needs-filter")
    search.locator("[name=q]").fill("Batterien")
    submit(researcher, search.get_by_role("button", name=t(language, "Show needs")))
    check(researcher, language)
    follow(researcher, researcher.get_by_role("link", name=TITLE).first)
    check(researcher, language)
    follow(
        researcher,
        researcher.locator(f"a[href='{url(language, 'research_needs:answer', pk=need.pk)}']").first,
    )
    check(researcher, language)
    answer_form = researcher.locator("main form")
    answer_form.locator("[name=approach]").fill(
        "Wir laugen die Schwarzmasse selektiv und fällen Kobalt als Hydroxid; Versuche im "
        "Technikum sind in vier Wochen möglich."
    )
    answer_form.locator("[name=competences]").fill("Hydrometallurgie, Laugungsversuche")
    answer_form.locator("[name=cooperation_type]").select_option("contract_research")
    answer_form.locator("[name=timeframe]").fill("6 Monate")
    submit(researcher, answer_form.get_by_role("button", name=t(language, "Send answer")))
    check(researcher, language)
    answer = Answer.objects.get(need=need)
    conversation_path = url(language, "research_needs:conversation", pk=answer.conversation.pk)
    assert researcher.url.endswith(conversation_path)

    # --- Anna shortlists and accepts -------------------------------------------------------
    open_page(sme_page, url(language, "research_needs:detail", pk=need.pk))
    check(sme_page, language)
    institute = cast["institute"].name
    submit(sme_page, sme_page.get_by_role("button", name=f"{t(language, 'Shortlist')} {institute}"))
    answer.refresh_from_db()
    assert answer.status == Answer.Status.SHORTLISTED
    check(sme_page, language)
    submit(sme_page, sme_page.get_by_role("button", name=f"{t(language, 'Accept')} {institute}"))
    answer.refresh_from_db()
    assert answer.status == Answer.Status.ACCEPTED
    check(sme_page, language)

    # --- Both see each other's contacts and talk -----------------------------------------
    open_page(sme_page, conversation_path)
    check(sme_page, language)
    assert ben.email in sme_page.locator("main").inner_text()
    message_form = sme_page.locator("main form", has=sme_page.locator("[name=body]"))
    message_form.locator("[name=body]").fill("Können wir am Dienstag telefonieren?")
    submit(sme_page, message_form.get_by_role("button", name=t(language, "Send message")))
    check(sme_page, language)

    open_page(researcher, conversation_path)
    check(researcher, language)
    text = researcher.locator("main").inner_text()
    assert anna.email in text and cast["sme"].name in text
    assert "Können wir am Dienstag telefonieren?" in text
    reply = researcher.locator("main form", has=researcher.locator("[name=body]"))
    reply.locator("[name=body]").fill("Gern, Dienstag um 10 Uhr passt.")
    submit(researcher, reply.get_by_role("button", name=t(language, "Send message")))
    check(researcher, language)

    open_page(sme_page, conversation_path)
    assert "Gern, Dienstag um 10 Uhr passt." in sme_page.locator("main").inner_text()

    # The emails of the way, each in the recipient's language, with links in that language.
    kinds = {
        "research_needs.need_submitted": olga,
        "research_needs.need_published": anna,
        "research_needs.answer_received": anna,
        "research_needs.answer_shortlisted": ben,
        "research_needs.answer_accepted": ben,
    }
    from forum.notifications.models import Notification

    for kind, person in kinds.items():
        assert Notification.objects.filter(kind=kind, recipient=person).exists(), kind
    prefix = "/en/needs/" if language == "en" else "/needs/"
    for message in mailoutbox:
        if "/needs/" in message.body:
            assert prefix in message.body, message.subject
