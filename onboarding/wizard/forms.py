"""The wizard's forms: they parse and validate input; the services write."""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from core.importing.forms import ImportForm
from onboarding.wizard.rules import EMAIL_CODE_DIGITS, FILE_KINDS


class RegionForm(forms.Form):
    region = forms.CharField(label=_("Kemendagri code"), max_length=10)


class ContactForm(forms.Form):
    contact_name = forms.CharField(label=_("Contact person at BKPSDMD"), max_length=150)
    contact_phone = forms.RegexField(
        label=_("Phone"),
        max_length=30,
        regex=r"^\+?[0-9][0-9 ()-]{5,28}$",
        error_messages={"invalid": _("Enter a phone number, e.g. 0812 3456 7890.")},
    )
    contact_email = forms.EmailField(label=_("Office e-mail"), max_length=254)
    admin_name = forms.CharField(label=_("Name of the first admin"), max_length=150)
    admin_email = forms.EmailField(
        label=_("Admin's e-mail (the login)"),
        max_length=254,
        help_text=_("A code is sent to this address to verify it."),
    )
    password = forms.CharField(
        label=_("Admin's password"), widget=forms.PasswordInput(render_value=False), strip=False
    )
    password_again = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(render_value=False), strip=False
    )

    def __init__(self, *args, password_set: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if password_set:
            for name in ("password", "password_again"):
                self.fields[name].required = False
            self.fields["password"].help_text = _("Leave empty to keep the password chosen.")

    def clean(self):
        data = super().clean()
        password, again = data.get("password"), data.get("password_again")
        if password or again:
            if password != again:
                self.add_error("password_again", _("The two passwords differ."))
            else:
                try:
                    validate_password(password)
                except forms.ValidationError as exc:
                    self.add_error("password", exc)
        return data


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the e-mail"),
        regex=rf"^\s*\d{{{EMAIL_CODE_DIGITS}}}\s*$",
        max_length=20,
        error_messages={"invalid": _("Enter the 6 digits of the code.")},
    )


class PlanForm(forms.Form):
    plan = forms.ChoiceField(label=_("Plan"), widget=forms.RadioSelect)

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(plan.code, plan.name) for plan in plans]


class TemplateForm(forms.Form):
    template = forms.ChoiceField(label=_("Template"), widget=forms.RadioSelect)

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.name, t.label) for t in templates]


class FileForm(ImportForm):
    """One organisation file; the same checks of the file itself as the import page."""

    def __init__(self, *args, **kwargs):
        from core.importing.engine import importer_get

        super().__init__(*args, importers=[importer_get(kind) for kind in FILE_KINDS], **kwargs)
        del self.fields["good_rows_only"]
