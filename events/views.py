"""Thin views of events. Stubs until filled in."""

from django.http import Http404


def _stub(*args, **kwargs):
    raise Http404


event_list = my_registrations = registration_manage = guest_confirm = checkin_code = _stub
event_detail = item_detail = exhibitors = attendees = register = stand_apply = checkin = _stub
