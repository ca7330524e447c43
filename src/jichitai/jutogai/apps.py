from django.apps import AppConfig


class JutogaiConfig(AppConfig):
    name = "jichitai.jutogai"
    label = "jutogai"
    verbose_name = "住登外者宛名番号管理"
