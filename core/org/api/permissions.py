"""Who may call the org API: every signed-in role reads (the querysets scope what they
see), only the tenant admin writes."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.org.access import can_manage


class ReadScopedWriteAdmin(BasePermission):
    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or can_manage(request.user)
