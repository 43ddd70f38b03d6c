"""The platform staff's forms: they only parse; the services decide (tenants.staff_services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.lifecycle import PemdaStatus

REASON_MAX = 1000


class PemdaFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Name, address or code"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Every status")), *PemdaStatus.choices]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SchemaDropForm(ReasonForm):
    confirmation = forms.CharField(
        label=_("Type the Pemda's address to confirm"), max_length=60, required=False
    )
