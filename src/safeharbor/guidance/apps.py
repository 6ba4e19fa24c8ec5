from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "safeharbor.guidance"
    label = "guidance"
    default_auto_field = "django.db.models.BigAutoField"
