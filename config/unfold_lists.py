"""One fix to Unfold's change lists, applied when the admin starts (config.apps).

Unfold (0.91) builds a list's column headers again for every cell's label, rendering the "select all"
checkbox widget each time: on a page of 50 leads that is 550 header builds and about half the page's server
time. The headers of one list page never change while it renders, so they are built once per page here.
tests/tenants/test_list_speed.py counts the builds; drop this module when Unfold builds them once itself."""

from unfold.templatetags import unfold_list

_build_headers = unfold_list.result_headers


def result_headers_once(cl):
    headers = getattr(cl, "_voicecrm_headers", None)
    if headers is None:
        headers = cl._voicecrm_headers = list(_build_headers(cl))
    return iter(headers)


def apply() -> None:
    unfold_list.result_headers = result_headers_once
