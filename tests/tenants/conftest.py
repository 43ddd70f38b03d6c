"""Platform staff for the tests of the platform site's staff pages, billing and admin."""

import pytest
from django.conf import settings
from django.test import Client

from core.accounts.models import Role, User

STAFF_PASSWORD = "staf-rahasia-1"


@pytest.fixture
def staff():
    """A platform staff account (staff role, admin access)."""
    return User.objects.create_user(
        "staf", password=STAFF_PASSWORD, role=Role.PLATFORM_STAFF, is_staff=True, name="Rina Staf"
    )


@pytest.fixture
def staff_client(staff):
    """Staff reading the pages in English (the assertions match the English originals)."""
    client = Client(HTTP_HOST="localhost")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(staff)
    return client


@pytest.fixture
def superuser_client():
    """A platform superuser in the platform's admin, logged in through its login form."""
    User.objects.create_superuser(
        "staf", "staf@sinergi.id", STAFF_PASSWORD, role=Role.PLATFORM_STAFF
    )
    client = Client(HTTP_HOST="localhost")
    assert client.login(username="staf", password=STAFF_PASSWORD)
    return client
