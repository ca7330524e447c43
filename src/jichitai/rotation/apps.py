from django.apps import AppConfig


class RotationConfig(AppConfig):
    name = "jichitai.rotation"
    label = "rotation"
    verbose_name = "個人番号の鍵の更新"
