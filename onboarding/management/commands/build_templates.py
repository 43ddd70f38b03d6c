from django.core.management.base import BaseCommand

from onboarding.templates_catalogue import templates_build


class Command(BaseCommand):
    help = "Create or update the template schemas (tpl_<name>) from onboarding/template_data/."

    def handle(self, *args, **options):
        for template in templates_build():
            self.stdout.write(
                f"template {template.schema_name}: {template.name} v{template.template_version}"
            )
