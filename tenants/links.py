"""Absolute links to a site, built from the configuration, never from the request.

The Host header is the client's to write: a request to ``surabaya.localhost`` with
``Host: surabaya.localhost:31337`` passes host validation (the port is not checked), so a
link built from it — in a password email, in the API's ``next`` — would point wherever the
sender chose. Links here take the host from the Pemda's primary Domain row (the platform's
from ``PLATFORM_DOMAIN``), the port from ``PLATFORM_PORT`` and the scheme from
``SITE_SCHEME``.
"""

from __future__ import annotations

from django.conf import settings
from django_tenants.utils import get_public_schema_name


def site_host(tenant) -> str:
    """``host[:port]`` of the site of ``tenant`` (a Pemda, or the public schema's tenant
    for the platform site)."""
    from tenants.models import Domain

    if tenant is None or tenant.schema_name == get_public_schema_name():
        host = settings.PLATFORM_DOMAIN
    else:
        cached = getattr(tenant, "_site_host", None)
        if cached is None:
            cached = (
                Domain.objects.filter(tenant_id=tenant.pk, is_primary=True)
                .order_by("pk")
                .values_list("domain", flat=True)
                .first()
            ) or tenant.domain_name
            tenant._site_host = cached
        host = cached
    port = settings.PLATFORM_PORT
    return f"{host}:{port}" if port else host


def site_origin(tenant) -> str:
    """``scheme://host[:port]`` of the site of ``tenant``, without a trailing slash."""
    return f"{settings.SITE_SCHEME}://{site_host(tenant)}"
