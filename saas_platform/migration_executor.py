"""A migration executor that skips Pemda rows whose schema does not exist yet.

``migrate_schemas`` migrates every tenant row. A Pemda that is only *requested*, or
whose provisioning *failed*, has a row but no schema; migrating it would run the
tenant migrations with a search path that falls through to ``public`` and create
tenant tables there. Template schemas are tenant rows too, so they stay migrated.
"""

from django_tenants.migration_executors import get_executor as base_get_executor
from django_tenants.utils import get_public_schema_name, schema_exists


def get_executor(codename=None):
    base = base_get_executor(codename)

    class ExistingSchemasExecutor(base):
        def run_migrations(self, tenants=None):
            public = get_public_schema_name()
            tenants = [name for name in (tenants or []) if name == public or schema_exists(name)]
            return super().run_migrations(tenants=tenants)

    return ExistingSchemasExecutor
