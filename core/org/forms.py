from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from core.accounts.models import User
from core.org.importing import KIND_LABELS
from core.org.models import ActivityNorm, Employee, EmploymentStatus, Position, Unit

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


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), required=False)

    def __init__(self, *args, **kwargs):
        from core.accounts.models import TENANT_ROLES, Role

        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        self.fields["role"].choices = [("", _("Automatic (follows the organisation)"))] + [
            (role.value, labels[role]) for role in TENANT_ROLES
        ]


class NormForm(forms.ModelForm):
    class Meta:
        model = ActivityNorm
        fields = ["name", "output_unit", "minutes_per_unit", "yearly_volume"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        position = self.instance.position if self.instance.position_id else None
        if (
            position
            and position.norms.filter(name__iexact=name).exclude(pk=self.instance.pk).exists()
        ):
            raise forms.ValidationError(_("This position already has a task with that name."))
        return name


class EffectiveMinutesForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Effective working minutes a year"), min_value=1, max_value=200_000
    )


class CodeReferenceField(forms.CharField):
    """A unit or position given by its code, as in the Excel files."""

    def __init__(self, *, queryset, missing, **kwargs):
        self.queryset, self.missing = queryset, missing
        super().__init__(max_length=30, **kwargs)

    def clean(self, value):
        code = super().clean(value).strip()
        if not code:
            return None
        found = self.queryset.filter(code=code).first()
        if found is None:
            raise forms.ValidationError(self.missing % {"code": code})
        return found


class UnitForm(forms.ModelForm):
    parent = CodeReferenceField(
        label=_("Parent unit code"),
        required=False,
        queryset=Unit.objects.all(),
        missing=_("Unit %(code)s does not exist in this Pemda."),
        help_text=_("Empty for an OPD."),
    )

    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.parent_id:
            self.initial["parent"] = self.instance.parent.code


class PositionForm(forms.ModelForm):
    unit = CodeReferenceField(
        label=_("Unit code"),
        queryset=Unit.objects.all(),
        missing=_("Unit %(code)s does not exist in this Pemda."),
    )

    class Meta:
        model = Position
        fields = ["code", "name", "jenis", "jenjang", "kelas_jabatan", "unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.unit_id:
            self.initial["unit"] = self.instance.unit.code


class EmployeeForm(forms.ModelForm):
    position = CodeReferenceField(
        label=_("Position code"),
        queryset=Position.objects.all(),
        missing=_("Position %(code)s does not exist in this Pemda."),
    )
    unit = CodeReferenceField(
        label=_("Unit code"),
        queryset=Unit.objects.all(),
        missing=_("Unit %(code)s does not exist in this Pemda."),
    )

    class Meta:
        model = Employee
        fields = [
            "nip",
            "name",
            "status",
            "golongan",
            "position",
            "unit",
            "tmt_jabatan",
            "email",
            "phone",
            "is_active",
        ]
        widgets = {"tmt_jabatan": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["nip"].disabled = True  # a NIP identifies the person: never edited
            self.initial["position"] = self.instance.position.code
            self.initial["unit"] = self.instance.unit.code

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        nip = self.instance.nip or self.data.get("nip", "")
        if email and User.objects.filter(email__iexact=email).exclude(nip=nip).exists():
            raise forms.ValidationError(
                _("%(email)s already belongs to another account.") % {"email": email}
            )
        return email
