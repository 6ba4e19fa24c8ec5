from django.urls import path

from safeharbor.youth import views

app_name = "youth"
urlpatterns = [
    path("", views.youth_list, name="list"),
    path("new/", views.youth_create, name="create"),
    path("new/duplicates/", views.youth_duplicates, name="duplicates"),
    path("break-glass/", views.break_glass, name="break_glass"),
    path("<int:pk>/", views.youth_detail, name="detail"),
    path("<int:pk>/edit/", views.youth_edit, name="edit"),
    path("<int:pk>/aliases/new/", views.alias_add, name="alias_add"),
    path("<int:pk>/aliases/<int:alias_pk>/remove/", views.alias_remove, name="alias_remove"),
    path("<int:pk>/placements/new/", views.placement_add, name="placement_add"),
    path("<int:pk>/placements/<int:placement_pk>/end/", views.placement_end, name="placement_end"),
    path("<int:pk>/reassign/", views.youth_reassign, name="reassign"),
]
