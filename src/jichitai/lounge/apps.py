from django.apps import AppConfig


class LoungeConfig(AppConfig):
    name = "jichitai.lounge"
    label = "lounge"
    verbose_name = "データラウンジ"
