"""Appointments, availability and reminders; free slots; booking without double booking."""
