from django.urls import path

from safeharbor.mdt import views

app_name = "mdt"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("calendar/", views.calendar, name="calendar"),
    path("referrals/new/<int:youth_pk>/", views.referral_new, name="referral-new"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral-detail"),
    path("referrals/<int:pk>/answer/", views.referral_answer, name="referral-answer"),
    path("referrals/<int:pk>/decide/", views.referral_decide, name="referral-decide"),
    path("referrals/<int:pk>/schedule/", views.referral_schedule, name="referral-schedule"),
    path("referrals/<int:pk>/referral.docx", views.referral_docx, name="referral-docx"),
    path("sessions/new/", views.session_add, name="session-add"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session-cancel"),
    path("sessions/<int:pk>/publish/", views.session_publish, name="session-publish"),
    path("sessions/<int:pk>/invitation.ics", views.session_ics, name="session-ics"),
    path("sessions/<int:pk>/meeting/", views.session_meeting, name="session-meeting"),
    path("sessions/<int:pk>/meeting/attendance/", views.session_attendance, name="session-attendance"),
    path("sessions/<int:pk>/meeting/youth/<int:referral_pk>/", views.session_discussion, name="session-discussion"),
    path("sessions/<int:pk>/meeting/actions/", views.session_action_add, name="session-action-add"),
    path("sessions/<int:pk>/meeting/held/", views.session_held, name="session-held"),
    path("sessions/<int:pk>/minutes/", views.session_minutes, name="session-minutes"),
    path("sessions/<int:pk>/minutes.docx", views.session_minutes_docx, name="session-minutes-docx"),
    path("sessions/<int:pk>/acknowledge/", views.session_acknowledge, name="session-acknowledge"),
    path("sessions/<int:pk>/agenda/", views.session_agenda, name="session-agenda"),
    path("sessions/<int:pk>/packet/<int:youth_pk>/", views.packet, name="packet"),
    path("my/", views.my_meetings, name="my-meetings"),
    path("actions/<int:pk>/done/", views.action_done, name="action-done"),
    path("holidays/", views.holidays, name="holidays"),
    path("holidays/<int:pk>/delete/", views.holiday_delete, name="holiday-delete"),
]
