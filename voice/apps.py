from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "voice"
    verbose_name = "Voice agents"

    def ready(self):
        from . import signals  # noqa: F401
