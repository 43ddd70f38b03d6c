from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from core.org.importing import KIND_LABELS
from core.org.models import ActivityNorm, EmploymentStatus

MAX_UPLOAD_BYTES = 25 * 1024 * 1024


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=list(KIND_LABELS.items()))
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    good_rows_only = forms.BooleanField(
        label=_("If some rows are bad, import the good rows anyway"),
        required=False,
        help_text=_("Leave unticked to import nothing until every row is good."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError(
                _("Choose an .xlsx or .csv file; %(name)s is neither.") % {"name": upload.name}
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB; split it into smaller files.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class EmployeeFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or NIP"), required=False, max_length=100)
    opd = forms.ChoiceField(label=_("OPD"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(EmploymentStatus.choices)
    )

    def __init__(self, *args, opd_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opd"].choices = [("", _("All OPD"))] + list(opd_choices)


class AtasanForm(forms.Form):
    atasan_nip = forms.CharField(
        label=_("NIP of the new atasan"),
        required=False,
        max_length=30,
        help_text=_("Leave empty to go back to the atasan that follows from the organisation."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class NormForm(forms.ModelForm):
    class Meta:
        model = ActivityNorm
        fields = ["name", "output_unit", "minutes_per_unit", "yearly_volume"]


class EffectiveMinutesForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Effective working minutes a year"), min_value=1, max_value=200_000
    )
