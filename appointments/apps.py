from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "Appointments"

    def ready(self):
        from calls.hooks import register_outcome_handler
        from voice.prompting import register_variables
        from voice.simulation import register_slot_finder

        from . import call_hooks, receivers, signals  # noqa: F401  (receivers connects them)

        signals.connect()
        register_variables(call_hooks.prompt_variables)
        register_slot_finder(call_hooks.simulator_slots)
        register_outcome_handler("appointments", call_hooks.book_from_call)
