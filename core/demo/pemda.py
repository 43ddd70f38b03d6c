"""The 14 demo Pemda: Surabaya and Jambi (Model Surabaya, individual performance), and West
Java with the Pemda that took its merit/talent system in 2023 (Model Jawa Barat)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoPemda:
    code: str
    slug: str
    template: str


DEMO_PEMDA = [
    DemoPemda("35.78", "surabaya", "surabaya"),
    DemoPemda("15.71", "kota-jambi", "surabaya"),
    DemoPemda("33.72", "surakarta", "jabar"),
    DemoPemda("32", "prov-jabar", "jabar"),
    DemoPemda("17", "prov-bengkulu", "jabar"),
    DemoPemda("15", "prov-jambi", "jabar"),
    DemoPemda("13.11", "solok-selatan", "jabar"),
    DemoPemda("76.06", "mamuju-tengah", "jabar"),
    DemoPemda("72.05", "buol", "jabar"),
    DemoPemda("74.03", "muna", "jabar"),
    DemoPemda("72.10", "sigi", "jabar"),
    DemoPemda("73.11", "barru", "jabar"),
    DemoPemda("33.15", "grobogan", "jabar"),
    DemoPemda("64.72", "samarinda", "jabar"),
]
