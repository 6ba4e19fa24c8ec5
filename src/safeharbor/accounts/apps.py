from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safeharbor.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from safeharbor.accounts import (
            sessions,  # noqa: F401 - session tracking and kill on disable
            signals,  # noqa: F401
        )
