import pytest
import yaml

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_lists_each_endpoint_once_without_format_suffixes(surabaya):
    response = client_for(surabaya).get("/api/schema/")
    assert response.status_code == 200
    paths = yaml.safe_load(response.content)["paths"]
    assert "/api/v1/employees/" in paths
    assert [path for path in paths if "{format}" in path] == []


def _schema(pemda) -> dict:
    return yaml.safe_load(client_for(pemda).get("/api/schema/").content)


def test_every_operation_documents_the_errors_it_can_answer(surabaya):
    for path, operations in _schema(surabaya)["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "404"} <= codes, (method, path)
            if method in ("post", "put", "patch"):
                assert {"400", "409"} <= codes, (method, path)


def test_the_schema_states_the_constraints_the_server_enforces(surabaya):
    schemas = _schema(surabaya)["components"]["schemas"]
    position, employee = schemas["Position"]["properties"], schemas["Employee"]["properties"]
    assert (position["kelas_jabatan"]["minimum"], position["kelas_jabatan"]["maximum"]) == (1, 17)
    assert position["code"]["minLength"] == 1
    assert employee["nip"]["pattern"].startswith("^")
    assert employee["name"]["pattern"] == "^[^\\u0000]*$"  # PostgreSQL text holds no NUL


def test_a_request_without_credentials_is_a_401_that_says_how_to_authenticate(surabaya):
    response = client_for(surabaya).get("/api/v1/employees/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_the_api_answers_its_errors_in_json(surabaya):
    from tests.conftest import login

    client = client_for(surabaya)
    assert login(client, "admin").status_code == 302
    missing = client.get("/api/v1/positions/not-a-number/")
    assert (missing.status_code, missing["Content-Type"]) == (404, "application/json")
    nul = client.get("/api/v1/units/?opd=%00")
    assert (nul.status_code, nul["Content-Type"]) == (400, "application/json")
    assert client.get("/org/units/?opd=%00")["Content-Type"].startswith("text/html")


def test_a_page_that_is_not_a_whole_number_from_1_is_not_found(org):
    from tests.conftest import login

    client = client_for(org)
    assert login(client, "admin").status_code == 302
    assert client.get("/api/v1/units/?page=1").status_code == 200
    assert client.get("/api/v1/units/?page=last").status_code == 200  # DRF's "last page"
    for page in ("", "0", "x", "-1", "２"):
        assert client.get(f"/api/v1/units/?page={page}").status_code == 404, page
