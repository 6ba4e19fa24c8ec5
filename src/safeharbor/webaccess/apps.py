from django.apps import AppConfig


class WebaccessConfig(AppConfig):
    name = "safeharbor.webaccess"
    label = "webaccess"
    default_auto_field = "django.db.models.BigAutoField"
