from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "safeharbor.missing"
    label = "missing"
    default_auto_field = "django.db.models.BigAutoField"
