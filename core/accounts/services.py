from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.accounts.models import User


def account_password_setup_send(*, user_id: int, domain: str) -> str:
    """Send the account's owner a link to set a password; return the address it went to."""
    user = User.objects.get(pk=user_id, is_active=True)
    PasswordResetForm().send_mail(
        subject_template_name="registration/password_setup_subject.txt",
        email_template_name="registration/password_setup_email.txt",
        context={
            "email": user.email,
            "domain": domain,
            "site_name": "Sinergi",
            "user": user,
            "username": user.username,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
            "protocol": "http" if settings.DEBUG or settings.DEMO_MODE else "https",
        },
        from_email=None,
        to_email=user.email,
    )
    return user.email
