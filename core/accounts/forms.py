from django.contrib.auth.forms import PasswordResetForm

from core.accounts.models import User


class PasswordSetupOrResetForm(PasswordResetForm):
    """Also serves accounts that never had a password (employees created by an import):
    the link goes only to the address on the account, so it proves ownership either way."""

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True).exclude(email="")
