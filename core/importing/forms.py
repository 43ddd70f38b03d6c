from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 25 * 1024 * 1024


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    good_rows_only = forms.BooleanField(
        label=_("If some rows are bad, import the good rows anyway"),
        required=False,
        help_text=_("Leave unticked to import nothing until every row is good."),
    )

    def __init__(self, *args, importers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(i.kind, i.label) for i in importers]

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
