"""A changelist paginator that says how many rows there are, without counting a million of them.

It counts at most ``CAP`` + 1 rows (``SELECT COUNT(*) FROM (… LIMIT 10001)``, a few milliseconds on an
index): up to ``CAP`` the list shows page numbers and "2,314 leads"; past it, "More than 10,000 leads" with
Previous and Next, as Unfold's infinite paginator does. Used with ``show_full_result_count = False``."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from unfold.paginator import InfinitePage

CAP = 10_000
UNBOUNDED = 9_999_999_999


class CountedPaginator(Paginator):
    capped = False
    cap_text = f"{CAP:,}"

    @cached_property
    def count(self):
        found = self.object_list.order_by().values("pk")[: CAP + 1].count()  # no sort before counting
        if found > CAP:
            self.capped = True
            return UNBOUNDED
        return found

    @property
    def template_name(self):
        return "admin/capped_pagination.html" if self.capped else None

    def _get_page(self, *args, **kwargs):
        return InfinitePage(*args, **kwargs) if self.capped else super()._get_page(*args, **kwargs)
