"""Notification backends for reminders: SMS (console by default, Twilio's Messages API) and email
(Django's email backends: console by default, SMTP from ``EMAIL_URL``), with an ``.ics`` attachment.

``SMS_BACKEND`` picks the SMS backend: ``console`` (prints the message, the default), ``locmem``
(kept in ``outbox``, for tests) or ``twilio`` (``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``,
``TWILIO_FROM_NUMBER``, else the tenant's callback number). A request that timed out after it
was sent is not repeated: the text may have gone out, and a second one would be a duplicate.

The provider facts this relies on: docs/providers.md#sms-backend.
"""

import sys
import threading
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from voice.clients.base import ProviderError
from voice.clients.http import JsonHttp


class SendError(Exception):
    pass


@dataclass
class Sms:
    to: str
    sender: str
    body: str


class ConsoleSms:
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()

    def send(self, sms: Sms) -> str:
        with self._lock:
            self.stream.write(f"SMS from {sms.sender or '-'} to {sms.to}\n{sms.body}\n{'-' * 60}\n")
            self.stream.flush()
        return f"console-{uuid.uuid4().hex[:12]}"


outbox: list[Sms] = []  # the locmem backend's messages (tests)


class LocmemSms:
    def send(self, sms: Sms) -> str:
        outbox.append(sms)
        return f"locmem-{len(outbox)}"


class TwilioSms:
    """POST /2010-04-01/Accounts/{AccountSid}/Messages.json with To, From and Body, basic auth."""

    def __init__(self, account_sid: str, auth_token: str, base_url: str = "https://api.twilio.com"):
        if not account_sid or not auth_token:
            raise SendError("Twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.")
        self.account_sid = account_sid
        self.http = JsonHttp(base_url, {}, auth=(account_sid, auth_token))

    def send(self, sms: Sms) -> str:
        if not sms.sender:
            raise SendError("No number to send from: set TWILIO_FROM_NUMBER or the business's callback number.")
        try:
            answer = self.http.request(
                "POST",
                f"/2010-04-01/Accounts/{self.account_sid}/Messages.json",
                data={"To": sms.to, "From": sms.sender, "Body": sms.body},
            )
        except ProviderError as error:
            raise SendError(f"Twilio: {error.message}") from error
        return str(answer.get("sid", ""))


def sms_backend():
    name = getattr(settings, "SMS_BACKEND", "console")
    if name == "twilio":
        return TwilioSms(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_API_BASE)
    if name == "locmem":
        return LocmemSms()
    return ConsoleSms()


def sms_sender(tenant) -> str:
    return getattr(settings, "TWILIO_FROM_NUMBER", "") or tenant.callback_phone


def email_message(to: str, subject: str, body: str, ics: bytes | None, connection) -> EmailMessage:
    message = EmailMessage(subject=subject, body=body, to=[to], connection=connection)
    if ics:
        message.attach("appointment.ics", ics, "text/calendar; method=PUBLISH")
    return message


def email_connection():
    """One connection for a batch of reminders (SMTP: one login for the lot)."""
    return get_connection(fail_silently=False)
