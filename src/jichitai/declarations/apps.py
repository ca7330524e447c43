from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "jichitai.declarations"
    label = "declarations"
    verbose_name = "市民税・県民税申告"
