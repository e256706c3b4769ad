"""The admin's app list, grouped by the organisers' tasks instead of Django's alphabetical
apps, and without the technical tables they never need to open.

Every model registered in the admin is named here once: in a group (in the order shown), or
in ``TECHNICAL`` (superusers only, under "Technical"). A model in neither still shows, under
"Technical", so nothing registered later disappears unseen (tests/cockpit check the list).
"""

from django.utils.translation import gettext_lazy as _

GROUPS = [
    (
        "needs",
        _("Research needs"),
        [
            "research_needs.Need",
            "research_needs.Answer",
            "research_needs.Conversation",
            "research_needs.Introduction",
        ],
    ),
    (
        "events",
        _("Events"),
        [
            "events.Event",
            "events.Registration",
            "events.Stand",
            "events.ProgrammeItem",
            "events.Speaker",
            "events.Room",
            "events.ScheduleRelease",
            "events.MeetingSettings",
            "events.MeetingSlot",
            "events.MeetingPlace",
            "events.MeetingParticipant",
            "events.MeetingRequest",
        ],
    ),
    (
        "members",
        _("Members and organisations"),
        [
            "members.Organisation",
            "members.JoinRequest",
            "members.Membership",
            "members.Invitation",
            "members.User",
        ],
    ),
    (
        "communication",
        _("Communication"),
        ["notifications.MassMail", "notifications.Notification"],
    ),
    (
        "settings",
        _("Settings, pages and records"),
        ["pages.Page", "members.Topic", "auditlog.LogEntry", "auth.Group"],
    ),
]

# Shown to superusers only. Why each is technical:
TECHNICAL = {
    "sites.Site",  # the one site record, set at installation
    "account.EmailAddress",  # allauth's copy of the login address and its verification
    "mfa.Authenticator",  # two-factor secrets; reset by a superuser only
    "members.Profile",  # a member's own settings, edited by the member
    "members.Consent",  # the consent records kept as evidence; not edited
    "events.CalendarFeed",  # secret calendar subscription links
    "socialaccount.SocialAccount",
    "socialaccount.SocialApp",
    "socialaccount.SocialToken",
}

# The outbox holds one row per mail: organisers only need the failed ones.
FILTERED = {"notifications.Notification": ("email_state__exact=failed", _("Failed emails"))}

TECHNICAL_GROUP = ("technical", _("Technical"))
