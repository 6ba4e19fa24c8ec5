from django.urls import path

from safeharbor.webaccess import views

app_name = "webaccess"
urlpatterns = [
    path("", views.home, name="home"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("youth/<int:youth_id>/request/", views.request_create, name="request_create"),
    path("youth/<int:youth_id>/research/", views.research, name="research"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("queue/", views.queue, name="queue"),
    path("review/", views.review, name="review"),
    path("review/export.csv", views.review_export, name="review_export"),
]
