from django.urls import path

from safeharbor.youth.api import YouthDetailApi, YouthListApi

urlpatterns = [
    path("youth/", YouthListApi.as_view(), name="youth-list"),
    path("youth/<int:pk>/", YouthDetailApi.as_view(), name="youth-detail"),
]
