from django.urls import path

from .views import answers, attachments, conversations, introductions, moderation, needs

app_name = "research_needs"
urlpatterns = [
    path("", needs.need_list, name="list"),
    path("new/", needs.need_create, name="create"),
    path("mine/", needs.mine, name="mine"),
    path("moderation/", moderation.moderation, name="moderation"),
    path("moderation/<int:pk>/publish/", moderation.moderation_publish, name="publish"),
    path(
        "moderation/<int:pk>/request-changes/",
        moderation.moderation_request_changes,
        name="request_changes",
    ),
    path("moderation/<int:pk>/reject/", moderation.moderation_reject, name="reject"),
    path("<int:pk>/", needs.need_detail, name="detail"),
    path("<int:pk>/edit/", needs.need_edit, name="edit"),
    path("<int:pk>/submit/", needs.need_submit, name="submit"),
    path("<int:pk>/close/", needs.need_close, name="close"),
    path("<int:pk>/extend/", needs.need_extend, name="extend"),
    path("<int:pk>/files/", attachments.attachment_add, name="attachment_add"),
    path("<int:pk>/files/<int:file_pk>/", attachments.attachment_download, name="attachment"),
    path(
        "<int:pk>/files/<int:file_pk>/remove/",
        attachments.attachment_remove,
        name="attachment_remove",
    ),
    path("<int:pk>/answer/", answers.answer_create, name="answer"),
    path("answers/<int:pk>/shortlist/", answers.answer_shortlist, name="answer_shortlist"),
    path("answers/<int:pk>/accept/", answers.answer_accept, name="answer_accept"),
    path("answers/<int:pk>/decline/", answers.answer_decline, name="answer_decline"),
    path("answers/<int:pk>/withdraw/", answers.answer_withdraw, name="answer_withdraw"),
    path(
        "answers/<int:pk>/files/",
        attachments.answer_attachment_add,
        name="answer_attachment_add",
    ),
    path("conversations/<int:pk>/", conversations.conversation, name="conversation"),
    path("introductions/", introductions.introductions, name="introductions"),
    path(
        "introductions/<int:pk>/accept/",
        introductions.introduction_accept,
        name="introduction_accept",
    ),
    path(
        "introductions/<int:pk>/decline/",
        introductions.introduction_decline,
        name="introduction_decline",
    ),
    path(
        "<int:pk>/introduce/<int:organisation_pk>/",
        introductions.introduction_propose,
        name="introduction_propose",
    ),
]
