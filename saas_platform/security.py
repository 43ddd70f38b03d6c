"""Response headers every page and API answer carries (settings, "Security").

- **Content-Security-Policy** (``CONTENT_SECURITY_POLICY``): pages run only the project's
  own script and style files; no inline script or style, nothing from elsewhere. A view
  that needs another policy sets the header itself and keeps it. (The API docs need none:
  saas_platform/urls_api.py and templates/drf_spectacular/.)
- **Cache-Control: private, no-store** on every answer that has not chosen its own: pages,
  exports and the API carry personal data, which no browser cache, proxy or CDN should
  keep. Static files keep the caching WhiteNoise gives them.

The middleware comes first, so answers made by the middleware below it (the unknown-host
page, the 503 while the database is down, ``/healthz``) carry the headers too.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings

NO_STORE = "private, no-store"


def csp_header(policy: Mapping[str, list[str]]) -> str:
    """``{"default-src": ["'self'"], …}`` as the header's value."""
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = csp_header(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.csp
        if "Cache-Control" not in response:
            response["Cache-Control"] = NO_STORE
        return response
