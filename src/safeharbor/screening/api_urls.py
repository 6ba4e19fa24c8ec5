from django.urls import path

from safeharbor.screening.api import YouthVictimReportApi

urlpatterns = [
    path("youth/<int:youth_id>/victim-report/", YouthVictimReportApi.as_view(), name="screening-victim-report"),
]
