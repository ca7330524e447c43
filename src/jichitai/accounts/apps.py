from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jichitai.accounts"
    label = "accounts"
    verbose_name = "職員・課・役割"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from jichitai.accounts import policy  # noqa: F401 - the foundation's actions

        autodiscover_modules("policy")
        autodiscover_modules("navigation_entries")
