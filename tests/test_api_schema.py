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
