from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form of every module looks the same: labels beside their fields (above them on
    a phone), checkboxes aligned with the fields, errors under the field they concern."""

    form_template_name = "ui/forms/form.html"
    field_template_name = "ui/forms/field.html"
