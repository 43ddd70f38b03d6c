from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class StrictPageNumberPagination(PageNumberPagination):
    """``?page=`` is a whole number from 1 (or ``last``), as the schema says; anything else
    (an empty value, text) is "no such page" rather than silently the first page."""

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        valid = raw is None or raw in self.last_page_strings
        valid = valid or (raw.isascii() and raw.isdigit() and int(raw) >= 1)
        if not valid:
            raise NotFound(self.invalid_page_message.format(page_number=raw[:20], message=""))
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
