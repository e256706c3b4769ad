"""In-app notifications: the list, opening one, marking read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import registry, selectors, services
from .models import Notification

PAGE_SIZE = 20


def _own(request, pk) -> Notification:
    notification = get_object_or_404(Notification, pk=pk, in_app=True)
    if notification.recipient_id != request.user.pk:
        raise Http404
    return notification


@login_required
@require_http_methods(["GET", "HEAD"])
def notification_list(request):
    page = Paginator(selectors.notifications_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    language = get_language()
    items = [
        {
            "notification": n,
            "subject": services.render_subject(n),
            "url": services.localised_url(n.url, language),
            "category": registry.category_label(n.category),
        }
        for n in page.object_list
    ]
    return TemplateResponse(
        request,
        "notifications/notification_list.html",
        {"page_obj": page, "items": items, "unread": selectors.unread_count(request.user)},
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def notification_open(request, pk):
    """Marks the notification read and goes where it points (the list if nowhere)."""
    notification = _own(request, pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    target = services.localised_url(notification.url, get_language())
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notifications:list")


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # Not redirect(): it would read "next=home" as a view name and fail to reverse it.
        return HttpResponseRedirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request, pk):
    notification = _own(request, pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    return _back(request)


@login_required
@require_POST
def notification_read_all(request):
    count = services.notification_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return _back(request)
