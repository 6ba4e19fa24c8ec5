from django.apps import AppConfig


class MdtConfig(AppConfig):
    name = "safeharbor.mdt"
    label = "mdt"
    default_auto_field = "django.db.models.BigAutoField"
