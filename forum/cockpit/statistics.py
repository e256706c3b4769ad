"""The figures a cluster reports to its funders, for a year or one quarter of it (issue 15).

Definitions (each has a test counting by hand on a fixture, tests/cockpit/test_statistics.py):

- members: approved organisations registered before the period ends, by kind, federal state
  and size; "new": those registered within the period. The mix groups the kinds into
  industry (companies), research, public bodies and others, with their shares in per cent.
- needs published: needs published within the period; answered: those of them with at least
  one answer (at any time); median days to the first answer: over the answered ones, from
  publication to the first answer; cooperations formed: answers accepted within the period.
- introductions (leads, issue 13): proposed within the period; accepted by both: those whose
  second side accepted within the period (whenever they were proposed).
- events: published events starting within the period; registrations: confirmed ones of those
  events, by the kind of the registrant's organisation ("none" for people without one);
  check-ins: those checked in; no-shows: confirmed, not checked in, event already over.

Figures only: nothing here names a person or an organisation.
"""

import statistics as pystatistics
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models import Count, Min, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

BERLIN = ZoneInfo("Europe/Berlin")
NO_ORGANISATION = "none"
# Kinds of organisation grouped into the mix funders ask about.
MIX = [
    ("industry", _("Industry"), ["company"]),
    ("research", _("Research"), ["research"]),
    ("public", _("Public bodies"), ["public"]),
    ("other", pgettext_lazy("organisation mix", "Other"), ["association"]),
]


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None

    @property
    def start(self) -> datetime:
        month = 1 if self.quarter is None else 3 * (self.quarter - 1) + 1
        return datetime(self.year, month, 1, tzinfo=BERLIN)

    @property
    def end(self) -> datetime:
        if self.quarter is None or self.quarter == 4:
            return datetime(self.year + 1, 1, 1, tzinfo=BERLIN)
        return datetime(self.year, 3 * self.quarter + 1, 1, tzinfo=BERLIN)

    @property
    def label(self) -> str:
        return str(self.year) if self.quarter is None else f"{self.year} Q{self.quarter}"

    @property
    def slug(self) -> str:
        return str(self.year) if self.quarter is None else f"{self.year}-q{self.quarter}"


def one_decimal(value: float) -> float:
    """Rounded half up, as people round by hand (``round`` gives 4.2 for 4.25)."""
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _choices(model, field):
    return [(code, label) for code, label in model._meta.get_field(field).choices]


def members(period: Period) -> dict:
    Organisation = apps.get_model("members", "Organisation")
    rows = (
        Organisation.objects.filter(status="approved", created_at__lt=period.end)
        .values("kind", "federal_state", "size_band")
        .annotate(
            count=Count("pk"),
            new=Count("pk", filter=Q(created_at__gte=period.start)),
        )
        .order_by()
    )
    by = {"kind": {}, "federal_state": {}, "size_band": {}}
    total = new = 0
    for row in rows:
        total += row["count"]
        new += row["new"]
        for field, counts in by.items():
            counts[row[field]] = counts.get(row[field], 0) + row["count"]
    by_kind = [
        (code, label, by["kind"].get(code, 0)) for code, label in _choices(Organisation, "kind")
    ]
    kind_counts = {code: count for code, _label, count in by_kind}
    mix = []
    for key, label, kinds in MIX:
        count = sum(kind_counts.get(kind, 0) for kind in kinds)
        mix.append((key, label, count, one_decimal(100 * count / total) if total else 0.0))
    return {
        "total": total,
        "new": new,
        "by_kind": by_kind,
        "by_federal_state": [
            (code, label, by["federal_state"].get(code, 0))
            for code, label in _choices(Organisation, "federal_state")
        ],
        "by_size": [
            (code, label, by["size_band"].get(code, 0))
            for code, label in _choices(Organisation, "size_band")
        ],
        "mix": mix,
    }


def needs(period: Period) -> dict:
    Need = apps.get_model("research_needs", "Need")
    Answer = apps.get_model("research_needs", "Answer")
    published = list(
        Need.objects.filter(published_at__gte=period.start, published_at__lt=period.end)
        .annotate(first_answer=Min("answers__created_at"))
        .values_list("published_at", "first_answer")
    )
    waits = [
        max((first - published_at).total_seconds(), 0) / 86400
        for published_at, first in published
        if first is not None
    ]
    Introduction = apps.get_model("research_needs", "Introduction")
    leads = Introduction.objects.annotate(
        both_at=Greatest("a_accepted_at", "b_accepted_at")
    ).aggregate(
        proposed=Count("pk", filter=Q(created_at__gte=period.start, created_at__lt=period.end)),
        accepted=Count(
            "pk",
            filter=Q(status="accepted", both_at__gte=period.start, both_at__lt=period.end),
        ),
    )
    return {
        "introductions_proposed": leads["proposed"],
        "introductions_accepted": leads["accepted"],
        "published": len(published),
        "answered": len(waits),
        "median_days": one_decimal(pystatistics.median(waits)) if waits else None,
        "cooperations": Answer.objects.filter(
            status="accepted", decided_at__gte=period.start, decided_at__lt=period.end
        ).count(),
    }


def events(period: Period, now) -> dict:
    Event = apps.get_model("events", "Event")
    Registration = apps.get_model("events", "Registration")
    Organisation = apps.get_model("members", "Organisation")
    in_period = Q(
        event__status="published",
        event__starts_at__gte=period.start,
        event__starts_at__lt=period.end,
    )
    rows = (
        Registration.objects.filter(in_period, status="confirmed")
        .values("organisation__kind")
        .annotate(
            registrations=Count("pk"),
            check_ins=Count("pk", filter=Q(checked_in_at__isnull=False)),
            no_shows=Count("pk", filter=Q(checked_in_at__isnull=True, event__ends_at__lt=now)),
        )
        .order_by()
    )
    counted = {(row["organisation__kind"] or NO_ORGANISATION): row for row in rows}
    kinds = [*_choices(Organisation, "kind"), (NO_ORGANISATION, _("No organisation"))]
    by_kind = []
    for code, label in kinds:
        row = counted.get(code, {})
        by_kind.append(
            (
                code,
                label,
                row.get("registrations", 0),
                row.get("check_ins", 0),
                row.get("no_shows", 0),
            )
        )
    return {
        "events": Event.objects.filter(
            status="published", starts_at__gte=period.start, starts_at__lt=period.end
        ).count(),
        "registrations": sum(row[2] for row in by_kind),
        "check_ins": sum(row[3] for row in by_kind),
        "no_shows": sum(row[4] for row in by_kind),
        "by_kind": by_kind,
    }


def _rate(part: int, whole: int) -> float | None:
    return one_decimal(100 * part / whole) if whole else None


def meetings(period: Period) -> dict:
    """B2B meetings (issue 14) of published events starting within the period: participants
    opted in; requests; acceptance rate (accepted of accepted + declined, per cent); meetings
    (accepted with a slot) and meetings per participant (each meeting counts for both sides);
    held and no-show among meetings with at least one side's answer (a no-show when either
    side reported one), with their rates; answers "useful" yes and no."""
    MeetingParticipant = apps.get_model("events", "MeetingParticipant")
    MeetingRequest = apps.get_model("events", "MeetingRequest")
    MeetingOutcome = apps.get_model("events", "MeetingOutcome")
    in_period = Q(
        event__status="published",
        event__starts_at__gte=period.start,
        event__starts_at__lt=period.end,
    )
    participants = MeetingParticipant.objects.filter(in_period).count()
    requests = MeetingRequest.objects.filter(in_period).aggregate(
        total=Count("pk"),
        accepted=Count("pk", filter=Q(status="accepted")),
        declined=Count("pk", filter=Q(status="declined")),
        scheduled=Count("pk", filter=Q(status="accepted", slot__isnull=False)),
    )
    reported = (
        MeetingRequest.objects.filter(in_period, status="accepted", slot__isnull=False)
        .annotate(
            answers=Count("outcomes"),
            no_shows=Count("outcomes", filter=Q(outcomes__outcome="no_show")),
        )
        .filter(answers__gt=0)
        .aggregate(reported=Count("pk"), no_show=Count("pk", filter=Q(no_shows__gt=0)))
    )
    useful = MeetingOutcome.objects.filter(
        request__event__status="published",
        request__event__starts_at__gte=period.start,
        request__event__starts_at__lt=period.end,
    ).aggregate(yes=Count("pk", filter=Q(useful=True)), no=Count("pk", filter=Q(useful=False)))
    answered = requests["accepted"] + requests["declined"]
    held = reported["reported"] - reported["no_show"]
    return {
        "participants": participants,
        "requests": requests["total"],
        "acceptance_rate": _rate(requests["accepted"], answered),
        "meetings": requests["scheduled"],
        "per_participant": one_decimal(2 * requests["scheduled"] / participants)
        if participants
        else None,
        "held": held,
        "no_show": reported["no_show"],
        "held_rate": _rate(held, reported["reported"]),
        "no_show_rate": _rate(reported["no_show"], reported["reported"]),
        "useful_yes": useful["yes"],
        "useful_no": useful["no"],
    }


def figures(period: Period, now=None) -> dict:
    now = now or timezone.now()
    return {
        "period": period,
        "members": members(period),
        "needs": needs(period),
        "events": events(period, now),
        "meetings": meetings(period),
    }


def rows(data: dict) -> list[tuple[str, str, int | float | None]]:
    """The figures as (section, figure, value) rows, for the exports."""
    period = data["period"]
    members_, needs_, events_ = data["members"], data["needs"], data["events"]
    section = str(_("Members"))
    out = [(str(_("Period")), str(_("Year")), period.year)]
    if period.quarter:
        out.append((str(_("Period")), str(_("Quarter")), period.quarter))
    out += [
        (section, str(_("Member organisations")), members_["total"]),
        (section, str(_("New member organisations")), members_["new"]),
    ]
    section = str(_("Members by kind"))
    out += [(section, str(label), count) for _code, label, count in members_["by_kind"]]
    section = str(_("Members by federal state"))
    out += [(section, str(label), count) for _code, label, count in members_["by_federal_state"]]
    section = str(_("Members by size"))
    out += [(section, str(label), count) for _code, label, count in members_["by_size"]]
    section = str(_("Mix of members"))
    for _key, label, count, share in members_["mix"]:
        out.append((section, str(label), count))
        out.append((section, str(_("%(group)s, share in per cent") % {"group": label}), share))
    section = str(_("Research needs"))
    out += [
        (section, str(_("Needs published")), needs_["published"]),
        (section, str(_("Needs answered")), needs_["answered"]),
        (section, str(_("Median days to the first answer")), needs_["median_days"]),
        (section, str(_("Cooperations formed")), needs_["cooperations"]),
        (section, str(_("Introductions proposed")), needs_["introductions_proposed"]),
        (section, str(_("Introductions accepted by both")), needs_["introductions_accepted"]),
    ]
    section = str(_("Events"))
    out += [
        (section, str(_("Events")), events_["events"]),
        (section, str(_("Registrations")), events_["registrations"]),
        (section, str(_("Check-ins")), events_["check_ins"]),
        (section, str(_("No-shows")), events_["no_shows"]),
    ]
    for _code, label, registrations, check_ins, no_shows in events_["by_kind"]:
        section = str(_("Events: %(kind)s") % {"kind": label})
        out += [
            (section, str(_("Registrations")), registrations),
            (section, str(_("Check-ins")), check_ins),
            (section, str(_("No-shows")), no_shows),
        ]
    out += [(str(_("B2B meetings")), str(label), value) for label, value in meeting_rows(data)]
    return out


#: The ids of the meeting figures on the page (``stat-meetings-<key>``), in row order.
MEETING_KEYS = [
    "participants",
    "requests",
    "acceptance-rate",
    "meetings",
    "per-participant",
    "held",
    "no-show",
    "held-rate",
    "no-show-rate",
    "useful-yes",
    "useful-no",
]


def meeting_rows(data: dict) -> list[tuple]:
    """The meeting figures as (label, value), for the page and the exports."""
    meetings_ = data["meetings"]
    return [
        (_("Participants opted in"), meetings_["participants"]),
        (_("Meeting requests"), meetings_["requests"]),
        (_("Acceptance rate in per cent"), meetings_["acceptance_rate"]),
        (_("Meetings scheduled"), meetings_["meetings"]),
        (_("Meetings per participant"), meetings_["per_participant"]),
        (_("Meetings held"), meetings_["held"]),
        (_("Meetings with a no-show"), meetings_["no_show"]),
        (_("Held rate in per cent"), meetings_["held_rate"]),
        (_("No-show rate in per cent"), meetings_["no_show_rate"]),
        (_('Answers "useful"'), meetings_["useful_yes"]),
        (_('Answers "not useful"'), meetings_["useful_no"]),
    ]
