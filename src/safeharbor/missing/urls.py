from django.urls import path

from safeharbor.missing import views

app_name = "missing"
urlpatterns = [
    path("youth/<int:youth_pk>/report/", views.episode_report, name="report"),
    path("youth/<int:youth_pk>/episodes/", views.youth_episodes, name="youth-episodes"),
    path("episodes/<int:pk>/", views.episode_detail, name="episode"),
    path("episodes/<int:pk>/reports/", views.record_report, name="record-report"),
    path("episodes/<int:pk>/locate/", views.episode_locate, name="locate"),
    path("episodes/<int:pk>/return/", views.episode_return, name="return"),
    path("episodes/<int:pk>/debrief/", views.debrief, name="debrief"),
    path("episodes/<int:pk>/screening/", views.link_screening, name="link-screening"),
    path("episodes/<int:pk>/close/", views.episode_close, name="close"),
]
