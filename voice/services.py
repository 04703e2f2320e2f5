"""Domain operations of the voice room: the simulator account every tenant gets, scripts, connection checks."""

import secrets

from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils import timezone

from tenants import audit

from . import crypto
from .clients import ProviderError, for_account
from .models import AccountHealth, Provider, ProviderAccount, Script, VoiceAgent


def ensure_simulator(tenant) -> ProviderAccount:
    """Every tenant has a simulator account (and agent), so "Call now" works before any provider is set up."""
    account = ProviderAccount.objects.filter(provider=Provider.SIMULATOR).first()
    if account is None:
        account = ProviderAccount.objects.create(
            provider=Provider.SIMULATOR,
            label="Simulator",
            api_key=secrets.token_urlsafe(32),
            webhook_secret=secrets.token_urlsafe(32),
            caller_numbers=[tenant.callback_phone] if tenant.callback_phone else [],
            concurrency_limit=20,
        )
        VoiceAgent.objects.create(
            name="Simulated agent",
            account=account,
            system_prompt="You are a friendly, brief assistant for {business_name}. Never pressure anyone.",
        )
    return account


@transaction.atomic
def duplicate_script(script: Script, *, actor=None) -> Script:
    """A new version of a script to edit safely: inactive until someone switches it on."""
    latest = Script.objects.filter(name=script.name).order_by("-version").first()
    copy = Script.objects.create(
        name=script.name,
        purpose=script.purpose,
        is_marketing=script.is_marketing,
        opening_line=script.opening_line,
        prompt_template=script.prompt_template,
        collect=list(script.collect),
        version=(latest.version if latest else script.version) + 1,
        is_active=False,
    )
    audit.record("script.duplicated", copy, changes={"from": script.pk})
    return copy


def test_connection(account: ProviderAccount) -> tuple[bool, str]:
    """Ask the provider's cheapest read endpoint; record the account's health."""
    try:
        message = for_account(account).test_connection()
        ok, health = True, AccountHealth.OK
    except ProviderError as error:
        message, ok = error.message, False
        health = {
            "bad_credentials": AccountHealth.BAD_CREDENTIALS,
            "out_of_funds": AccountHealth.OUT_OF_FUNDS,
        }.get(error.category, AccountHealth.PROVIDER_DOWN)
    ProviderAccount.objects.filter(pk=account.pk).update(
        health=health, health_message=message[:500], health_checked_at=timezone.now()
    )
    return ok, message


def _stored(name: str) -> Cast:
    """A column as stored (still encrypted): read as plain text, the field does not decrypt it."""
    return Cast(name, output_field=models.TextField())


def rotate_secrets() -> tuple[int, list[int]]:
    """Re-encrypt every stored secret with the first key of FIELD_ENCRYPTION_KEYS: (accounts rotated, ids of
    accounts with a secret no key decrypts, left as they are for a person to enter again)."""
    rotated, unreadable = 0, []
    stored = ProviderAccount.all_tenants.values_list("pk", _stored("api_key"), _stored("webhook_secret"))
    for pk, *secrets_ in stored.iterator():
        try:
            api_key, webhook_secret = (crypto.decrypt(value) if value else value for value in secrets_)
        except crypto.Unreadable:
            unreadable.append(pk)
            continue
        # The field encrypts with the first key on the way in.
        ProviderAccount.all_tenants.filter(pk=pk).update(api_key=api_key, webhook_secret=webhook_secret)
        rotated += 1
    return rotated, unreadable
