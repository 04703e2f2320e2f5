"""The API speaks JSON whatever the client's ``Accept`` says (no 406 for ``text/html``), and skips parsing
the header for it: the answer is the same either way."""

from rest_framework.negotiation import DefaultContentNegotiation


class JSONOnly(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = renderers[0]
        return renderer, renderer.media_type
