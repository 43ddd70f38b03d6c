"""The platform admin's login form, with a message of our own for a failed login.

Django's message interpolates the username field's label, and its Indonesian translation
already says "nama pengguna" before the placeholder: the page read "Masukkan nama pengguna
nama pengguna dan sandi …". Ours names what our login accepts (username or email address).
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

INVALID_LOGIN = _(
    "Enter the username or email address and the password of a platform staff account. "
    "Letters in the password must match in case."
)


class PlatformAdminAuthenticationForm(AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, "invalid_login": INVALID_LOGIN}
