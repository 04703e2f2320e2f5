from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "Appointments"

    def ready(self):
        from calls.hooks import register_outcome_handler
        from leads import privacy, scoring, timeline
        from voice.prompting import register_variables
        from voice.simulation import register_slot_finder

        from . import call_hooks, lead_hooks, signals

        signals.connect()
        register_variables(call_hooks.prompt_variables)
        register_slot_finder(call_hooks.simulator_slots)
        register_outcome_handler("appointments", call_hooks.book_from_call)
        timeline.register_timeline(lead_hooks.timeline_entries)
        scoring.register_engagement(lead_hooks.engagement)
        privacy.register_export("appointments", lead_hooks.export_appointments)
        privacy.register_erasure(lead_hooks.erase_appointments)
