"""What the knowledge room does on other rooms' events: a call's prompt gets the facts the agent may use."""

from django.dispatch import receiver

from voice.signals import prompt_variables_requested

from . import retrieval


@receiver(prompt_variables_requested, dispatch_uid="knowledge.prompt_variables")
def _prompt_variables(sender, lead, script, **kwargs):
    return retrieval.prompt_variables(lead, script)
