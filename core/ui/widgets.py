"""Form widgets shared by every module."""

from django import forms
from django.utils.translation import gettext as _


class SearchSelect(forms.Select):
    """A select filled as the user types, from a JSON endpoint (``url``) that answers
    ``?q=`` with ``{"results": [{"value": …, "text": …}]}`` scoped to the user.

    Only the chosen option is rendered: a Pemda has thousands of units and positions,
    tens of thousands of employees. static/js/sinergi.js turns it into a Tom Select box.
    """

    def __init__(self, *, url, attrs=None):
        super().__init__(attrs)
        self.url = url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-search-url"] = str(self.url)
        context["widget"]["attrs"]["data-placeholder"] = _("Type to search…")
        context["widget"]["attrs"]["data-no-results"] = _("Nothing found")
        return context

    def optgroups(self, name, value, attrs=None):
        chosen = [str(v) for v in value if v not in (None, "")]
        options = [self.create_option(name, "", "", not chosen, 0)]
        queryset = getattr(self.choices, "queryset", None)
        field = getattr(self.choices, "field", None)
        if chosen and queryset is not None:
            key = field.to_field_name or "pk"
            for index, obj in enumerate(queryset.filter(**{f"{key}__in": chosen})[:10], 1):
                options.append(
                    self.create_option(
                        name,
                        field.prepare_value(obj),
                        field.label_from_instance(obj),
                        True,
                        index,
                    )
                )
            known = {str(option["value"]) for option in options}
            for index, raw in enumerate(chosen, len(options)):
                if raw not in known:  # a value that matched nothing: keep it visible
                    options.append(self.create_option(name, raw, raw, True, index))
        return [(None, options, 0)]
