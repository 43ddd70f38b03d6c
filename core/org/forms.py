"""Forms of the org pages. They only parse what was typed or picked; the services decide
(core.org.rules) and their refusals are shown on the form, field by field."""

from __future__ import annotations

from django import forms
from django.db import connection, models
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.org.models import ActivityNorm, Employee, EmploymentStatus, Position, Unit
from core.org.rules import RuleError
from core.ui.widgets import SearchSelect


def model_field(model, name: str, **kwargs):
    """The form field Django derives from a model field (label, length, choices), without
    ModelForm's model validation: the rules run once, in the service."""
    model_field_ = model._meta.get_field(name)
    if isinstance(model_field_, models.IntegerField):
        # What the column can hold: a larger number is the form's error, not a DataError.
        _low, high = connection.ops.integer_field_range(model_field_.get_internal_type())
        kwargs.setdefault("max_value", high)
    field = model_field_.formfield(**kwargs)
    if getattr(field, "choices", None) and not isinstance(field.widget, forms.CheckboxInput):
        field.choices = [("", _("Choose…"))] + [c for c in field.choices if c[0] != ""]
    return field


def errors_show(form: forms.Form, error: RuleError) -> None:
    """Put each refusal of the rules next to its field (or above the form)."""
    for violation in error.violations:
        field = violation.field if violation.field in form.fields else None
        form.add_error(field, violation.message)


class CodeChoiceField(forms.ModelChoiceField):
    """A unit or position picked from a searchable list; its value is the code (as in the
    Excel files), so a code typed by a script works too."""

    def __init__(self, queryset, *, lookup: str, missing, **kwargs):
        self.missing = missing
        super().__init__(
            queryset,
            to_field_name="code",
            widget=SearchSelect(url=reverse_lazy("org:lookup", args=[lookup])),
            **kwargs,
        )

    def to_python(self, value):
        code = (value or "").strip()
        if code in self.empty_values:
            return None
        found = self.queryset.filter(code=code).first() if "\x00" not in code else None
        if found is None:
            raise forms.ValidationError(self.missing % {"code": code})
        return found

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class EmployeeChoiceField(forms.ModelChoiceField):
    """An employee picked from a searchable list by name or NIP (spaces in a NIP allowed)."""

    def __init__(self, queryset, **kwargs):
        super().__init__(
            queryset,
            to_field_name="nip",
            widget=SearchSelect(url=reverse_lazy("org:lookup", args=["employees"])),
            **kwargs,
        )

    def to_python(self, value):
        nip = "".join((value or "").split())
        if not nip:
            return None
        found = self.queryset.filter(nip=nip).first() if nip.isascii() else None
        if found is None:
            raise forms.ValidationError(
                _("No employee of this Pemda has NIP %(nip)s.") % {"nip": nip}
            )
        return found

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.nip})"


UNIT_MISSING = _("Unit %(code)s does not exist in this Pemda.")
POSITION_MISSING = _("Position %(code)s does not exist in this Pemda.")


class UnitForm(forms.Form):
    code = model_field(Unit, "code")
    name = model_field(Unit, "name")
    kind = model_field(Unit, "kind")
    parent = CodeChoiceField(
        Unit.objects.all(),
        lookup="units",
        missing=UNIT_MISSING,
        required=False,
        label=_("Parent unit"),
        help_text=_("Empty for an OPD."),
    )


class PositionForm(forms.Form):
    code = model_field(Position, "code")
    name = model_field(Position, "name")
    jenis = model_field(Position, "jenis")
    jenjang = model_field(Position, "jenjang")
    kelas_jabatan = forms.IntegerField(label=_("kelas jabatan"))
    unit = CodeChoiceField(
        Unit.objects.all(), lookup="units", missing=UNIT_MISSING, label=_("Unit")
    )


class EmployeeForm(forms.Form):
    nip = forms.CharField(label=_("NIP"), max_length=30)
    name = model_field(Employee, "name")
    status = model_field(Employee, "status")
    golongan = model_field(Employee, "golongan")
    position = CodeChoiceField(
        Position.objects.all(), lookup="positions", missing=POSITION_MISSING, label=_("Position")
    )
    unit = CodeChoiceField(
        Unit.objects.all(), lookup="units", missing=UNIT_MISSING, label=_("Unit")
    )
    tmt_jabatan = forms.DateField(
        label=_("TMT jabatan"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    email = forms.EmailField(label=_("email"), required=False, max_length=254)
    phone = model_field(Employee, "phone")
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["nip"].disabled = True  # a NIP identifies the person: never edited


RECORD_FORMS = {Unit: UnitForm, Position: PositionForm, Employee: EmployeeForm}


def record_initial(instance, form_class) -> dict:
    """A record's values as its form shows them (units and positions by code)."""
    initial = {}
    for name in form_class.base_fields:
        value = getattr(instance, name, None)
        initial[name] = getattr(value, "code", value)
    return initial


class EmployeeFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or NIP"), required=False, max_length=100)
    opd = forms.ChoiceField(label=_("OPD"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(EmploymentStatus.choices)
    )
    missing = forms.CharField(required=False, widget=forms.HiddenInput)  # from the home page

    def __init__(self, *args, opd_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opd"].choices = [("", _("All OPD"))] + list(opd_choices)


class AtasanForm(forms.Form):
    atasan_nip = EmployeeChoiceField(
        Employee.objects.all(),
        label=_("New atasan"),
        required=False,
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


class NormForm(forms.Form):
    name = model_field(ActivityNorm, "name")
    output_unit = model_field(ActivityNorm, "output_unit")
    minutes_per_unit = model_field(ActivityNorm, "minutes_per_unit")
    yearly_volume = model_field(ActivityNorm, "yearly_volume")


class EffectiveMinutesForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Effective working minutes a year"), min_value=1, max_value=200_000
    )
