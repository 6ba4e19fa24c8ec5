from django.urls import path

from safeharbor.youth.api import YouthDetailApi, YouthListApi, YouthSearchApi

urlpatterns = [
    path("youth/", YouthListApi.as_view(), name="youth-list"),
    path("youth/search/", YouthSearchApi.as_view(), name="youth-search"),
    path("youth/<int:pk>/", YouthDetailApi.as_view(), name="youth-detail"),
]
