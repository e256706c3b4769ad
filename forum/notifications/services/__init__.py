"""Every change to notifications: record, dispatch, deliver, digest, preferences, mass mail.

The flow (PRODUCT.md 3.4):

1. ``notify()`` writes a ``Notification`` in the caller's transaction and registers
   ``dispatch()`` with ``transaction.on_commit``: a rollback leaves nothing, a commit always
   leaves the row.
2. ``dispatch()`` hands ids to the broker. If the broker is down, the error is logged and the
   caller's action still succeeds; the row stays ``pending``.
3. ``notification_deliver_batch()`` (Celery) sends each notification while holding its row
   lock and only from ``pending``, so a task delivered twice sends once. A batch shares one
   SMTP connection. Errors that may pass are retried with exponential backoff; after the last
   attempt the row is ``failed``. A server unreachable twice in a row ends the batch early:
   the rest stays pending for step 4 rather than waiting out a timeout per message.
4. ``notification_dispatch_due()`` (beat) re-dispatches rows still pending a few minutes after
   they were due: a lost broker message or a killed worker delays an email, never loses it.
5. ``digest_send_all()`` (beat, daily) sends one email per user for rows waiting for the digest.

One module per concern; import from this package, which names everything other apps use:

- ``common``: settings, languages, links
- ``preferences``: how each user wants their email
- ``recording``: ``notify``, ``notify_many`` (step 1)
- ``dispatch``: handing ids to the broker (steps 2 and 4), resending failed rows
- ``queue``: the one place that queues a Celery task (by name: ``tasks`` imports the
  services, never the other way round)
- ``smtp``: the shared mail connection and what an SMTP error means
- ``rendering``: subject and email of a notification
- ``delivery``: sending under the row lock (step 3)
- ``digest``: the daily digest (step 5)
- ``retention``: deleting what is old and done with
- ``in_app``: marking read
- ``mass_mail``: one message to many people
"""

from .common import batch_size, localised_url, max_attempts, retry_delay, site_link
from .delivery import notification_deliver_batch, notification_deliver_pending
from .digest import digest_deliver, digest_recipients, digest_send_all
from .dispatch import dispatch, notification_dispatch_due, notification_resend
from .in_app import notification_mark_all_read, notification_mark_read, notification_mark_read_for
from .mass_mail import can_send_mass_mail, mass_mail_send
from .preferences import delivery_for, preferences_of, preferences_update
from .recording import Recipient, notify, notify_many
from .rendering import NotificationEmail, render_email, render_subject
from .retention import notification_purge_old
from .smtp import Mailer

__all__ = [
    "Mailer",
    "NotificationEmail",
    "Recipient",
    "batch_size",
    "can_send_mass_mail",
    "delivery_for",
    "digest_deliver",
    "digest_recipients",
    "digest_send_all",
    "dispatch",
    "localised_url",
    "mass_mail_send",
    "max_attempts",
    "notification_deliver_batch",
    "notification_deliver_pending",
    "notification_dispatch_due",
    "notification_mark_all_read",
    "notification_mark_read",
    "notification_mark_read_for",
    "notification_purge_old",
    "notification_resend",
    "notify",
    "notify_many",
    "preferences_of",
    "preferences_update",
    "render_email",
    "render_subject",
    "retry_delay",
    "site_link",
]
