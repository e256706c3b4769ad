"""Organiser screens for every members model. Organisers are staff, not superusers: they can
never grant themselves superuser status, groups or permissions here."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from forum.notifications.admin import mass_mail_action
from forum.notifications.services import can_send_mass_mail

from . import services
from .models import Consent, Invitation, Membership, Organisation, Profile, Topic, User

ESCALATION_FIELDS = ("is_superuser", "groups", "user_permissions")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0
    filter_horizontal = ["topics"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "date_joined"]
    search_fields = ["email", "first_name", "last_name", "memberships__organisation__name"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [ProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    actions = ["write_email"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not can_send_mass_mail(request.user):
            actions.pop("write_email", None)
        return actions

    @admin.action(description=_("Write an email to the selected people"))
    def write_email(self, request, queryset):
        return mass_mail_action(
            self,
            request,
            queryset,
            recipients=lambda selected: selected.filter(is_active=True).select_related("profile"),
            audience=str(_("Selected users")),
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [field for field in ESCALATION_FIELDS if field not in fields]
        return fields

    def has_change_permission(self, request, obj=None):
        # Only superusers may edit a superuser: an organiser could otherwise take over the
        # account by changing its email or password.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_de", "name_en", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name_de", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "federal_state", "size_band", "created_at"]
    list_filter = ["kind", "federal_state", "size_band", "topics"]
    search_fields = ["name", "city", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["topics"]
    inlines = [MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    date_hierarchy = "created_at"


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "state", "created_at", "expires_at"]
    list_filter = [
        ("accepted_at", admin.EmptyFieldListFilter),
        ("revoked_at", admin.EmptyFieldListFilter),
        "role",
        "expires_at",
    ]
    search_fields = ["email", "organisation__name"]
    autocomplete_fields = ["organisation", "invited_by"]
    readonly_fields = ["token", "created_at", "accepted_at", "accepted_by", "revoked_at"]
    list_select_related = ["organisation"]
    actions = ["revoke"]

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.accepted_at:
            return _("accepted")
        if obj.revoked_at:
            return _("withdrawn")
        if obj.is_expired:
            return _("expired")
        return _("open")

    @admin.action(description=_("Withdraw the selected invitations"))
    def revoke(self, request, queryset):
        done = 0
        for invitation in queryset.select_related("organisation"):
            try:
                services.invitation_revoke(actor=request.user, invitation=invitation)
            except ValidationError as exc:
                self.message_user(
                    request, f"{invitation.email}: {' '.join(exc.messages)}", messages.WARNING
                )
            except PermissionDenied as exc:
                self.message_user(request, f"{invitation.email}: {exc}", messages.WARNING)
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d invitation withdrawn.", "%(count)d invitations withdrawn.", done)
            % {"count": done},
            messages.SUCCESS,
        )


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "position", "preferred_language"]
    list_filter = ["preferred_language", "topics"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "position"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["topics"]
    list_select_related = ["user"]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """Consents are evidence: shown, never changed."""

    list_display = ["user", "kind", "given", "recorded_at", "context"]
    list_filter = ["kind", "given", "recorded_at"]
    search_fields = ["user__email", "context"]
    list_select_related = ["user"]
    readonly_fields = ["user", "kind", "given", "recorded_at", "context"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
