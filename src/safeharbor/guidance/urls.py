from django.urls import path

from safeharbor.guidance import views

app_name = "guidance"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("glossary/", views.glossary, name="glossary"),
    path("knowledge/<slug:kind>/", views.knowledge_list, name="list"),
    path("knowledge/<slug:kind>/new/", views.content_edit, name="content-new"),
    path("knowledge/<slug:kind>/<int:pk>/edit/", views.content_edit, name="content-edit"),
    path("handbook/", views.handbook, name="handbook"),
    path("handbook/<slug:key>/", views.section_detail, name="section"),
    path("handbook/<slug:key>/version/<int:version>/", views.section_detail, name="section-version"),
    path("handbook/<slug:key>/new-version/", views.section_new_version, name="section-new-version"),
    path("rules/", views.rules_page, name="rules"),
    path("indicators/<slug:code>/", views.indicator_help, name="indicator-help"),
    path("check/", views.check_page, name="check"),
    path("language-check/", views.language_check, name="language-check"),
    path("youth/<int:youth_pk>/notes/", views.notes, name="notes"),
]
