from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("me/", views.home, name="home"),
    path("me/profile/", views.profile_edit, name="profile_edit"),
    path("me/leave/", views.leave, name="leave"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("welcome/organisation/", views.organisation_create, name="organisation_create"),
    path("invitations/<str:token>/", views.invitation_detail, name="invitation_detail"),
    path("logos/<str:name>", views.organisation_logo, name="organisation_logo"),
    path("<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("<slug:slug>/people/", views.organisation_members, name="organisation_members"),
    path(
        "<slug:slug>/people/<int:pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path(
        "<slug:slug>/people/<int:pk>/role/",
        views.membership_set_role,
        name="membership_set_role",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
