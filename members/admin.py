"""Organiser screens for every members model. Organisers are staff, not superusers: they can
never grant themselves superuser status, groups or permissions here."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from forum.notifications.admin import mass_mail_action
from forum.notifications.services import can_send_mass_mail

from . import services
from .forms import RejectOrganisationForm
from .models import (
    CompetenceProfile,
    Consent,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    Profile,
    Topic,
    User,
)

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


class CompetenceProfileInline(admin.StackedInline):
    """Saved with the organisation, whose save queues the task that recomputes its row
    for the recommendations (research_needs.signals)."""

    model = CompetenceProfile
    can_delete = False
    extra = 1
    max_num = 1
    fields = [
        "competences",
        "keywords",
        "cooperation_types",
        ("trl_min", "trl_max"),
        "languages",
        "recommend",
        "updated_at",
    ]
    readonly_fields = ["updated_at"]


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


def _review_each(modeladmin, request, queryset, service, success, **kwargs) -> None:
    """Calls ``service`` for every selected organisation; one refusal (e.g. one that is not
    pending) does not stop the others."""
    done = 0
    for organisation in queryset:
        try:
            service(actor=request.user, organisation=organisation, **kwargs)
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(getattr(exc, "messages", [str(exc)]))
            modeladmin.message_user(request, f"{organisation.name}: {text}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, success(done), messages.SUCCESS)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "kind", "city", "federal_state", "size_band", "created_at"]
    list_filter = ["status", "kind", "federal_state", "size_band", "topics"]
    search_fields = ["name", "city", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["topics"]
    inlines = [CompetenceProfileInline, MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    date_hierarchy = "created_at"
    # The status changes only through the actions below, which tell the people concerned.
    readonly_fields = ["status", "reviewed_at", "reviewed_by", "review_reason"]
    actions = ["approve", "reject", "deactivate"]

    @admin.action(description=_("Approve the selected organisations"))
    def approve(self, request, queryset):
        _review_each(
            self,
            request,
            queryset,
            services.organisation_approve,
            lambda done: (
                ngettext(
                    "%(count)d organisation approved.", "%(count)d organisations approved.", done
                )
                % {"count": done}
            ),
        )

    @admin.action(description=_("Reject the selected organisations (with a reason)"))
    def reject(self, request, queryset):
        form = RejectOrganisationForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            _review_each(
                self,
                request,
                queryset,
                services.organisation_reject,
                lambda done: (
                    ngettext(
                        "%(count)d organisation rejected.",
                        "%(count)d organisations rejected.",
                        done,
                    )
                    % {"count": done}
                ),
                reason=form.cleaned_data["reason"],
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject organisations"),
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/members/organisation_reject.html", context)

    @admin.action(
        description=_("Deactivate the selected organisations (withdraws open answers and stands)")
    )
    def deactivate(self, request, queryset):
        _review_each(
            self,
            request,
            queryset.exclude(status=Organisation.Status.DEACTIVATED),
            services.organisation_deactivate,
            lambda done: (
                ngettext(
                    "%(count)d organisation deactivated.",
                    "%(count)d organisations deactivated.",
                    done,
                )
                % {"count": done}
            ),
            reason=str(_("Deactivated by an organiser.")),
        )


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    """Requests to join are decided by the organisation's admins; shown here for support."""

    list_display = ["user", "organisation", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "organisation__name"]
    list_select_related = ["user", "organisation"]
    readonly_fields = [
        "user",
        "organisation",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
    ]

    def has_add_permission(self, request):
        return False


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
