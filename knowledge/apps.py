from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = "Knowledge base"

    def ready(self):
        from voice.prompting import register_variables

        from . import retrieval

        register_variables(retrieval.prompt_variables)
