"""Forms of the SKP planning pages. They only parse what was typed or picked; the services
decide (core.performance.rules) and their refusals are shown on the form, field by field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.org.forms import POSITION_MISSING, CodeChoiceField
from core.org.models import Position
from core.performance.rules import (
    TEXT_MAX,
    UNIT_MAX,
    Approach,
    Aspect,
    PerformanceRuleError,
    Perspektif,
    RhkKind,
)

IKI_PREFIX = "iki_"  # an RHK form's first IKI (the services name its fields so too)


CHOOSE = _("Choose…")


def _choices(choices) -> list:
    return [("", CHOOSE), *choices]


def _text(label, *, rows: int = 2, required: bool = False, help_text="") -> forms.CharField:
    # Not required: an empty text reaches the rules, which say what is missing.
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class TargetField(forms.CharField):
    """A target as typed: "7,5" (a decimal comma) is read as 7.5; whether it is a number at
    all is the rules' call, so every problem of the form is said at once."""

    def to_python(self, value):
        value = super().to_python(value)
        if "," in value and "." not in value:
            value = value.replace(",", ".")
        return value


def iki_fields() -> dict[str, forms.Field]:
    return {
        "text": _text(_("Indicator (IKI)")),
        "aspect": forms.ChoiceField(
            label=_("Aspect"), required=False, choices=_choices(Aspect.choices)
        ),
        "approach": forms.ChoiceField(
            label=_("Approach"),
            required=False,
            choices=Approach.choices,
            initial=Approach.KUANTITATIF,
        ),
        "target_value": TargetField(
            label=_("Target"),
            required=False,
            max_length=30,
            help_text=_("A number, e.g. 12 or 7,5 (quantitative)."),
        ),
        "target_unit": forms.CharField(
            label=_("Target unit"),
            required=False,
            max_length=UNIT_MAX,
            help_text=_("Dokumen, Laporan, %, …"),
        ),
        "target_text": _text(_("Qualitative target"), help_text=_("For a qualitative IKI.")),
    }


def iki_data(cleaned: dict, prefix: str = "") -> dict:
    """An IKI's values from a form's cleaned data, as the services take them."""
    return {name: cleaned.get(f"{prefix}{name}") for name in iki_fields()}


def iki_given(cleaned: dict, prefix: str = IKI_PREFIX) -> bool:
    """Whether anything of an optional IKI was filled in (its approach alone is not)."""
    return any(
        cleaned.get(f"{prefix}{name}") not in (None, "")
        for name in ("text", "aspect", "target_value", "target_unit", "target_text")
    )


def errors_show(form: forms.Form, error: PerformanceRuleError) -> None:
    """Put each refusal of the rules next to its field (or above the form)."""
    for violation in error.violations:
        field = violation.field if violation.field in form.fields else None
        form.add_error(field, violation.message)


class IkiForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(iki_fields())


class _IkiPartMixin:
    """A form that carries an IKI's fields too, under IKI_PREFIX, and lists its two parts."""

    def iki_fields_add(self) -> None:
        for name, field in iki_fields().items():
            self.fields[f"{IKI_PREFIX}{name}"] = field

    @property
    def iki_bound_fields(self):
        return [field for field in self if field.name.startswith(IKI_PREFIX)]

    @property
    def rhk_bound_fields(self):
        return [field for field in self if not field.name.startswith(IKI_PREFIX)]


class RhkForm(_IkiPartMixin, forms.Form):
    """An RHK: its kind, what it delivers, the atasan's RHK it supports (the cascade), a
    perspektif for a JPT; when it is new, its first IKI below."""

    kind = forms.ChoiceField(label=_("Kind"), choices=RhkKind.choices, initial=RhkKind.UTAMA)
    text = _text(_("RHK"), rows=3, help_text=_("The result the work will deliver."))
    parent = forms.ChoiceField(label=_("Supports the atasan's RHK"), required=False)
    perspektif = forms.ChoiceField(
        label=_("Perspektif"), required=False, choices=_choices(Perspektif.choices)
    )

    def __init__(self, *args, parents=(), jpt: bool = False, with_iki: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("— none —"))] + [
            (str(rhk.pk), f"{rhk.skp.employee.name}: {rhk.text[:150]}") for rhk in parents
        ]
        if not jpt:
            del self.fields["perspektif"]
        if with_iki:
            self.iki_fields_add()


class AssignForm(_IkiPartMixin, forms.Form):
    """The bulk assignment: one RHK (one of mine: "rhk:<id>", or a catalogue entry:
    "tpl:<id>"), the people ticked (parsed in the view), and an IKI to use instead."""

    source = forms.ChoiceField(label=_("RHK to assign"))

    def __init__(self, *args, own=(), catalogue=(), **kwargs):
        super().__init__(*args, **kwargs)
        groups = [("", _("Choose…"))]
        if own:
            groups.append(
                (
                    _("My RHK"),
                    [
                        (f"rhk:{rhk.pk}", f"[{rhk.get_kind_display()}] {rhk.text[:150]}")
                        for rhk in own
                    ],
                )
            )
        if catalogue:
            groups.append(
                (
                    _("Catalogue"),
                    [
                        (f"tpl:{entry.pk}", f"{entry.position.name}: {entry.text[:150]}")
                        for entry in catalogue
                    ],
                )
            )
        self.fields["source"].choices = groups
        self.iki_fields_add()


class CatalogueForm(_IkiPartMixin, forms.Form):
    position = CodeChoiceField(
        Position.objects.all(), lookup="positions", missing=POSITION_MISSING, label=_("Position")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=RhkKind.choices, initial=RhkKind.UTAMA)
    text = _text(_("RHK"), rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.iki_fields_add()


class CatalogueFilterForm(forms.Form):
    jabatan = CodeChoiceField(
        Position.objects.all(),
        lookup="positions",
        missing=POSITION_MISSING,
        label=_("Position"),
        required=False,
    )
