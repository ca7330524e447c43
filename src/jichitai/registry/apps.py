from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "jichitai.registry"
    label = "registry"
    verbose_name = "住民記録"
