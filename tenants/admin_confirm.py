"""Buttons that change something: a GET shows what will happen and a POST does it.

Unfold's detail and row actions are links, so a page on another site could follow them for a signed-in
member; every action that writes answers a GET with this confirmation page instead (the test
tests/test_no_writes_on_get.py walks every admin URL to keep it so). After the POST the member goes back
to ``back_url``, a path of this site, never to a Referer.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse


def confirm_then_act(
    modeladmin,
    request,
    *,
    title: str,
    summary: str,
    button: str,
    back_url: str,
    perform: Callable[[dict], str],
    form=None,
):
    """``perform(cleaned_data)`` on a valid POST (its text becomes the success message; a ValidationError's
    messages an error), then back; otherwise the page with ``summary``, the form and one button."""
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            message = perform(form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            if message:
                messages.success(request, message)
        return redirect(back_url)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "summary": summary,
        "button": button,
        "back_url": back_url,
        "form": form,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "admin/confirm_action.html", context)
