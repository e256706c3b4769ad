"""Notification kinds of events (owned by the documents/emails helper).

Services call these inside their transaction. Stubs until filled in."""


def register_notifications():
    pass


def guest_confirmation_requested(registration):  # -> guest: link to confirm the address
    pass


def registration_confirmed(registration):  # -> attendee: .ics attachment + check-in QR
    pass


def registration_waitlisted(registration):
    pass


def registration_promoted(registration):  # also .ics + QR
    pass


def registration_cancelled(registration):
    pass


def session_signup_changed(signup):  # workshop session: confirmed / waitlisted / promoted
    pass


def event_cancelled(event, registrations):  # -> every active registration
    pass
