import zoneinfo

from django.conf import settings
from django.core.exceptions import DisallowedHost, ObjectDoesNotExist
from django.db import DatabaseError, connection
from django.shortcuts import render
from django.utils import timezone
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name, get_tenant_domain_model

from saas_platform.health import HEALTH_PATH, healthz
from saas_platform.outage import is_connection_failure, outage_response
from tenants.lifecycle import PemdaStatus
from tenants.links import site_origin
from tenants.models import Pemda
from tenants.selectors import pemda_for_host


def platform_tenant() -> Pemda:
    """The public schema as a tenant object (never saved: the platform is not a Pemda)."""
    return Pemda(
        schema_name=get_public_schema_name(),
        name="Sinergi",
        slug="platform",
        status=PemdaStatus.ACTIVE,
    )


class PemdaMiddleware(TenantMainMiddleware):
    """Route ``PLATFORM_DOMAIN`` to the platform site and ``<slug>.<PLATFORM_DOMAIN>`` to its Pemda.

    Any other host, and a Pemda that is not open (requested, failed, archived …), gets
    a plain 404 page rendered from the public schema. The health check answers on every host.
    """

    def process_request(self, request):
        if request.path_info == HEALTH_PATH:
            return self.health(request)
        try:
            return super().process_request(request)
        except DatabaseError as exc:
            # Looking the host up is the first query of every request: with the database
            # down, say "briefly unavailable" (503), not the 500 page.
            if is_connection_failure(exc):
                return outage_response(request, exc)
            raise

    def health(self, request):
        """Answer ``/healthz`` on any host, before ALLOWED_HOSTS is checked.

        Load balancers probe by IP address, which ALLOWED_HOSTS refuses (and which names
        no Pemda); every other path still goes through host validation. A Pemda's own host
        reports its schema; any other host (an IP, an unknown name) reports public.
        """
        connection.set_schema_to_public()
        try:
            tenant = self.get_tenant(get_tenant_domain_model(), self.hostname_from_request(request))
        except (DisallowedHost, ObjectDoesNotExist, DatabaseError):
            tenant = None  # a database that is down is reported by the check itself
        if tenant is not None:
            connection.set_tenant(tenant)
        return healthz(request)

    def get_tenant(self, domain_model, hostname):
        if hostname == settings.PLATFORM_DOMAIN:
            return platform_tenant()
        return pemda_for_host(hostname)

    def no_tenant_found(self, request, hostname):
        connection.set_schema_to_public()
        return render(
            request,
            "tenants/unknown_host.html",
            {
                "hostname": hostname,
                "platform_url": f"{site_origin(None)}/",
            },
            status=404,
        )


class PemdaTimezoneMiddleware:
    """Show times in the Pemda's own zone (Indonesia spans three); store UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is not None and not tenant.is_platform:
            timezone.activate(zoneinfo.ZoneInfo(tenant.time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)
