from django.utils.functional import SimpleLazyObject

from . import unread


def notifications(request):
    """The unread count for the header, queried only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread.unread_count(user))}
