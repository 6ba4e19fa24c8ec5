from django.urls import path

from safeharbor.screening import views

app_name = "screening"
urlpatterns = [
    path("youth/<int:youth_pk>/start/", views.start, name="start"),
    path("youth/<int:youth_pk>/external/", views.external, name="external"),
    path("youth/<int:youth_pk>/history/", views.history, name="history"),
    path("youth/<int:youth_pk>/victim-report/", views.victim_report, name="victim_report"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/recommend/", views.recommend, name="recommend"),
    path("<int:pk>/finalise/", views.finalise, name="finalise"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("indicators/", views.catalogue, name="catalogue"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
]
