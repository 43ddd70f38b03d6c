"""Move the history of atasan set by hand (core.org's AtasanOverride rows) into the one
audit trail, keeping who, when, from whom to whom and why."""

from django.db import migrations, router


def _name(employee):
    return f"{employee.name} ({employee.nip})" if employee is not None else None


def _has_org(schema_editor) -> bool:
    """The audit trail is in the public schema too (the platform staff's actions), where the
    org app has no tables and there is no history to move."""
    return router.allow_migrate(schema_editor.connection.alias, "org")


def copy_atasan_changes(apps, schema_editor):
    if not _has_org(schema_editor):
        return
    AtasanOverride = apps.get_model("org", "AtasanOverride")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    events = []
    for change in AtasanOverride.objects.select_related(
        "employee", "previous", "new", "changed_by"
    ).order_by("changed_at", "id"):
        by = change.changed_by
        events.append(
            AuditEvent(
                at=change.changed_at,
                actor=by,
                actor_name=by.name or by.username,
                action="org.atasan.override",
                object_type="org.employee",
                object_id=str(change.employee_id),
                object_repr=_name(change.employee),
                before={"atasan": _name(change.previous)},
                after={"atasan": _name(change.new), "set_by_hand": change.new_id is not None},
                reason=change.reason,
            )
        )
    AuditEvent.objects.bulk_create(events, batch_size=1000)


def copy_back(apps, schema_editor):
    """Reversing moves the history back into the old table, times kept, and out of the
    trail (so that migrating forward again does not copy it twice)."""
    if not _has_org(schema_editor):
        return
    AtasanOverride = apps.get_model("org", "AtasanOverride")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    Employee = apps.get_model("org", "Employee")
    by_label = {f"{e.name} ({e.nip})": e.pk for e in Employee.objects.all()}
    events = AuditEvent.objects.filter(action="org.atasan.override").exclude(actor=None)
    for event in events.order_by("at", "id"):
        change = AtasanOverride.objects.create(
            employee_id=int(event.object_id),
            previous_id=by_label.get(event.before.get("atasan")),
            # Cleared (back to the organisation): the old table says so with no one.
            new_id=by_label.get(event.after.get("atasan"))
            if event.after.get("set_by_hand", True)
            else None,
            reason=event.reason,
            changed_by_id=event.actor_id,
        )
        AtasanOverride.objects.filter(pk=change.pk).update(changed_at=event.at)  # auto_now_add
    events.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("org", "0004_unit_head"),
    ]

    operations = [migrations.RunPython(copy_atasan_changes, copy_back)]
