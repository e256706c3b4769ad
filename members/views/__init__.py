"""Thin views: parse, check permission (404 for what a user may not see), call a selector or
a service through ``forum.shortcuts.run_service``, render. Invalid forms answer 400 with the
user's input kept.

One module per area; every view is importable from here (``members/urls.py``):

- ``organisations``: the directory, an organisation's page, logo and edit form;
- ``people``: an organisation's people page for its admins;
- ``account``: the user's own dashboard, profile and leaving;
- ``joining``: onboarding, founding, asking to join, accepting an invitation;
- ``review``: the organisers' review of new organisations.
"""

from .account import home, leave, profile_edit
from .joining import invitation_detail, join_request_create, onboarding, organisation_create
from .organisations import (
    competence_edit,
    directory,
    organisation_detail,
    organisation_edit,
    organisation_logo,
)
from .people import (
    invitation_revoke,
    join_request_accept,
    join_request_decline,
    membership_remove,
    membership_set_role,
    organisation_members,
)
from .review import review, review_approve, review_reject

__all__ = [
    "competence_edit",
    "directory",
    "home",
    "invitation_detail",
    "invitation_revoke",
    "join_request_accept",
    "join_request_create",
    "join_request_decline",
    "leave",
    "membership_remove",
    "membership_set_role",
    "onboarding",
    "organisation_create",
    "organisation_detail",
    "organisation_edit",
    "organisation_logo",
    "organisation_members",
    "profile_edit",
    "review",
    "review_approve",
    "review_reject",
]
