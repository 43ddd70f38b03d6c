"""Forms of the attendance and calendar pages. They only parse what was typed or picked;
core.activity.attendance and core.activity.calendar decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.activity.calendar import NAME_MAX
from core.activity.models import HolidayKind
from core.activity.rules import AttendanceStatus
from core.org.forms import UNIT_MISSING, CodeChoiceField
from core.org.models import Unit

ROWS_MAX = 500  # rows one save may carry (a page shows fewer)


class DayPickForm(forms.Form):
    """Which unit and which day the page shows (GET)."""

    unit = CodeChoiceField(
        Unit.objects.all(), lookup="units", missing=UNIT_MISSING, label=_("Unit")
    )
    tanggal = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    bawah = forms.BooleanField(label=_("With the units below it"), required=False)


class DayGridForm(forms.Form):
    """The rows of the page as typed: ``s-<employee id>`` (status) and ``h-<employee id>``
    (hours present) for each id in ``ids``; ``fill`` gives the rows left without a status
    one (an empty status otherwise removes that day's record)."""

    ids = forms.CharField(widget=forms.HiddenInput)
    fill = forms.ChoiceField(
        label=_("Rows without a status"),
        required=False,
        choices=[("", _("stay without a record")), *AttendanceStatus.choices],
    )

    def clean_ids(self) -> list[int]:
        raw = [part for part in self.cleaned_data["ids"].split(",") if part.strip()]
        try:
            ids = [int(part) for part in raw]
        except ValueError:
            raise forms.ValidationError(_("The page was not sent whole; open it again.")) from None
        if not ids or len(ids) > ROWS_MAX:
            raise forms.ValidationError(_("The page was not sent whole; open it again."))
        return ids

    def entries(self) -> dict[int, tuple[str, str]]:
        """{employee id: (status, hours)} as typed, the fill applied."""
        fill = self.cleaned_data.get("fill") or ""
        typed = {}
        for pk in self.cleaned_data["ids"]:
            status = str(self.data.get(f"s-{pk}", "")).strip()[:20]
            hours = str(self.data.get(f"h-{pk}", "")).strip()[:20]
            typed[pk] = (status or fill, hours)
        return typed


class HolidayForm(forms.Form):
    day = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=HolidayKind.choices, initial=HolidayKind.LOCAL
    )
