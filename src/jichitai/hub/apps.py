from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "jichitai.hub"
    label = "hub"
    verbose_name = "庁内データ連携基盤"
