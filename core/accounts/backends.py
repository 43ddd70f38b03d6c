from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django_tenants.utils import get_public_schema_name


def identifier_lookup(identifier: str) -> dict:
    """The account lookup for what was typed in the login field: a NIP (spaces allowed, as
    NIPs are often written "19660801 198803 1 001"), an email address or a username."""
    identifier = identifier.strip()
    compact = "".join(identifier.split())
    if len(compact) == 18 and compact.isascii() and compact.isdigit():
        return {"nip": compact}
    if "@" in identifier:
        return {"email__iexact": identifier}
    return {"username__iexact": identifier}


class LoginIdentifierBackend(ModelBackend):
    """One login field that takes a username, an email address or a NIP.

    Employees log in with their NIP, admins with their email (DESIGN.md decision 3).
    Lookups run in the current schema, so an account only exists at its own Pemda.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        user = User._default_manager.filter(**identifier_lookup(username)).first()
        if user is None:
            # Run the hasher anyway so response time does not reveal unknown identifiers.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The account of a session, with its employee record (or the knowledge that it has
        none) read in the same query on a Pemda site: nearly every page asks for it
        (core.org.access.employee_of)."""
        User = get_user_model()
        users = User._default_manager
        if connection.schema_name != get_public_schema_name():  # the platform has no employees
            users = users.select_related("employee")
        try:
            user = users.get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a login while its account or address is locked out (django-axes, see
    core.accounts.throttle); listed before the backend that checks passwords.

    Only logins that come with a request are throttled: one without (a shell, a test
    client's ``login()``) has no address and cannot be driven from outside.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
