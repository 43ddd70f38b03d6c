import django.db.models.deletion
from django.db import migrations, models

# As core.org.ranks.MANAGERIAL_RANK when this migration was written (migrations are frozen).
MANAGERIAL_RANK = {"JPT_UTAMA": 5, "JPT_MADYA": 4, "JPT_PRATAMA": 3, "ADMINISTRATOR": 2, "PENGAWAS": 1}


def fill_heads(apps, schema_editor):
    """Each unit's head: the active employee working there in the strongest managerial post
    (rank, then kelas, then the lower position code; the lower id on a tie)."""
    Employee = apps.get_model("org", "Employee")
    Unit = apps.get_model("org", "Unit")
    best = {}
    for employee_id, unit_id, jenis, kelas, code in (
        Employee.objects.filter(is_active=True, position__jenis__in=list(MANAGERIAL_RANK))
        .order_by("id")
        .values_list("id", "unit_id", "position__jenis", "position__kelas_jabatan", "position__code")
    ):
        key = (MANAGERIAL_RANK[jenis], kelas, tuple(-ord(ch) for ch in code))
        if unit_id not in best or key > best[unit_id][0]:
            best[unit_id] = (key, employee_id)
    for unit_id, (_key, employee_id) in best.items():
        Unit.objects.filter(pk=unit_id).update(head_id=employee_id)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_unit_tree_path"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="head",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="org.employee",
                verbose_name="head",
            ),
        ),
        migrations.RunPython(fill_heads, migrations.RunPython.noop),
    ]
