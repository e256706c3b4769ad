"""Every form of the site, fed bad values by every role, never answers 5xx (issue 11, R2).

Forms are found, not listed: every URL pattern of the project is resolved with the objects
of a small demo-like world filled in (a test below fails when a new pattern has no
arguments here), each page is opened as each role, and every ``<form>`` on it is read
back (tests/events/forms_html.py). Each form is then sent as the page offers it with
values changed: empty, too long, NUL and other control characters, invalid dates,
unknown choices, huge numbers, repeated keys, damaged files, and once without its CSRF
token. hypothesis picks the mixes (derandomized, a bounded number per form, no
shrinking: the requests change the world), so a run is the same on every machine.
The organiser also gets the admin add and change forms of the main models.

Any 5xx (or an exception escaping a view) is collected and reported at the end, with the
role, the URL and the data, so one run shows every failure.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from members.models import Membership
from research_needs.models import Introduction
from tests.factories import (
    AnswerFactory,
    CalendarFeedFactory,
    EventFactory,
    InvitationFactory,
    MembershipFactory,
    MessageFactory,
    NeedFactory,
    OrganisationFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    SpeakerFactory,
    StandFactory,
    UserFactory,
    organiser,
    png_bytes,
)

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "member", "researcher", "org_admin", "organiser", "superuser"]
EXAMPLES = 4  # hypothesis mixes per form and role, on top of the fixed cases

# --- the URL list ----------------------------------------------------------------------

# Arguments of every URL pattern (admin aside: its add and change forms come from the
# registry below). ``None``: the pattern takes none.
ARGS = {
    "healthz": None,
    "readyz": None,
    "favicon": None,
    "mfa_index": None,
    "mfa_authenticate": None,
    "mfa_reauthenticate": None,
    "mfa_activate_totp": None,
    "mfa_deactivate_totp": None,
    "mfa_view_recovery_codes": None,
    "mfa_generate_recovery_codes": None,
    "mfa_download_recovery_codes": None,
    "members:review": None,
    "members:review_approve": lambda w: {"pk": w["pending_org"].pk},
    "members:review_reject": lambda w: {"pk": w["pending_org"].pk},
    "members:join_request_create": lambda w: {"slug": w["sme"].slug},
    "members:join_request_accept": lambda w: {"slug": w["sme"].slug, "pk": w["join"].pk},
    "members:join_request_decline": lambda w: {"slug": w["sme"].slug, "pk": w["join"].pk},
    "events:register_sent": lambda w: {"slug": w["forum"].slug},
    "events:registration_cancel": lambda w: {"token": w["attendee"].token},
    "events:stand_withdraw": lambda w: {"slug": w["forum"].slug},
    "events:meetings": lambda w: {"slug": w["forum"].slug},
    "events:meeting_request": lambda w: {"slug": w["forum"].slug, "pk": 999999},
    "events:meeting_answer": lambda w: {"slug": w["forum"].slug, "pk": 999999},
    "events:meeting_cancel": lambda w: {"slug": w["forum"].slug, "pk": 999999},
    "events:meeting_move": lambda w: {"slug": w["forum"].slug, "pk": 999999},
    "events:meeting_outcome": lambda w: {"slug": w["forum"].slug, "pk": 999999},
    "events:meeting_figures": lambda w: {"slug": w["forum"].slug},
    "events:meeting_signs_pdf": lambda w: {"slug": w["forum"].slug},
    "events:meeting_lists_pdf": lambda w: {"slug": w["forum"].slug},
    "events:agenda_pack_build": lambda w: {"slug": w["forum"].slug},
    "events:agenda_pack_download": lambda w: {"slug": w["forum"].slug},
    "landing": None,
    "privacy:overview": None,
    "privacy:export": None,
    "privacy:delete": None,
    "account_login": None,
    "account_logout": None,
    "account_inactive": None,
    "account_signup": None,
    "account_reauthenticate": None,
    "account_email": None,
    "account_email_verification_sent": None,
    "account_change_password": None,
    "account_set_password": None,
    "account_reset_password": None,
    "account_confirm_login_code": None,
    "account_confirm_email": lambda w: {"key": "not-a-key"},
    "account_reset_password_from_key_done": None,
    "account_reset_password_from_key": lambda w: {"uidb36": "1", "key": "set-password"},
    "account_reset_password_done": None,
    "members:directory": None,
    "members:home": None,
    "members:profile_edit": None,
    "members:leave": None,
    "members:onboarding": None,
    "members:organisation_create": None,
    "members:invitation_detail": lambda w: {"token": w["invitation"].token},
    "members:organisation_logo": lambda w: {"name": "nope.png"},
    "members:organisation_detail": lambda w: {"slug": w["sme"].slug},
    "members:organisation_edit": lambda w: {"slug": w["sme"].slug},
    "members:competence_edit": lambda w: {"slug": w["sme"].slug},
    "members:organisation_members": lambda w: {"slug": w["sme"].slug},
    "members:membership_remove": lambda w: {"slug": w["sme"].slug, "pk": w["colleague"].pk},
    "members:membership_set_role": lambda w: {"slug": w["sme"].slug, "pk": w["colleague"].pk},
    "members:invitation_revoke": lambda w: {"slug": w["sme"].slug, "pk": w["invitation"].pk},
    "research_needs:list": None,
    "research_needs:create": None,
    "research_needs:mine": None,
    "research_needs:moderation": None,
    "research_needs:publish": lambda w: {"pk": w["submitted"].pk},
    "research_needs:request_changes": lambda w: {"pk": w["submitted"].pk},
    "research_needs:reject": lambda w: {"pk": w["submitted"].pk},
    "research_needs:detail": lambda w: {"pk": w["need"].pk},
    "research_needs:edit": lambda w: {"pk": w["draft"].pk},
    "research_needs:submit": lambda w: {"pk": w["draft"].pk},
    "research_needs:close": lambda w: {"pk": w["need"].pk},
    "research_needs:extend": lambda w: {"pk": w["need"].pk},
    "research_needs:attachment_add": lambda w: {"pk": w["draft"].pk},
    "research_needs:attachment": lambda w: {"pk": w["need"].pk, "file_pk": 999999},
    "research_needs:attachment_remove": lambda w: {"pk": w["draft"].pk, "file_pk": 999999},
    "research_needs:answer": lambda w: {"pk": w["other_need"].pk},
    "research_needs:answer_shortlist": lambda w: {"pk": w["answer"].pk},
    "research_needs:answer_accept": lambda w: {"pk": w["answer"].pk},
    "research_needs:answer_decline": lambda w: {"pk": w["answer"].pk},
    "research_needs:answer_withdraw": lambda w: {"pk": w["answer"].pk},
    "research_needs:answer_attachment_add": lambda w: {"pk": w["answer"].pk},
    "research_needs:conversation": lambda w: {"pk": w["answer"].conversation.pk},
    "research_needs:introductions": None,
    "research_needs:introduction_accept": lambda w: {"pk": w["introduction"].pk},
    "research_needs:introduction_decline": lambda w: {"pk": w["introduction"].pk},
    "research_needs:introduction_propose": lambda w: {
        "pk": w["need"].pk,
        "organisation_pk": w["answer"].organisation_id,
    },
    "events:list": None,
    "events:my_registrations": None,
    "events:feed": lambda w: {"token": w["feed"].token},
    "events:registration": lambda w: {"token": w["guest"].token},
    "events:guest_confirm": lambda w: {"token": w["guest"].token},
    "events:checkin_code": lambda w: {"code": w["attendee"].checkin_code},
    "events:detail": lambda w: {"slug": w["forum"].slug},
    "events:item": lambda w: {"slug": w["forum"].slug, "pk": w["item"].pk},
    "events:item_calendar": lambda w: {"slug": w["forum"].slug, "pk": w["item"].pk},
    "events:exhibitors": lambda w: {"slug": w["forum"].slug},
    "events:attendees": lambda w: {"slug": w["forum"].slug},
    "events:register": lambda w: {"slug": w["forum"].slug},
    "events:stand_apply": lambda w: {"slug": w["forum"].slug},
    "events:checkin": lambda w: {"slug": w["forum"].slug},
    "events:checkin_status": lambda w: {"slug": w["forum"].slug},
    "events:checkin_walk_in": lambda w: {"slug": w["forum"].slug},
    "events:programme_pdf": lambda w: {"slug": w["forum"].slug},
    "events:calendar": lambda w: {"slug": w["forum"].slug},
    "events:badges_pdf": lambda w: {"slug": w["forum"].slug},
    "events:programme": lambda w: {"slug": w["forum"].slug},
    "events:changelog": lambda w: {"slug": w["forum"].slug},
    "events:speakers": lambda w: {"slug": w["forum"].slug},
    "events:speaker": lambda w: {"slug": w["forum"].slug, "pk": w["speaker"].pk},
    "events:schedule_xml": lambda w: {"slug": w["forum"].slug},
    "events:schedule_json": lambda w: {"slug": w["forum"].slug},
    "events:agenda": lambda w: {"slug": w["forum"].slug},
    "events:agenda_pdf": lambda w: {"slug": w["forum"].slug},
    "events:agenda_guest": lambda w: {"token": w["guest"].token},
    "events:agenda_guest_pdf": lambda w: {"token": w["guest"].token},
    "events:star": lambda w: {"slug": w["forum"].slug, "pk": w["item"].pk},
    "feed_needs": None,
    "feed_events": None,
    "sitemap": None,
    "notifications:list": None,
    "notifications:read_all": None,
    "notifications:open": lambda w: {"pk": w["notification"].pk},
    "notifications:read": lambda w: {"pk": w["notification"].pk},
    "pages:detail": lambda w: {"slug": "impressum"},
}
# Files built on request (PDFs, calendars): opened for their status only.
NOT_HTML = re.compile(r"\.(pdf|ics|png|zip)$")
# Main models whose admin add and change forms the organiser fuzzes.
ADMIN_MODELS = [
    "members.organisation",
    "members.invitation",
    "members.topic",
    "research_needs.need",
    "research_needs.answer",
    "events.event",
    "events.programmeitem",
    "events.registration",
    "events.stand",
    "events.speaker",
    "events.room",
    "pages.page",
]


def _patterns(patterns=None, namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = pattern.namespace or namespace
            if pattern.namespace and namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from _patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_pattern_has_its_arguments():
    assert sorted(set(_patterns())) == sorted(ARGS)


# --- the world -------------------------------------------------------------------------


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    sme = OrganisationFactory(name="Harzer Batterierecycling GmbH", slug="harzer-batterie")
    institute = OrganisationFactory(
        name="Institut für Aufbereitung", slug="institut", kind="research"
    )
    org_admin = MembershipFactory(organisation=sme, role=Membership.Role.ADMIN).user
    member = MembershipFactory(organisation=sme, role=Membership.Role.MEMBER).user
    colleague = MembershipFactory(organisation=sme, role=Membership.Role.MEMBER)
    researcher = MembershipFactory(organisation=institute, role=Membership.Role.ADMIN).user
    need = NeedFactory(organisation=sme, created_by=org_admin, contact_person=org_admin)
    answer = AnswerFactory(need=need, organisation=institute, created_by=researcher)
    MessageFactory(conversation=answer.conversation, author=researcher)
    forum = EventFactory(two_days=True, slug="forum-2027", title="Forum", capacity=50)
    from members.models import JoinRequest
    from tests.notifications.factories import NotificationFactory

    return {
        "sme": sme,
        "pending_org": OrganisationFactory(name="Neue Recycling GmbH", status="pending"),
        "join": JoinRequest.objects.create(user=UserFactory(), organisation=sme),
        "colleague": colleague,
        "need": need,
        "other_need": NeedFactory(organisation=institute, created_by=researcher),
        "draft": NeedFactory(organisation=sme, created_by=org_admin, draft=True),
        "submitted": NeedFactory(organisation=sme, created_by=org_admin, submitted=True),
        "answer": answer,
        "introduction": Introduction.objects.create(
            need=need,
            organisation_a=sme,
            organisation_b=institute,
            reason="Beide arbeiten an Schwarzmasse.",
            proposed_by=org_admin,
        ),
        "invitation": InvitationFactory(organisation=sme),
        "forum": forum,
        "item": ProgrammeItemFactory(event=forum, track="Batterien"),
        "speaker": SpeakerFactory(event=forum),
        "guest": RegistrationFactory(event=forum, pending=True),
        "attendee": RegistrationFactory(event=forum, user=member, email=member.email),
        "stand": StandFactory(event=forum, organisation=institute),
        "feed": CalendarFeedFactory(user=member),
        "notification": NotificationFactory(recipient=member),
        "users": {
            "visitor": None,
            "member": member,
            "researcher": researcher,
            "org_admin": org_admin,
            "organiser": organiser(),
            "superuser": UserFactory(is_staff=True, is_superuser=True),
        },
    }


# --- reading forms ---------------------------------------------------------------------


class _Forms(HTMLParser):
    """Every form of a page: method, action and fields with what a browser would send
    and what it could choose from."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "multipart": "multipart" in (attrs.get("enctype") or ""),
                "fields": {},
            }
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                if name not in fields:
                    fields[name] = {"kind": "choice", "value": [], "choices": []}
                fields[name]["choices"].append(attrs.get("value") or "")
                return
            field = fields.setdefault(name, {"kind": kind, "value": [], "choices": []})
            value = attrs.get("value", "on" if kind in {"checkbox", "radio"} else "")
            if kind in {"checkbox", "radio"}:
                field["choices"].append(value)
                if "checked" in attrs:
                    field["value"].append(value)
            elif kind != "file":
                field["value"].append(value)
        elif tag == "select" and name:
            self._select = fields.setdefault(name, {"kind": "select", "value": [], "choices": []})
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select["choices"].append(value)
            if "selected" in attrs:
                self._select["value"].append(value)
        elif tag == "textarea" and name:
            self._textarea = fields.setdefault(name, {"kind": "textarea", "value": [""]})

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            if self._select and not self._select["value"] and self._select["choices"]:
                self._select["value"].append(self._select["choices"][0])
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_forms(html: str, url: str) -> list[dict]:
    reader = _Forms()
    reader.feed(html)
    for form in reader.forms:
        form["action"] = urlsplit(form["action"] or url).path or url
        # A submit button's value is what the browser sends for it: the first one.
        for field in form["fields"].values():
            if field["kind"] == "choice" and not field["value"] and field["choices"]:
                field["value"] = field["choices"][:1]
    return reader.forms


# --- bad values ------------------------------------------------------------------------

BAD_TEXT = [
    "",
    " ",
    "x" * 10_000,
    "a\x00b",
    "a\x01\x1b[31mb",
    "\x7f",
    "\u202e\u0000",
    "é" * 300,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "\ud7ff\ufeff",
]
BAD_DATES = ["2026-02-30", "31.02.2026", "9999-12-31", "0000-00-00", "-1", "2026-13-01T25:61"]
BAD_NUMBERS = ["9" * 40, "-9" * 20, "1e400", "NaN", "-0", "0x10", "2147483648", "1.5"]
BAD_CHOICES = ["__nope__", "999999999", "-1", "0"]
TEXT_KINDS = {"text", "textarea", "search", "email", "url", "tel", "password", "hidden"}


def _bad_values(field) -> list:
    kind = field["kind"]
    values = list(BAD_TEXT)
    if kind in {"date", "datetime-local", "time", "month"} or kind in TEXT_KINDS:
        values += BAD_DATES
    if kind in {"number", "range", "select", "radio", "checkbox", "hidden"} or kind in TEXT_KINDS:
        values += BAD_NUMBERS
    if kind in {"select", "radio", "checkbox", "choice"}:
        values += BAD_CHOICES
    return values


@functools.cache
def _bomb() -> bytes:
    from tests.forum.test_bad_input import pixel_png

    return pixel_png(20000, 20000).read()


def _files():
    return [
        lambda: SimpleUploadedFile("leer.pdf", b"", "application/pdf"),
        lambda: SimpleUploadedFile("x.pdf", b"<html>nope</html>", "application/pdf"),
        lambda: SimpleUploadedFile("bild.png", png_bytes(), "image/png"),
        lambda: SimpleUploadedFile("a\x00b.png", png_bytes(), "image/png"),
        lambda: SimpleUploadedFile("bild.png", b"\x89PNG\r\n\x1a\n" + b"x" * 40, "image/png"),
        lambda: SimpleUploadedFile("scan.png", _bomb(), "image/png"),
    ]


def _value(field, choice):
    """``choice`` is ("keep",) or ("bad", index) or ("twice", index)."""
    if choice[0] == "keep":
        return field["value"]
    bad = _bad_values(field)
    value = bad[choice[1] % len(bad)]
    if choice[0] == "twice":
        return [value, *field["value"], value]
    return [value]


def _payload(form, choices, files_choice=None) -> dict:
    data = {}
    for name, field in form["fields"].items():
        if field["kind"] == "file":
            if files_choice is not None:
                data[name] = _files()[files_choice % len(_files())]()
            continue
        values = _value(field, choices.get(name, ("keep",)))
        if values:
            data[name] = values if len(values) > 1 else values[0]
    return data


# --- running ---------------------------------------------------------------------------


def _short(data) -> str:
    def one(value):
        text = repr(value)
        return text if len(text) < 40 else text[:37] + "..."

    return ", ".join(f"{key}={one(value)}" for key, value in (data or {}).items())


def _cause(response) -> str:
    """The exception behind a 500 and the last line of project code it passed."""
    import traceback

    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return ""
    frames = [
        f"{frame.filename.rsplit('/', 2)[-2:]}:{frame.lineno}"
        for frame in traceback.extract_tb(exc_info[2])
        if ".venv" not in frame.filename
    ]
    return f"{exc_info[0].__name__}: {str(exc_info[1])[:200]} at {frames[-1:]}"


class Fuzzer:
    def __init__(self, user):
        self.user = user
        self.failures: list[str] = []
        self.client = Client(raise_request_exception=False)
        self.login()

    def login(self):
        if self.user is not None:
            self.user.refresh_from_db()
            if self.user.is_active:
                self.client.force_login(self.user)

    def request(self, method, url, data=None, *, client=None):
        client = client or self.client
        try:
            if method == "get":
                response = client.get(url, data or {})
            else:
                response = client.post(url, data or {})
        except Exception as exc:  # reported with the request
            self.failures.append(f"{method.upper()} {url} {data!r}: {exc!r}")
            return None
        if response.streaming:
            # Read to the end: the test client's wrapper then finishes the request without
            # closing the test's database connection (response.close() would).
            b"".join(response.streaming_content)
        if response.status_code >= 500:
            self.failures.append(
                f"{method.upper()} {url}: {response.status_code} {_cause(response)}"
                f"\n    {_short(data)}"
            )
        return response

    def fuzz_form(self, form):
        url, method = form["action"], form["method"]
        if url.endswith("/logout/"):
            return
        fields = form["fields"]
        names = sorted(name for name in fields if name != "csrfmiddlewaretoken")
        fixed = [
            dict.fromkeys(names, ("bad", 0)),  # all empty
            dict.fromkeys(names, ("bad", 2)),  # all too long
            {name: ("bad", 3 + i % 2) for i, name in enumerate(names)},  # NUL, controls
            dict.fromkeys(names, ("twice", 1)),  # repeated keys
        ]
        for choices in fixed:
            self.login()
            self.request(method, url, _payload(form, choices, files_choice=1))
        if method == "post":
            strict = Client(enforce_csrf_checks=True, raise_request_exception=False)
            if self.user is not None:
                strict.force_login(self.user)
            data = _payload(form, {})
            data.pop("csrfmiddlewaretoken", None)
            response = self.request("post", url, data, client=strict)
            if response is not None and response.status_code not in {302, 403}:
                self.failures.append(f"POST {url} without CSRF: {response.status_code}")
        if not names:
            return
        choice = st.one_of(
            st.just(("keep",)),
            st.tuples(st.sampled_from(["bad", "twice"]), st.integers(0, 60)),
        )

        @settings(
            max_examples=EXAMPLES if method == "post" else 2,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(
            st.fixed_dictionaries(dict.fromkeys(names, choice)),
            st.one_of(st.none(), st.integers(0, 10)),
        )
        def run(choices, files_choice):
            self.login()
            self.request(method, url, _payload(form, choices, files_choice))

        run()


def _urls(world):
    for name, args in ARGS.items():
        yield reverse(name, kwargs=args(world) if args else None)


def _admin_urls(world):
    from django.apps import apps

    for label in ADMIN_MODELS:
        model = apps.get_model(label)
        assert model in admin.site._registry, label
        info = (model._meta.app_label, model._meta.model_name)
        yield reverse("admin:{}_{}_add".format(*info))
        obj = model.objects.order_by("pk").first()
        if obj is not None:
            yield reverse("admin:{}_{}_change".format(*info), args=[obj.pk])


@pytest.mark.parametrize("role", ROLES)
def test_no_form_answers_5xx_to_bad_input(world, role):
    fuzzer = Fuzzer(world["users"][role])
    urls = list(_urls(world))
    if role == "organiser":
        urls += list(_admin_urls(world))
    seen = set()
    for url in urls:
        fuzzer.login()
        if NOT_HTML.search(url):
            continue  # built files, no forms: the permission tests open them
        response = fuzzer.request("get", url)
        if response is None or response.status_code != 200:
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for form in page_forms(response.content.decode(), url):
            key = (form["method"], form["action"], tuple(sorted(form["fields"])))
            if key in seen:
                continue
            seen.add(key)
            fuzzer.fuzz_form(form)

    assert not fuzzer.failures, "\n".join(fuzzer.failures[:30])
