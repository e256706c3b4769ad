"""The in-app notification list: who sees what, opening, marking read, the header badge."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from forum.notifications import services
from forum.notifications.models import Notification
from tests.factories import UserFactory, organiser
from tests.members.html import check_page

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

LIST = "/notifications/"


@pytest.fixture
def reader(db):
    return UserFactory()


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


def shown(response) -> list[Notification]:
    return [item["notification"] for item in response.context["items"]]


def badge(count: int, language: str = "de") -> str:
    with translation.override(language):
        unread = gettext("unread")
    return (
        f'<span class="badge rounded-pill text-bg-light">{count}'
        f'<span class="visually-hidden"> {escape(unread)}</span></span>'
    )


# --- Who sees what -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        LIST,
        "/en/notifications/",
        "/notifications/1/",
        "/notifications/read/",
        "/notifications/1/read/",
    ],
)
def test_notification_urls_anonymous_redirect_to_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login")) and "next=" in response.url


def test_notification_list_shows_only_own_in_app_notifications(reader_client, reader):
    own = [NotificationFactory(recipient=reader, sent=True) for _ in range(2)]
    NotificationFactory(sent=True)  # someone else's
    NotificationFactory(recipient=reader, in_app=False)  # email only

    response = reader_client.get(LIST)

    assert response.status_code == 200
    assert shown(response) == list(reversed(own))  # newest first
    check_page(response.content)


def test_notification_list_empty_says_so(reader_client):
    response = reader_client.get(LIST)

    with translation.override("de"):
        empty = gettext(
            "No notifications yet. You will find here what happens around your organisation, "
            "your research needs and your events."
        )
    assert escape(empty) in response.text
    assert reverse("notifications:read_all") not in response.text


def test_notification_list_shows_subject_and_unread_count(reader_client, reader):
    NotificationFactory(
        recipient=reader,
        context={"member_name": "Nora Kahl", "organisation_name": "Zink GmbH", "url": "/members/"},
    )
    NotificationFactory(recipient=reader, read_at=timezone.now())

    response = reader_client.get(LIST)

    with translation.override("de"):
        subject = gettext("%(name)s joined %(organisation)s") % {
            "name": "Nora Kahl",
            "organisation": "Zink GmbH",
        }
        count = ngettext(
            "You have %(counter)s unread notification.",
            "You have %(counter)s unread notifications.",
            1,
        ) % {"counter": 1}
    assert escape(subject) in response.text
    assert escape(count) in response.text
    assert response.context["unread"] == 1


def test_notification_list_paginates_by_twenty(reader_client, reader):
    for _ in range(25):
        NotificationFactory(recipient=reader)

    first = reader_client.get(LIST)
    second = reader_client.get(LIST, {"page": 2})

    assert len(shown(first)) == 20 and len(shown(second)) == 5
    assert not set(shown(first)) & set(shown(second))


@pytest.mark.parametrize("count", [1, 30])
def test_notification_list_queries_constant(
    reader_client, reader, django_assert_num_queries, count
):
    for _ in range(count):
        NotificationFactory(recipient=reader)

    # 5 since issue 17: the session comes from the cache (forum/sessions.py).
    with django_assert_num_queries(5):
        response = reader_client.get(LIST)

    assert len(shown(response)) == min(count, 20)


def test_notification_list_in_english(reader_client, reader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.mass_mail_send(
            actor=organiser(),
            recipients=[reader],
            subject_de="Raumänderung",
            body_de="Raum 2",
            subject_en="Room change",
            body_en="Room 2",
        )

    english = reader_client.get("/en/notifications/")
    german = reader_client.get(LIST)

    assert english.status_code == 200
    assert '<html lang="en"' in english.text
    with translation.override("en"):
        heading = gettext("Notifications")
        settings_link = gettext("Email settings")
    assert f'<h1 class="mb-0">{escape(heading)}</h1>' in english.text
    assert escape(settings_link) in english.text
    assert 'href="/en/members/me/profile/#notifications"' in english.text
    # The in-app line of a mass mail follows the page's language.
    assert "Room change" in english.text and "Raumänderung" not in english.text
    assert "Raumänderung" in german.text and "Room change" not in german.text


# --- Opening and marking read ------------------------------------------------------------


def test_notification_open_marks_read_and_goes_to_target(reader_client, reader):
    notification = NotificationFactory(recipient=reader)

    response = reader_client.get(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302
    assert response.url == "/members/harzer-zinkhuette/people/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_notification_open_in_english_goes_to_english_target(reader_client, reader):
    notification = NotificationFactory(recipient=reader)

    response = reader_client.get(f"/en/notifications/{notification.pk}/")

    assert response.url == "/en/members/harzer-zinkhuette/people/"


def test_notification_open_without_target_goes_to_list(reader_client, reader):
    notification = NotificationFactory(recipient=reader, context={"member_name": "N"})

    response = reader_client.get(reverse("notifications:open", args=[notification.pk]))

    assert response.url == LIST


def test_notification_open_keeps_first_read_time(reader_client, reader):
    first_read = timezone.now() - timezone.timedelta(days=2)
    notification = NotificationFactory(recipient=reader, read_at=first_read)

    reader_client.get(reverse("notifications:open", args=[notification.pk]))

    notification.refresh_from_db()
    assert notification.read_at == first_read


@pytest.mark.parametrize(
    ("name", "method"), [("notifications:open", "get"), ("notifications:read", "post")]
)
def test_notification_of_someone_else_is_404(reader_client, name, method):
    other = NotificationFactory()

    response = getattr(reader_client, method)(reverse(name, args=[other.pk]))

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_notification_read_not_in_app_is_404(reader_client, reader):
    email_only = NotificationFactory(recipient=reader, in_app=False)

    response = reader_client.post(reverse("notifications:read", args=[email_only.pk]))

    assert response.status_code == 404


def test_notification_read_marks_only_that_one(reader_client, reader):
    target, other = NotificationFactory(recipient=reader), NotificationFactory(recipient=reader)

    response = reader_client.post(reverse("notifications:read", args=[target.pk]))

    assert response.status_code == 302 and response.url == LIST
    target.refresh_from_db()
    other.refresh_from_db()
    assert target.read_at is not None and other.read_at is None


def test_notification_read_all_marks_only_own(reader_client, reader):
    own = [NotificationFactory(recipient=reader) for _ in range(3)]
    foreign = NotificationFactory()

    response = reader_client.post(reverse("notifications:read_all"), follow=True)

    assert response.redirect_chain == [(LIST, 302)]
    assert not Notification.objects.filter(pk__in=[n.pk for n in own], read_at=None).exists()
    foreign.refresh_from_db()
    assert foreign.read_at is None
    with translation.override("de"):
        done = gettext("All notifications are marked as read.")
    assert done in [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("name", ["notifications:read_all", "notifications:read"])
def test_notification_mark_read_get_is_405(reader_client, reader, name):
    notification = NotificationFactory(recipient=reader)
    args = [notification.pk] if name == "notifications:read" else []

    response = reader_client.get(reverse(name, args=args))

    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/members/me/", "/members/me/"),
        ("/notifications/?page=2", "/notifications/?page=2"),
        ("https://evil.example/phish", LIST),
        ("//evil.example/phish", LIST),
        ("http://testserver.evil.example/", LIST),
        ("javascript:alert(1)", LIST),
    ],
)
def test_notification_read_next_only_to_same_host(reader_client, reader, target, expected):
    notification = NotificationFactory(recipient=reader)

    response = reader_client.post(
        reverse("notifications:read", args=[notification.pk]), {"next": target}
    )

    assert response.status_code == 302 and response.url == expected


def test_notification_read_all_next_to_other_host_goes_to_list(reader_client):
    response = reader_client.post(
        reverse("notifications:read_all"), {"next": "https://evil.example/"}
    )

    assert response.url == LIST


# --- Header badge ------------------------------------------------------------------------


def test_header_shows_unread_count(reader_client, reader):
    NotificationFactory(recipient=reader)
    NotificationFactory(recipient=reader)
    NotificationFactory(recipient=reader, read_at=timezone.now())
    NotificationFactory(recipient=reader, in_app=False)
    NotificationFactory()  # someone else's

    response = reader_client.get(reverse("members:directory"))

    assert badge(2) in response.text


def test_header_badge_gone_after_read_all(reader_client, reader):
    NotificationFactory(recipient=reader)

    reader_client.post(reverse("notifications:read_all"))
    response = reader_client.get(reverse("members:directory"))

    assert 'class="badge rounded-pill text-bg-light"' not in response.text


def test_header_badge_in_english(reader_client, reader):
    NotificationFactory(recipient=reader)

    response = reader_client.get("/en/members/")

    assert badge(1, "en") in response.text


def test_header_anonymous_has_no_notifications_link(client, db):
    response = client.get(reverse("landing"))

    assert LIST not in response.text
