"""The API's token login, reading the account and its employee record in one query."""

from django.db import connection
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token login (``Authorization: Token …``); on a Pemda site the token's account
    comes with its employee record, which every scoped answer reads (core.org.access)."""

    def authenticate_credentials(self, key):
        tokens = self.get_model().objects.select_related("user")
        if connection.schema_name != get_public_schema_name():
            tokens = tokens.select_related("user__employee")
        try:
            token = tokens.get(key=key)
        except self.get_model().DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
