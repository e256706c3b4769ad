"""Demo notifications, so the personas' notification lists and the admin outbox show
something (PRODUCT.md 7). Recorded as already delivered: seeding sends no email."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from forum.notifications.models import EmailState, MassMail, Notification

from .demo import PERSONAS
from .models import Membership, User

WELCOME_DE = "Innovationsforum 2027: Programm und Anmeldung sind online"
WELCOME_EN = "Innovation Forum 2027: programme and registration are online"
BODY_DE = (
    "das Programm des zweitägigen Innovationsforums Recyclingregion Harz steht. Sie können "
    "sich ab sofort anmelden und einen Informationsstand für Ihre Organisation beantragen.\n\n"
    "Wir freuen uns auf Sie in Goslar."
)
BODY_EN = (
    "the programme of the two-day Innovation Forum Recycling Region Harz is ready. You can "
    "register now and apply for an information stand for your organisation.\n\n"
    "We look forward to seeing you in Goslar."
)


def seed(*, scale: int, stdout) -> None:
    if Notification.objects.filter(dedup_key__startswith="demo:").exists():
        stdout.write("notifications: demo notifications exist")
        return
    users = {u.email: u for u in User.objects.filter(email__in=PERSONAS.values())}
    organiser = users.get(PERSONAS["organiser"])
    now = timezone.now()
    mass_mail = MassMail.objects.create(
        subject_de=WELCOME_DE,
        body_de=BODY_DE,
        subject_en=WELCOME_EN,
        body_en=BODY_EN,
        sender=organiser,
        audience="Demo",
        created_at=now - timedelta(days=2),
    )
    rows = []
    for persona in ("sme", "researcher", "municipality", "attendee"):
        user = users.get(PERSONAS[persona])
        if user is None:
            continue
        rows.append(
            Notification(
                recipient=user,
                category="organiser_messages",
                kind="forum.mass_mail",
                context={
                    "mass_mail_id": mass_mail.pk,
                    "subject_de": WELCOME_DE,
                    "subject_en": WELCOME_EN,
                },
                language="de",
                dedup_key=f"demo:mass_mail:{persona}",
                mass_mail=mass_mail,
                created_at=mass_mail.created_at,
                email_state=EmailState.SENT,
                email_attempts=1,
                email_sent_at=mass_mail.created_at,
                subject=WELCOME_DE,
                read_at=mass_mail.created_at + timedelta(hours=3)
                if persona == "researcher"
                else None,
            )
        )
    sme = users.get(PERSONAS["sme"])
    membership = Membership.objects.filter(user=sme).select_related("organisation").first()
    colleague = (
        Membership.objects.filter(organisation=membership.organisation)
        .exclude(user=sme)
        .select_related("user")
        .first()
        if membership
        else None
    )
    if colleague is not None:
        rows.append(
            Notification(
                recipient=sme,
                category="organisation",
                kind="members.member_joined",
                context={
                    "member_name": str(colleague.user),
                    "organisation_name": membership.organisation.name,
                    "url": reverse(
                        "members:organisation_members", args=[membership.organisation.slug]
                    ),
                },
                language="de",
                dedup_key="demo:member_joined:sme",
                created_at=now - timedelta(hours=5),
                email_state=EmailState.SENT,
                email_attempts=1,
                email_sent_at=now - timedelta(hours=5),
            )
        )
    Notification.objects.bulk_create(rows)
    mass_mail.recipient_count = sum(1 for row in rows if row.mass_mail_id)
    mass_mail.save(update_fields=["recipient_count"])
    stdout.write(f"notifications: {len(rows)} demo notifications")
