import pytest

from tenants.models import Province, Region
from tenants.regions import RegionCodeError, read_regions, region_code_parse


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("35.78", "kota"),
        ("15.71", "kota"),
        ("33.15", "kabupaten"),
        ("13.11", "kabupaten"),
        ("32", "provinsi"),
        ("96", "provinsi"),
    ],
)
def test_code_shape_gives_the_level(code, level):
    assert region_code_parse(code).level == level
    assert str(region_code_parse(f" {code} ")) == code


@pytest.mark.parametrize(
    "code", ["3578", "35.7", "35.", "35.00", "10", "97", "ab.cd", "", "35.78.01"]
)
def test_malformed_codes_are_rejected(code):
    with pytest.raises(RegionCodeError):
        region_code_parse(code)


def test_reference_file_holds_every_province_regency_and_city():
    rows = read_regions()
    levels = [row["level"] for row in rows]
    assert (levels.count("provinsi"), levels.count("kabupaten"), levels.count("kota")) == (
        38,
        416,
        98,
    )


@pytest.mark.django_db
def test_regions_are_loaded_by_migration_with_time_zones():
    assert Province.objects.count() == 38
    assert Region.objects.count() == 552
    assert Region.objects.get(code="35.78").name == "Kota Surabaya"
    assert Region.objects.get(code="35.78").time_zone == "Asia/Jakarta"  # WIB
    assert Region.objects.get(code="73.11").time_zone == "Asia/Makassar"  # Barru, WITA
    assert Province.objects.get(code="94").time_zone == "Asia/Jayapura"  # Papua, WIT
    assert Region.objects.get(code="32").government_name == "Provinsi Jawa Barat"


@pytest.mark.django_db
def test_jakartas_administrative_cities_are_not_autonomous():
    assert not Region.objects.get(code="31.71").autonomous
    assert Region.objects.get(code="31").autonomous
