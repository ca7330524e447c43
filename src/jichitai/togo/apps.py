from django.apps import AppConfig


class TogoConfig(AppConfig):
    name = "jichitai.togo"
    label = "togo"
    verbose_name = "団体内統合宛名"
