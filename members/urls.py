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
    path("review/", views.review, name="review"),
    path("review/<int:pk>/approve/", views.review_approve, name="review_approve"),
    path("review/<int:pk>/reject/", views.review_reject, name="review_reject"),
    path("invitations/<str:token>/", views.invitation_detail, name="invitation_detail"),
    path("logos/<str:name>", views.organisation_logo, name="organisation_logo"),
    path("<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("<slug:slug>/competences/", views.competence_edit, name="competence_edit"),
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
    path("<slug:slug>/join/", views.join_request_create, name="join_request_create"),
    path(
        "<slug:slug>/join-requests/<int:pk>/accept/",
        views.join_request_accept,
        name="join_request_accept",
    ),
    path(
        "<slug:slug>/join-requests/<int:pk>/decline/",
        views.join_request_decline,
        name="join_request_decline",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
