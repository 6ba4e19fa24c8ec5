from django.urls import path

from safeharbor.care.api import PartnerDetailApi, PartnerListApi, ServiceItemDetailApi, YouthServiceListApi

urlpatterns = [
    path("partners/", PartnerListApi.as_view(), name="care-partners"),
    path("partners/<int:pk>/", PartnerDetailApi.as_view(), name="care-partner"),
    path("youth/<int:youth_id>/services/", YouthServiceListApi.as_view(), name="care-youth-services"),
    path("services/<int:pk>/", ServiceItemDetailApi.as_view(), name="care-service"),
]
