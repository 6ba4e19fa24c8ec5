from django.urls import path

from safeharbor.reports.api import ComplianceReportApi

urlpatterns = [
    path("reports/compliance", ComplianceReportApi.as_view(), name="reports-compliance"),
]
