"""Organiser screens for research needs, answers, conversations and introductions."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .forms import CommentForm
from .models import Answer, Attachment, Conversation, Introduction, Message, Need


def _run_each(modeladmin, request, queryset, service, success, **kwargs) -> None:
    """Calls ``service`` for every selected need; reports what worked and what was refused
    (e.g. a need that is not submitted), one need's refusal not stopping the others."""
    done = 0
    for need in queryset:
        try:
            service(actor=request.user, need=need, **kwargs)
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(getattr(exc, "messages", [str(exc)]))
            modeladmin.message_user(request, f"{need.title}: {text}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, success(done), messages.SUCCESS)


def _with_comment(modeladmin, request, queryset, service, title, success):
    """The intermediate page of an action that needs a comment for the organisation."""
    form = CommentForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        _run_each(
            modeladmin,
            request,
            queryset,
            service,
            success,
            comment=form.cleaned_data["comment"],
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "form": form,
        "queryset": queryset,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/research_needs/moderation_comment.html", context)


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "visibility", "deadline", "submitted_at"]
    list_filter = ["status", "visibility", "close_reason", "language", "topics"]
    search_fields = ["title", "summary", "organisation__name"]
    date_hierarchy = "created_at"
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation", "created_by", "contact_person"]
    filter_horizontal = ["topics"]
    # The lifecycle changes only through the actions (the services), which tell the owners.
    readonly_fields = [
        "status",
        "close_reason",
        "moderation_comment",
        "submitted_at",
        "published_at",
        "closed_at",
        "extended_at",
        "reminder_sent_at",
        "created_at",
        "updated_at",
    ]
    inlines = [AttachmentInline]
    actions = ["publish", "request_changes", "reject"]

    @admin.action(description=_("Publish the selected submitted needs"), permissions=["change"])
    def publish(self, request, queryset):
        _run_each(
            self,
            request,
            queryset,
            services.need_publish,
            lambda count: (
                ngettext("%(count)d need published.", "%(count)d needs published.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Request changes to the selected needs"), permissions=["change"])
    def request_changes(self, request, queryset):
        return _with_comment(
            self,
            request,
            queryset,
            services.need_request_changes,
            _("Request changes"),
            lambda count: (
                ngettext(
                    "%(count)d need sent back for changes.",
                    "%(count)d needs sent back for changes.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Reject the selected needs"), permissions=["change"])
    def reject(self, request, queryset):
        return _with_comment(
            self,
            request,
            queryset,
            services.need_reject,
            _("Reject research needs"),
            lambda count: (
                ngettext("%(count)d need rejected.", "%(count)d needs rejected.", count)
                % {"count": count}
            ),
        )


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["created_at", "author", "author_organisation", "body", "read_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["need", "organisation", "status", "cooperation_type", "created_at"]
    list_filter = ["status", "cooperation_type"]
    search_fields = ["need__title", "organisation__name", "approach"]
    list_select_related = ["need", "organisation"]
    autocomplete_fields = ["need", "organisation", "created_by"]
    readonly_fields = ["status", "feedback", "decided_at", "created_at", "updated_at"]
    inlines = [AttachmentInline]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at"]
    search_fields = ["answer__need__title", "answer__organisation__name"]
    list_select_related = [
        "answer__need",
        "answer__organisation",
        "introduction__organisation_a",
        "introduction__organisation_b",
    ]
    readonly_fields = ["answer", "introduction", "created_at"]
    inlines = [MessageInline]


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    """Read-only: the two organisations accept or decline on their pages
    (services.introduction_accept / introduction_decline); organisers propose on a need's
    page (services.introduction_propose), so nothing changes here past the services."""

    list_display = ["__str__", "need", "status", "declined_by_side", "proposed_by", "created_at"]
    list_filter = ["status", "declined_by_side", "created_at"]
    list_select_related = ["organisation_a", "organisation_b", "need", "proposed_by"]
    search_fields = ["organisation_a__name", "organisation_b__name", "need__title", "reason"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
