from django.apps import AppConfig


class YouthConfig(AppConfig):
    name = "safeharbor.youth"
    label = "youth"
    default_auto_field = "django.db.models.BigAutoField"
