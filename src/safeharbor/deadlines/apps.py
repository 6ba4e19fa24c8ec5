from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "safeharbor.deadlines"
    label = "deadlines"
    default_auto_field = "django.db.models.BigAutoField"
