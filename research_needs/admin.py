"""Organiser screens for research needs, answers and conversations."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Answer, Attachment, Conversation, Message, Need


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
    readonly_fields = [
        "submitted_at",
        "published_at",
        "closed_at",
        "extended_at",
        "reminder_sent_at",
        "created_at",
        "updated_at",
    ]
    inlines = [AttachmentInline]


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
    readonly_fields = ["decided_at", "created_at", "updated_at"]
    inlines = [AttachmentInline]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at"]
    search_fields = ["answer__need__title", "answer__organisation__name"]
    list_select_related = ["answer__need", "answer__organisation"]
    readonly_fields = ["answer", "created_at"]
    inlines = [MessageInline]
    verbose_name = _("conversation")
