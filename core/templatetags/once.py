"""``{% once_token %}``: a form's token for core.once, rendered by the server so the form is sent once even
without the page's script (which adds one to any form that has none)."""

import uuid

from django import template
from django.utils.html import format_html

from core.once import FIELD

register = template.Library()


@register.simple_tag
def once_token():
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)
