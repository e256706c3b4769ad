"""Every state change of members/: accounts, organisations, invitations, memberships, consents.

Each service takes keyword-only arguments with an explicit actor, runs in one transaction,
calls ``full_clean()`` before saving and raises ``ValidationError`` or ``PermissionDenied``
with a translated message, so views and admin actions share one set of rules. Row locks go
through ``forum/locking.py``.

One module per area; every service is importable from here (``from members import services``):

- ``profiles``: sign-up completion, profile, consents;
- ``organisations``: creation, public data, the organisers' review, deactivation;
- ``invitations``: invite, accept, withdraw;
- ``memberships``: remove, roles, leave, account deletion (the last-admin rule);
- ``join_requests``: ask to join, accept, decline;
- ``competence``: the competence profile (issue 13) and its reminder.
"""

from .competence import competence_profile_update
from .invitations import invitation_accept, invitation_create, invitation_revoke
from .join_requests import join_request_accept, join_request_create, join_request_decline
from .memberships import (
    membership_check_not_sole_admin,
    membership_erase,
    membership_leave,
    membership_remove,
    membership_set_role,
)
from .organisations import (
    ORGANISATION_FIELDS,
    RESERVED_SLUGS,
    SLUG_ATTEMPTS,
    organisation_approve,
    organisation_create,
    organisation_deactivate,
    organisation_reject,
    organisation_slug,
    organisation_update,
)
from .profiles import (
    PROFILE_FIELDS,
    consent_is_given,
    consent_record,
    profile_update,
    user_signup_complete,
)

__all__ = [
    "ORGANISATION_FIELDS",
    "PROFILE_FIELDS",
    "RESERVED_SLUGS",
    "SLUG_ATTEMPTS",
    "competence_profile_update",
    "consent_is_given",
    "consent_record",
    "invitation_accept",
    "invitation_create",
    "invitation_revoke",
    "join_request_accept",
    "join_request_create",
    "join_request_decline",
    "membership_check_not_sole_admin",
    "membership_erase",
    "membership_leave",
    "membership_remove",
    "membership_set_role",
    "organisation_approve",
    "organisation_create",
    "organisation_deactivate",
    "organisation_reject",
    "organisation_slug",
    "organisation_update",
    "profile_update",
    "user_signup_complete",
]
