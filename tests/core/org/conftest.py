"""An organisation at Kota Surabaya with one persona per role, logged in and ready.

Sekda (leader) → Kepala BKPSDMD (head of OPD) → Kabid (atasan) → Kasubbid (atasan)
→ analis (employee) and a PPPK analis (employee).
"""

import pytest

from core.accounts.models import User
from core.org.imports import people_import
from core.importing.tabular import write_xlsx
from tests.conftest import PASSWORD, client_for
from tests.core.org.test_importing import EMPLOYEES, POSITIONS, UNITS

SEKDA, KABAN, KABID, KASUB, ANALIS, PPPK = (row[0] for row in EMPLOYEES[1:])


@pytest.fixture
def people(surabaya):
    """{persona: logged-in client} plus the Pemda's employees by NIP."""
    with surabaya:
        for kind, rows in (("units", UNITS), ("positions", POSITIONS), ("employees", EMPLOYEES)):
            assert people_import(
                kind=kind, data=write_xlsx(rows[0], rows[1:]), filename="x.xlsx"
            ).written
        for nip in (SEKDA, KABAN, KABID, KASUB, ANALIS, PPPK):
            user = User.objects.get(nip=nip)
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
    clients = {}
    for persona, login in (
        ("admin", "admin"),
        ("mayor", "pimpinan"),
        ("sekda", SEKDA),
        ("head", KABAN),
        ("kabid", KABID),
        ("kasub", KASUB),
        ("employee", ANALIS),
    ):
        client = client_for(surabaya)
        response = client.post("/accounts/login/", {"username": login, "password": PASSWORD})
        assert response.status_code == 302, login
        clients[persona] = client
    clients["anonymous"] = client_for(surabaya)
    return clients
