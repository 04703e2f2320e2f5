"""``{% live_region url "template.html" final=… every=… %}``: a live region in its page (core.live);
``{% live_fields obj "status outcome" %}``: inside a region, the page's read-only fields it keeps current.

The region's template is rendered here with the page's context, wrapped in an element that names the URL
the script polls and the ETag of what it shows (so the first poll of an unchanged region is a 304), and
followed by the script (static/voice/js/live.js, which starts each region once however often it is loaded).
"""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core import live

register = template.Library()


@register.simple_tag(takes_context=True)
def live_region(context, url, template_name, final=False, every=3, testid="", query="", now=False):
    """``now``: the page shows a placeholder and the region's content comes with the first poll, at once."""
    region = context.template.engine.get_template(template_name)
    html = mark_safe(region.render(context).strip())  # escaped by its own template
    return format_html(
        '<div data-live-url="{}" data-live-etag="{}" data-live-every="{}"{}{}>{}</div><script src="{}" defer></script>',
        f"{url}?{query}" if query else url,
        live.etag(html),
        every,
        mark_safe(' data-live-final="1"') if final else mark_safe(' data-live-now="1"') if now else "",
        format_html(' data-testid="{}"', testid) if testid else "",
        html,
        static("voice/js/live.js"),
    )


@register.inclusion_tag("admin/live_fields.html")
def live_fields(obj, names: str):
    return {"fields": live.readonly_values(obj, names.split())}
