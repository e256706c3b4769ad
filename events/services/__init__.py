"""Every state change of events/: registrations, seats, waiting lists, session sign-ups,
stands, check-in, the event and its programme, calendar feeds. Views, the admin, tasks and
signals change events only through these functions.

Split by subject and re-exported here, so ``from events import services`` and
``services.registration_create(...)`` work as before:

- ``seats``: taking seats and the waiting lists of events and sessions (under row locks);
- ``registrations``: registering, guest confirmation, changes, cancelling, promotion,
  check-in, organisers' corrections;
- ``programme``: the event itself (saving, cancelling, capacity), items, rooms, speakers;
- ``checkin``: undoing a check-in, walk-ins at the door;
- ``stands``: applications, decisions, withdrawal;
- ``feeds``: the personal calendar feed;
- ``agenda``: the personal agenda's stars.
"""

from ..selectors import seats_left
from .agenda import agenda_star_set, agenda_stars_erase
from .agenda_pack import agenda_pack_request  # noqa: F401 (issue 14: agendas ZIP)
from .checkin import registration_check_in_undo, registration_walk_in
from .feeds import calendar_feed_delete, calendar_feed_for, calendar_feed_renew
from .meetings import (  # noqa: F401 (issue 14: B2B meetings)
    meeting_answer,
    meeting_cancel,
    meeting_opt_in,
    meeting_place_delete,
    meeting_place_save,
    meeting_request_send,
    meeting_requests_expire,
    meeting_reschedule,
    meeting_settings_save,
    meeting_slot_delete,
    meeting_slot_save,
    meeting_slots_generate,
    meetings_erase,
)
from .meetings_batch import (  # noqa: F401 (issue 14: meetings scheduled by the organisers)
    meeting_move,
    meeting_schedule_publish,
    meeting_schedule_run,
)
from .meetings_outcomes import (  # noqa: F401 (issue 14: outcomes, morning mail)
    meeting_day_reminders_send,
    meeting_outcome_save,
    meeting_outcomes_erase,
    meetings_close_for_registration,
)
from .programme import (
    event_cancel,
    event_capacity_changed,
    event_delete,
    event_save,
    item_capacity_changed,
    programme_item_delete,
    programme_item_move,
    programme_item_save,
    room_delete,
    room_save,
    speaker_delete,
    speaker_save,
)
from .registrations import (
    guest_confirm,
    registration_add,
    registration_cancel,
    registration_check_in,
    registration_create,
    registration_delete,
    registration_save,
    registration_update,
    registrations_erase,
    registrations_promote,
)
from .stands import (
    stand_apply,
    stand_decide,
    stand_delete,
    stand_save,
    stand_withdraw,
    stands_withdraw_for_organisation,
)

__all__ = [
    "agenda_star_set",
    "agenda_stars_erase",
    "calendar_feed_delete",
    "calendar_feed_for",
    "calendar_feed_renew",
    "event_cancel",
    "event_capacity_changed",
    "event_delete",
    "event_save",
    "guest_confirm",
    "item_capacity_changed",
    "programme_item_delete",
    "programme_item_move",
    "programme_item_save",
    "registration_add",
    "registration_cancel",
    "registration_check_in",
    "registration_check_in_undo",
    "registration_create",
    "registration_delete",
    "registration_save",
    "registration_update",
    "registration_walk_in",
    "registrations_erase",
    "registrations_promote",
    "room_delete",
    "room_save",
    "seats_left",
    "speaker_delete",
    "speaker_save",
    "stand_apply",
    "stand_decide",
    "stand_delete",
    "stand_save",
    "stand_withdraw",
    "stands_withdraw_for_organisation",
]
