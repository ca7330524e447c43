from django.apps import AppConfig


class LakeConfig(AppConfig):
    name = "jichitai.lake"
    label = "lake"
    verbose_name = "分析基盤"
