"""Live regions (core.live): a fragment answers 200 with its ETag, or a bodiless 304 when the page already
shows exactly that HTML; the page's copy of the region carries the same ETag; read-only fields are shown as
the admin shows them."""

from html import escape

from django.template import Context, Template
from django.test import RequestFactory

from core import live

FIELDS = "admin/live_fields.html"


def fields(*pairs):
    return {"fields": [{"label": label, "text": text} for label, text in pairs]}


def test_a_fragment_carries_its_etag_and_whether_it_is_final():
    response = live.fragment(RequestFactory().get("/"), FIELDS, fields(("Status", "Queued")), final=False)
    assert response.status_code == 200
    assert response["ETag"] == live.etag(response.content.decode())
    assert response["X-Live"] == "live"
    assert live.fragment(RequestFactory().get("/"), FIELDS, fields(), final=True)["X-Live"] == "final"


def test_the_same_html_is_a_304_and_other_html_a_200():
    shown = live.fragment(RequestFactory().get("/"), FIELDS, fields(("Status", "Queued")), final=False)["ETag"]
    asked = RequestFactory().get("/", HTTP_IF_NONE_MATCH=f'"older", {shown}')
    same = live.fragment(asked, FIELDS, fields(("Status", "Queued")), final=False)
    assert same.status_code == 304 and same.content == b"" and same["ETag"] == shown
    changed = live.fragment(asked, FIELDS, fields(("Status", "Ended")), final=False)
    assert changed.status_code == 200 and changed["ETag"] != shown


def test_the_region_in_its_page_has_the_etag_of_the_fragment():
    page = Template(
        '{% load live %}<main>{% live_region "/x/live/" "admin/live_fields.html" every=5 query="days=7" %}</main>'
    ).render(Context(fields(("Status", "Queued"))))
    alone = live.fragment(RequestFactory().get("/"), FIELDS, fields(("Status", "Queued")), final=False)
    assert f'data-live-etag="{escape(alone["ETag"])}"' in page
    assert 'data-live-url="/x/live/?days=7"' in page and 'data-live-every="5"' in page
    assert "data-live-final" not in page and "/static/voice/js/live.js" in page
    assert alone.content.decode() in page
