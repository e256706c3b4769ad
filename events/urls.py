from django.urls import path

from . import (
    views,
    views_agenda,
    views_checkin,
    views_files,
    views_meetings,
    views_meetings_figures,
    views_meetings_outcomes,
    views_programme,
    views_releases,
)

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("mine/", views.my_registrations, name="my_registrations"),
    path("feeds/<str:token>.ics", views_files.feed, name="feed"),
    path("registrations/<str:token>/", views.registration_manage, name="registration"),
    path("registrations/<str:token>/confirm/", views.guest_confirm, name="guest_confirm"),
    path(
        "registrations/<str:token>/cancel/", views.registration_cancel, name="registration_cancel"
    ),
    path("registrations/<str:token>/agenda/", views_agenda.agenda_guest, name="agenda_guest"),
    path(
        "registrations/<str:token>/agenda.pdf",
        views_agenda.agenda_guest_pdf,
        name="agenda_guest_pdf",
    ),
    path("check-in/<str:code>/", views_checkin.checkin_code, name="checkin_code"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/programme/", views_programme.programme, name="programme"),
    path("<slug:slug>/programme/<int:pk>/", views.item_detail, name="item"),
    path("<slug:slug>/programme/changes/", views_releases.changelog, name="changelog"),
    path("<slug:slug>/speakers/", views_programme.speakers, name="speakers"),
    path("<slug:slug>/speakers/<int:pk>/", views_programme.speaker_detail, name="speaker"),
    path("<slug:slug>/schedule.xml", views_programme.schedule_xml, name="schedule_xml"),
    path("<slug:slug>/schedule.json", views_programme.schedule_json, name="schedule_json"),
    path(
        "<slug:slug>/programme/<int:pk>/calendar.ics",
        views_files.item_calendar,
        name="item_calendar",
    ),
    path("<slug:slug>/agenda/", views_agenda.agenda, name="agenda"),
    path("<slug:slug>/agenda.pdf", views_agenda.agenda_pdf, name="agenda_pdf"),
    path("<slug:slug>/programme/<int:pk>/star/", views_agenda.star, name="star"),
    path("<slug:slug>/exhibitors/", views.exhibitors, name="exhibitors"),
    path("<slug:slug>/attendees/", views.attendees, name="attendees"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/register/sent/", views.register_sent, name="register_sent"),
    path("<slug:slug>/stand/", views.stand_apply, name="stand_apply"),
    path("<slug:slug>/stand/withdraw/", views.stand_withdraw, name="stand_withdraw"),
    path("<slug:slug>/check-in/", views_checkin.checkin, name="checkin"),
    path("<slug:slug>/check-in/status.json", views_checkin.checkin_status, name="checkin_status"),
    path("<slug:slug>/check-in/walk-in/", views_checkin.checkin_walk_in, name="checkin_walk_in"),
    path("<slug:slug>/programme.pdf", views_files.programme_pdf, name="programme_pdf"),
    path("<slug:slug>/calendar.ics", views_files.calendar, name="calendar"),
    path("<slug:slug>/badges.pdf", views_files.badges_pdf, name="badges_pdf"),
    path("<slug:slug>/meetings/", views_meetings.meetings, name="meetings"),
    path(
        "<slug:slug>/meetings/request/<int:pk>/",
        views_meetings.meeting_request,
        name="meeting_request",
    ),
    path(
        "<slug:slug>/meetings/<int:pk>/answer/",
        views_meetings.meeting_answer,
        name="meeting_answer",
    ),
    path(
        "<slug:slug>/meetings/<int:pk>/cancel/",
        views_meetings.meeting_cancel,
        name="meeting_cancel",
    ),
    path("<slug:slug>/meetings/<int:pk>/move/", views_meetings.meeting_move, name="meeting_move"),
    path(
        "<slug:slug>/meetings/<int:pk>/outcome/",
        views_meetings_outcomes.meeting_outcome,
        name="meeting_outcome",
    ),
    path(
        "<slug:slug>/meetings/figures/",
        views_meetings_figures.meeting_figures,
        name="meeting_figures",
    ),
    path(
        "<slug:slug>/meetings/signs.pdf",
        views_meetings_figures.meeting_signs_pdf,
        name="meeting_signs_pdf",
    ),
    path(
        "<slug:slug>/meetings/lists.pdf",
        views_meetings_figures.meeting_lists_pdf,
        name="meeting_lists_pdf",
    ),
    path(
        "<slug:slug>/meetings/agendas/build/",
        views_meetings_figures.agenda_pack_build,
        name="agenda_pack_build",
    ),
    path(
        "<slug:slug>/meetings/agendas.zip",
        views_meetings_figures.agenda_pack_download,
        name="agenda_pack_download",
    ),
]
