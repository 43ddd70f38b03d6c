from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class LoginIdentifierBackend(ModelBackend):
    """One login field that takes a username, an email address or a NIP.

    Employees log in with their NIP, admins with their email (DESIGN.md decision 3).
    Lookups run in the current schema, so an account only exists at its own Pemda.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        identifier = username.strip()
        compact = "".join(identifier.split())  # NIPs are often written "19660801 198803 1 001"
        User = get_user_model()
        if len(compact) == 18 and compact.isascii() and compact.isdigit():
            lookup = {"nip": compact}
        elif "@" in identifier:
            lookup = {"email__iexact": identifier}
        else:
            lookup = {"username__iexact": identifier}
        user = User._default_manager.filter(**lookup).first()
        if user is None:
            # Run the hasher anyway so response time does not reveal unknown identifiers.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
