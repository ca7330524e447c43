from django.apps import AppConfig


class DrConfig(AppConfig):
    name = "jichitai.dr"
    label = "dr"
    verbose_name = "災害対策"
