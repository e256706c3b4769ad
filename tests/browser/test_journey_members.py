"""The main members journey (PRODUCT.md 3.1) in a real browser, in German and in English:

sign up → verify the address from the mail → onboarding → create the organisation → invite a
colleague → the colleague signs up from the invitation link and joins → the directory lists
the organisation and its page lists both people.

Every page on the way is checked with axe-core (A1); the page fixture fails the test on any
request to another host (3.5), console error or server error.
"""

import re

import pytest

from tests.browser.helpers import (
    LANGUAGES,
    PASSWORD,
    VIEWPORTS,
    check,
    follow,
    links_in,
    nav_link,
    submit,
    t,
    url,
    wait_for_mail,
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_members_journey_signup_organisation_invitation(
    new_page, mailoutbox, language, viewport, live_server
):
    from django.contrib.auth import get_user_model

    from members.models import Membership, Topic

    admin_email = f"anna.schmidt.{language}@harz-metall.example"
    colleague_email = f"ben.krause.{language}@harz-metall.example"
    organisation_name = f"Harz Metall Recycling {language.upper()} GmbH"

    # --- Anna signs up -------------------------------------------------------------------
    page = new_page()
    page.goto(url(language, "landing"))
    check(page, language)
    follow(page, nav_link(page, url(language, "account_signup")))
    assert page.url.endswith(url(language, "account_signup"))
    check(page, language)

    form = page.locator("form", has=page.locator("input[name=password2]"))
    form.locator("input[name=first_name]").fill("Anna")
    form.locator("input[name=last_name]").fill("Schmidt")
    form.locator("input[name=email]").fill(admin_email)
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    submit(page, form.get_by_role("button", name=t(language, "Sign Up")))

    # allauth's "verify your email" page.
    assert url(language, "account_email_verification_sent") in page.url
    check(page, language)

    # --- The verification mail -----------------------------------------------------------
    mail = wait_for_mail(mailoutbox, 1)
    assert mail.to == [admin_email]
    assert mail.subject.strip()
    confirm_links = [
        link for link in links_in(mail) if "/accounts/confirm-email/" in link.replace("/en/", "/")
    ]
    assert confirm_links, f"no confirmation link in the mail:\n{mail.body}"
    confirm_link = confirm_links[0]
    assert confirm_link.startswith(live_server.url), confirm_link
    assert (f"{live_server.url}/en/" in confirm_link) == (language == "en"), confirm_link

    page.goto(confirm_link)
    check(page, language)
    submit(page, page.locator("main").get_by_role("button", name=t(language, "Confirm")))

    # Logged in, without an organisation: onboarding.
    assert page.url.endswith(url(language, "members:onboarding")), page.url
    check(page, language)
    assert page.locator("form[action$='/logout/'] button[type=submit]").count() == 1

    # --- Anna creates her organisation ---------------------------------------------------
    follow(page, page.locator(f"main a[href='{url(language, 'members:organisation_create')}']"))
    check(page, language)
    form = page.locator("main form", has=page.locator("input[name=name]"))
    form.locator("input[name=name]").fill(organisation_name)
    form.locator("select[name=kind]").select_option("company")
    form.locator("textarea[name=description]").fill(
        "Rückgewinnung von Indium und Gallium aus Elektronikschrott."
    )
    form.locator("input[name=website]").fill("https://harz-metall.example")
    form.locator("input[name=city]").fill("Goslar")
    form.locator("select[name=federal_state]").select_option("NI")
    for topic in Topic.objects.filter(slug__in=["weee", "hydrometallurgy"]):
        name = topic.name_en if language == "en" else topic.name_de
        form.get_by_label(name, exact=True).check()
    submit(page, form.get_by_role("button", name=t(language, "Create organisation")))

    slug_match = re.search(r"/members/([\w-]+)/$", page.url)
    assert slug_match, page.url
    slug = slug_match.group(1)
    assert page.url.endswith(url(language, "members:organisation_detail", slug=slug))
    assert page.get_by_role("heading", level=1).inner_text().strip() == organisation_name
    check(page, language)

    # --- Anna invites Ben on the people page ---------------------------------------------
    people_url = url(language, "members:organisation_members", slug=slug)
    follow(page, page.locator(f"main a[href='{people_url}']"))
    check(page, language)
    invite = page.locator("main form", has=page.locator("input[name=email]"))
    invite.locator("input[name=email]").fill(colleague_email)
    invite.locator("select[name=role]").select_option("member")
    submit(page, invite.get_by_role("button", name=t(language, "Send invitation")))
    assert page.url.endswith(people_url)
    assert colleague_email in page.locator("main").inner_text()
    check(page, language)

    # Mail 2 told Anna that her organisation waits for approval (issue 11).
    assert wait_for_mail(mailoutbox, 2).to == [admin_email]
    mail = wait_for_mail(mailoutbox, 3)
    assert mail.to == [colleague_email]
    assert organisation_name in mail.subject
    invitation_links = [link for link in links_in(mail) if "/members/invitations/" in link]
    assert invitation_links, f"no invitation link in the mail:\n{mail.body}"
    invitation_link = invitation_links[0]
    assert re.fullmatch(
        re.escape(live_server.url)
        + ("/en" if language == "en" else "")
        + r"/members/invitations/[\w-]{20,}/",
        invitation_link,
    ), invitation_link

    # --- Ben opens the link in his own browser, signs up and joins -----------------------
    ben = new_page()
    ben.goto(invitation_link)
    check(ben, language)
    follow(ben, ben.locator("main a[href*='/accounts/signup/']"))
    check(ben, language)
    form = ben.locator("form", has=ben.locator("input[name=password2]"))
    assert form.locator("input[name=email]").input_value() in {"", colleague_email}
    form.locator("input[name=first_name]").fill("Ben")
    form.locator("input[name=last_name]").fill("Krause")
    form.locator("input[name=email]").fill(colleague_email)
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    submit(ben, form.get_by_role("button", name=t(language, "Sign Up")))

    # No second verification mail: opening the invitation link proved the address.
    assert len(mailoutbox) == 3, [m.subject for m in mailoutbox]
    invitation_path = invitation_link[len(live_server.url) :]
    assert ben.url.endswith(invitation_path), ben.url
    check(ben, language)
    join = t(language, "Join %(name)s", name=organisation_name)
    submit(ben, ben.locator("main").get_by_role("button", name=join))

    assert ben.url.endswith(url(language, "members:organisation_detail", slug=slug)), ben.url
    check(ben, language)
    people = ben.locator("main").inner_text()
    assert "Anna Schmidt" in people
    assert "Ben Krause" in people

    # --- The directory lists the organisation, once approved (issue 11; the approval itself
    # is the journey of test_journey_org_approval.py) ------------------------------------
    from members.models import Organisation

    Organisation.objects.filter(slug=slug).update(status=Organisation.Status.APPROVED)
    ben.goto(url(language, "members:directory"))
    check(ben, language)
    organisation_link = ben.locator("main").locator(
        f"a[href='{url(language, 'members:organisation_detail', slug=slug)}']"
    )
    assert organisation_link.first.inner_text().strip() == organisation_name

    # 3.5: only the session and CSRF cookies, for the visitor and the members alike.
    for context in (page.context, ben.context):
        cookies = {c["name"] for c in context.cookies()}
        assert cookies <= {"sessionid", "csrftoken"}, cookies

    # And the database agrees with what the pages showed.
    users = get_user_model().objects
    anna, ben_user = users.get(email=admin_email), users.get(email=colleague_email)
    assert anna.memberships.get().role == Membership.Role.ADMIN
    assert ben_user.memberships.get().role == Membership.Role.MEMBER
    assert {t.slug for t in anna.memberships.get().organisation.topics.all()} == {
        "weee",
        "hydrometallurgy",
    }
    assert anna.emailaddress_set.get().verified
    assert ben_user.emailaddress_set.get().verified
