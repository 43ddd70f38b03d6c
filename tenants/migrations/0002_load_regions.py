from django.db import migrations


def load(apps, schema_editor):
    from tenants.regions import regions_load

    regions_load(province_model=apps.get_model("tenants", "Province"),
                 region_model=apps.get_model("tenants", "Region"))


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
