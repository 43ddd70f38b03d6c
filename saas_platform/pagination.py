from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from tenants.links import site_origin


class StrictPageNumberPagination(PageNumberPagination):
    """``?page=`` is a whole number from 1 (or ``last``), as the schema says; anything else
    (an empty value, text) is "no such page" rather than silently the first page.

    ``next`` and ``previous`` are built on the site's configured address (tenants.links),
    not on the request's Host header, whose port the client may set to anything."""

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        valid = raw is None or raw in self.last_page_strings
        valid = valid or (raw.isascii() and raw.isdigit() and int(raw) >= 1)
        if not valid:
            raise NotFound(self.invalid_page_message.format(page_number=raw[:20], message=""))
        return super().get_page_number(request, paginator)

    def _this_page_url(self) -> str:
        return site_origin(getattr(self.request, "tenant", None)) + self.request.get_full_path()

    def get_next_link(self):
        if not self.page.has_next():
            return None
        return replace_query_param(
            self._this_page_url(), self.page_query_param, self.page.next_page_number()
        )

    def get_previous_link(self):
        if not self.page.has_previous():
            return None
        number = self.page.previous_page_number()
        if number == 1:
            return remove_query_param(self._this_page_url(), self.page_query_param)
        return replace_query_param(self._this_page_url(), self.page_query_param, number)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
