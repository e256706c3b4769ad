"""Organiser screens for events: the event with its rooms, speakers, programme, stands and
registrations. Every save, delete and action goes through events.services (``ServiceAdmin``
in base.py), so seats, waiting lists and emails stay right in the admin too."""

from . import event, programme, registrations, stands  # noqa: F401 (registers the admins)

# isort: off
from . import meetings  # noqa: F401 (issue 14: meeting settings, slots, places)
from . import releases  # noqa: F401 (issue 16, item 6: schedule releases)
