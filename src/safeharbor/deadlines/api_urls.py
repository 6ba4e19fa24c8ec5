from django.urls import path

from safeharbor.deadlines.api import DutyListApi

urlpatterns = [
    path("duties/", DutyListApi.as_view(), name="duties"),
]
