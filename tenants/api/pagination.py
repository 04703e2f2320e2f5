"""Pagination for the API: page numbers with a capped ``page_size``.

Big tables (leads, calls) use ``CappedCountPagination``: counting every match of
a filter over a million rows costs more than reading the page, so the count
stops at ``COUNT_CAP``. Past it, ``count`` is the cap, ``count_capped`` is true,
and ``next`` is given while pages are full.
"""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.response import Response

COUNT_CAP = 1_000


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class _CappedPage(Page):
    def has_next(self):
        if self.paginator.capped:
            return len(self.object_list) == self.paginator.per_page
        return super().has_next()


class CappedPaginator(Paginator):
    capped = False

    @cached_property
    def count(self):
        # values("pk"): annotations (e.g. per-row EXISTS) are not computed just to be counted
        counted = self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()
        self.capped = counted > COUNT_CAP
        return min(counted, COUNT_CAP)

    def validate_number(self, number):
        self.count  # noqa: B018  (sets .capped)
        if self.capped:
            number = int(number) if str(number).isdigit() else 0
            if number < 1:
                return super().validate_number(number)
            return number
        return super().validate_number(number)

    def _get_page(self, *args, **kwargs):
        return _CappedPage(*args, **kwargs)


class CappedCountPagination(PageNumberPagination):
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_capped": self.page.paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"True when more than {COUNT_CAP} rows match: count is then {COUNT_CAP}.",
        }
        return response
