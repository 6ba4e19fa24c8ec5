from django.apps import AppConfig


class AgencyConfig(AppConfig):
    name = "safeharbor.agency"
    label = "agency"
    default_auto_field = "django.db.models.BigAutoField"
