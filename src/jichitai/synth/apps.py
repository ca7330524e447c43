from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "jichitai.synth"
    label = "synth"
    verbose_name = "合成都市"
