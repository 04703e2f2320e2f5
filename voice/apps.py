from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "voice"
    verbose_name = "Voice agents"

    def ready(self):
        from . import receivers  # noqa: F401 (connects them)
