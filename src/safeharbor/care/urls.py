from django.urls import path

from safeharbor.care import views

app_name = "care"
urlpatterns = [
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/new/", views.partner_create, name="partner_create"),
    path("partners/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("youth/<int:youth_id>/plan/", views.plan, name="plan"),
    path("youth/<int:youth_id>/plan/add/", views.service_add, name="service_add"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("open-needs/", views.open_needs, name="open_needs"),
]
