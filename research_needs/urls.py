from django.urls import path

from . import views

app_name = "research_needs"
urlpatterns = [
    path("", views.need_list, name="list"),
    path("new/", views.need_create, name="create"),
    path("mine/", views.mine, name="mine"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:pk>/publish/", views.moderation_publish, name="publish"),
    path(
        "moderation/<int:pk>/request-changes/",
        views.moderation_request_changes,
        name="request_changes",
    ),
    path("moderation/<int:pk>/reject/", views.moderation_reject, name="reject"),
    path("<int:pk>/", views.need_detail, name="detail"),
    path("<int:pk>/edit/", views.need_edit, name="edit"),
    path("<int:pk>/submit/", views.need_submit, name="submit"),
    path("<int:pk>/close/", views.need_close, name="close"),
    path("<int:pk>/extend/", views.need_extend, name="extend"),
    path("<int:pk>/files/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/files/<int:file_pk>/", views.attachment_download, name="attachment"),
    path(
        "<int:pk>/files/<int:file_pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("<int:pk>/answer/", views.answer_create, name="answer"),
    path("answers/<int:pk>/shortlist/", views.answer_shortlist, name="answer_shortlist"),
    path("answers/<int:pk>/accept/", views.answer_accept, name="answer_accept"),
    path("answers/<int:pk>/decline/", views.answer_decline, name="answer_decline"),
    path("answers/<int:pk>/withdraw/", views.answer_withdraw, name="answer_withdraw"),
    path("answers/<int:pk>/files/", views.answer_attachment_add, name="answer_attachment_add"),
    path("conversations/<int:pk>/", views.conversation, name="conversation"),
]
