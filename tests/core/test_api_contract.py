"""The API keeps the promises of its OpenAPI schema: what the schema allows is accepted,
what it refuses is refused (a 400 that says why), and every status code is documented.

Each test reproduces a finding of Schemathesis (`schemathesis run …/api/schema/ --checks
all`, see schemathesis.toml) against the demo.
"""

import json

import pytest
import yaml
from django.test import Client

from core.org.models import Employee, Unit
from tests.conftest import client_for, login
from tests.personas import ANALIS, EVERYONE, STAF_DINKES

pytestmark = pytest.mark.django_db

WRITES = ("post", "put", "patch")


@pytest.fixture
def admin(org) -> Client:
    client = client_for(org)
    assert login(client, "admin").status_code == 302
    return client


@pytest.fixture
def schema(org) -> dict:
    return yaml.safe_load(client_for(org).get("/api/schema/").content)


def send(client, method, url, body, **extra):
    """A JSON body as the schema describes it (any JSON value, to test the refusals)."""
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **extra)


def nips(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["nip"] for row in response.json()["results"]}


def _pk(pemda, model, **lookup) -> int:
    with pemda:
        return model.objects.get(**lookup).pk


# --- Filters: what the schema allows is accepted, what it refuses is a 400 -----------------


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/employees/", "nip"),
        ("/api/v1/employees/", "status"),
        ("/api/v1/employees/", "is_active"),
        ("/api/v1/units/", "kind"),
        ("/api/v1/positions/", "jenis"),
    ],
)
def test_an_empty_filter_is_the_same_as_none_and_the_schema_says_so(org, admin, schema, url, param):
    # Schemathesis: `?nip=` was accepted although the schema's pattern refuses it.
    everything = admin.get(url).json()["count"]
    response = admin.get(url, {param: ""})
    assert (response.status_code, response.json()["count"]) == (200, everything)
    parameter = next(p for p in schema["paths"][url]["get"]["parameters"] if p["name"] == param)
    assert parameter["allowEmptyValue"] is True


def test_every_filter_allows_an_empty_value_but_the_page_does_not(schema):
    for path, operations in schema["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            if parameter["in"] == "query":
                expected = None if parameter["name"] == "page" else True
                assert parameter.get("allowEmptyValue") is expected, (path, parameter["name"])


def test_eighteen_digits_that_are_no_valid_nip_find_no_one(org, admin):
    # Schemathesis: 000000000000000000 matches the schema's pattern but was refused (400:
    # "no real birth date"). A search looks a NIP up; it does not judge it.
    assert nips(admin.get("/api/v1/employees/", {"nip": "000000000000000000"})) == set()
    assert nips(admin.get("/api/v1/employees/", {"nip": "19900101 201503 1 005"})) == {ANALIS}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"nip": "12345"}, "nip", "NIP must be exactly 18 digits."),
        ({"nip": "１９９００１０１２０１５０３１００５"}, "nip", "NIP must be exactly 18 digits."),
        ({"is_active": "yes"}, "is_active", "Use true or false"),
        ({"is_active": "1"}, "is_active", "Use true or false"),
        ({"status": "pns"}, "status", "is not one of"),
    ],
)
def test_a_filter_value_the_schema_refuses_is_a_400(org, admin, params, field, message):
    response = admin.get("/api/v1/employees/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert message in response.json()[field][0]


def test_true_and_false_filter_in_any_case(org, admin):
    with org:
        Employee.objects.filter(nip=STAF_DINKES).update(is_active=False)
    assert nips(admin.get("/api/v1/employees/", {"is_active": "FALSE"})) == {STAF_DINKES}
    assert nips(admin.get("/api/v1/employees/", {"is_active": "true"})) == EVERYONE - {STAF_DINKES}


# --- Bodies: JSON objects, each value in the type the schema gives it -----------------------


# A file is uploaded as multipart/form-data (bukti dukung); a urlencoded form is refused there
# too (tests/performance/test_api_actions.py).
UPLOADS = {
    ("post", "/api/v1/evaluations/{id}/evidence/"): ["application/json", "multipart/form-data"],
    # An activity logged with its evidence photo, or the photo added later
    # (tests/activity/test_api.py).
    ("post", "/api/v1/activities/"): ["application/json", "multipart/form-data"],
    ("post", "/api/v1/activities/{id}/evidence/"): ["multipart/form-data"],
}


def test_request_bodies_are_json_only_in_the_schema(schema):
    for path, operations in schema["paths"].items():
        for method in WRITES:
            if method in operations:
                content = operations[method]["requestBody"]["content"]
                expected = UPLOADS.get((method, path), ["application/json"])
                assert sorted(content) == sorted(expected), (method, path)


def test_a_form_body_is_refused_as_unsupported(org, admin):
    # Schemathesis: a form cannot say null, so `parent=null` named a unit coded "null" (a
    # 400 for data the schema allows), and a form with no field was a 200 for any body.
    url = f"/api/v1/units/{_pk(org, Unit, code='BKPSDMD.1')}/"
    response = admin.post("/api/v1/units/", {"code": "X", "name": "X", "kind": "BIDANG"})
    assert response.status_code == 415, response.content
    response = admin.patch(url, "parent=null", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    with org:
        assert Unit.objects.get(code="BKPSDMD.1").parent.code == "BKPSDMD"


@pytest.mark.parametrize("body", [False, [], ["x"], "text", 12, None])
def test_a_body_that_is_not_a_json_object_is_a_400(org, admin, body):
    url = f"/api/v1/employees/{_pk(org, Employee, nip=ANALIS)}/"
    response = send(admin, "patch", url, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert response.json() == {"detail": "The body must be a JSON object."}


def test_a_body_that_is_not_json_is_a_400_that_says_so(org, admin):
    response = admin.post(
        "/api/v1/units/", "{code:", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The body is not valid JSON."}


@pytest.mark.parametrize(
    ("endpoint", "change", "field", "message"),
    [
        # Schemathesis: `"unit": 0` (an integer) found the unit coded "0".
        ("positions", {"unit": 7}, "unit", "Must be text, in quotes; got 7."),
        ("positions", {"name": 12}, "name", "Must be text, in quotes; got 12."),
        ("positions", {"kelas_jabatan": "8"}, "kelas_jabatan", "whole number from 1 to 17"),
        ("positions", {"kelas_jabatan": 8.5}, "kelas_jabatan", "whole number from 1 to 17"),
        ("positions", {"kelas_jabatan": True}, "kelas_jabatan", "whole number from 1 to 17"),
        ("units", {"parent": 7}, "parent", "Must be text"),
        ("units", {"code": 8}, "code", "Must be text"),
        ("employees", {"phone": 812}, "phone", "Must be text"),
        ("employees", {"email": 1}, "email", "Must be text"),
        ("employees", {"golongan": 3}, "golongan", "Must be text"),
        ("employees", {"nip": 199403032019031009}, "nip", "Must be text"),
        ("employees", {"is_active": 0}, "is_active", "Use true or false"),
        ("employees", {"is_active": "yes"}, "is_active", "Use true or false"),
    ],
)
def test_a_value_of_another_json_type_than_the_schema_says_is_a_400(
    org, admin, endpoint, change, field, message
):
    created = send(
        admin, "post", "/api/v1/units/", {"code": "7", "name": "Tujuh", "kind": "BIDANG"}
    )
    assert created.status_code == 201, created.content  # a unit coded "7" exists
    record = {
        "units": {"code": "DINKES.9", "name": "Bidang", "kind": "BIDANG", "parent": "DINKES"},
        "positions": {
            "code": "P.9",
            "name": "Pelaksana",
            "jenis": "PELAKSANA",
            "kelas_jabatan": 5,
            "unit": "7",
        },
        "employees": {
            "nip": "199403032019031009",
            "name": "Fajar",
            "status": "PNS",
            "golongan": "III/b",
            "position": "ANALIS",
            "unit": "BKPSDMD.1.1",
        },
    }[endpoint]
    response = send(
        admin, "post", f"/api/v1/{endpoint}/", {**record, **change}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert message in " ".join(response.json()[field]), response.content
    # The same record with the value in its JSON type is taken.
    assert send(admin, "post", f"/api/v1/{endpoint}/", record).status_code == 201


def test_a_nip_may_carry_any_number_of_spaces_as_its_pattern_says(org, admin, schema):
    # Its former maxLength (30) was more than the pattern could state: Schemathesis could
    # hardly generate a NIP at all ("filter_too_much").
    assert "maxLength" not in schema["components"]["schemas"]["Employee"]["properties"]["nip"]
    body = {
        "nip": " 1994 0303 2019 03 1 009 " + " " * 20,
        "name": "Fajar",
        "status": "PNS",
        "golongan": "III/b",
        "position": "ANALIS",
        "unit": "BKPSDMD.1.1",
    }
    response = send(admin, "post", "/api/v1/employees/", body)
    assert response.status_code == 201, response.content
    assert response.json()["nip"] == "199403032019031009"


# --- Every status code the API answers is documented ----------------------------------------


def test_every_operation_documents_every_status_code_it_can_answer(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "404", "406", "503"} <= codes, (method, path)
            if method in WRITES:
                assert {"400", "409", "413", "415"} <= codes, (method, path)
            else:
                assert "400" in codes, (method, path)  # a bad filter, a NUL in the address


def test_the_documented_refusals_are_answered_as_documented(org, admin):
    units = "/api/v1/units/"
    refused = {
        406: admin.get(units, HTTP_ACCEPT="application/xml"),
        415: admin.post(units, "code=X", content_type="text/plain"),
        413: admin.generic(
            "POST", units, b"{}", content_type="application/json", CONTENT_LENGTH=str(27 << 20)
        ),
    }
    for status, response in refused.items():
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) == {"detail"}  # the Error schema


def test_a_method_that_is_not_offered_is_a_405_that_names_it(org, admin):
    url = f"/api/v1/units/{_pk(org, Unit, code='DINKES')}/"
    response = admin.delete(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 405
    assert "DELETE" not in response["Allow"] and "PATCH" in response["Allow"]
    assert response.json() == {"detail": "The method DELETE is not allowed at this address."}


@pytest.mark.parametrize(
    ("method", "body", "english"),
    [
        ("delete", None, "The method DELETE is not allowed at this address."),
        ("patch", [], "The body must be a JSON object."),
        ("patch", "{", "The body is not valid JSON."),
        ("patch", {"phone": 812}, "Must be text, in quotes; got 812."),
    ],
)
def test_the_new_refusals_are_indonesian_by_default(org, admin, method, body, english):
    url = f"/api/v1/employees/{_pk(org, Employee, nip=ANALIS)}/"
    if body is None:
        response = getattr(admin, method)(url)
    elif body == "{":
        response = admin.patch(url, body, content_type="application/json")
    else:
        response = send(admin, method, url, body)
    detail = response.json().get("detail") or response.json()["phone"][0]
    assert response.status_code in (400, 405)
    assert detail != english, "the msgid has no Indonesian translation yet (locale/id)"
