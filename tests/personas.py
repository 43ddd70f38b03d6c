"""One set of personas for every test (STYLE.md §8): an organisation at Kota Surabaya with
someone in each role, imported through the admins' own import path.

Sekda (leader) → Kepala BKPSDMD (head of OPD) → Kabid (atasan) → Kasubbid (atasan) → an
analis and a PPPK analis (employees); a second OPD, Dinas Kesehatan, with its head and one
staff member, so that "another OPD" is always at hand. Kota Jambi is "another Pemda".
"""

UNITS = [
    ["Kode Unit", "Nama Unit", "Kode Induk", "Jenis"],
    ["SETDA", "Sekretariat Daerah", "", "Sekretariat Daerah"],
    ["BKPSDMD", "Badan Kepegawaian dan Pengembangan SDM Daerah", "", "Badan"],
    ["BKPSDMD.1", "Bidang Pengembangan Kompetensi", "BKPSDMD", "Bidang"],
    ["BKPSDMD.1.1", "Subbidang Diklat", "BKPSDMD.1", "Seksi"],
    ["DINKES", "Dinas Kesehatan", "", "Dinas"],
]
POSITIONS = [
    ["Kode Jabatan", "Nama Jabatan", "Jenis Jabatan", "Jenjang", "Kelas Jabatan", "Kode Unit"],
    ["SEKDA", "Sekretaris Daerah", "JPT Madya", "", 16, "SETDA"],
    ["KABAN", "Kepala Badan", "JPT Pratama", "", 14, "BKPSDMD"],
    ["KABID", "Kepala Bidang", "Administrator", "", 11, "BKPSDMD.1"],
    ["KASUB", "Kepala Subbidang", "Pengawas", "", 9, "BKPSDMD.1.1"],
    ["ANALIS", "Analis SDM Aparatur", "Fungsional", "Ahli Pertama", 8, "BKPSDMD.1.1"],
    ["KADINKES", "Kepala Dinas Kesehatan", "JPT Pratama", "", 14, "DINKES"],
    ["PENGADMIN", "Pengadministrasi Umum", "Pelaksana", "", 5, "DINKES"],
]
SEKDA = "196803121990031001"
KABAN = "197205151995032002"  # head of the OPD BKPSDMD
KABID = "197801012003121003"
KASUB = "198302022008012004"  # atasan of the two analysts
ANALIS = "199001012015031005"  # an employee
PPPK = ANALIS_PPPK = "199505052023212006"
KADINKES = "197506062000031007"  # head of the OPD DINKES
STAF_DINKES = "199202022018012008"
EMPLOYEES = [
    [
        "NIP",
        "Nama",
        "Status",
        "Golongan",
        "Kode Jabatan",
        "Kode Unit",
        "TMT Jabatan",
        "Email",
        "Telepon",
    ],
    [SEKDA, "Budi Santoso", "PNS", "IV/d", "SEKDA", "SETDA", "2020-01-02", "", ""],
    [KABAN, "Sri Wahyuni", "PNS", "IV/c", "KABAN", "BKPSDMD", "2021-01-04", "", ""],
    [KABID, "Agus Salim", "PNS", "IV/a", "KABID", "BKPSDMD.1", "2022-03-01", "", ""],
    [
        KASUB,
        "Dewi Lestari",
        "PNS",
        "III/d",
        "KASUB",
        "BKPSDMD.1.1",
        "",
        "dewi@surabaya.go.id",
        "+62 812 1111",
    ],
    [ANALIS, "Rudi Hartono", "PNS", "III/a", "ANALIS", "BKPSDMD.1.1", "", "", ""],
    [ANALIS_PPPK, "Ayu Kusuma", "PPPK", "", "ANALIS", "BKPSDMD.1.1", "", "", ""],
    [KADINKES, "Hendra Wijaya", "PNS", "IV/b", "KADINKES", "DINKES", "", "", ""],
    [STAF_DINKES, "Lina Marlina", "PNS", "II/c", "PENGADMIN", "DINKES", "", "", ""],
]
EVERYONE = {row[0] for row in EMPLOYEES[1:]}

# persona → what they log in with (the admin and the mayor have no employee record).
LOGINS = {
    "admin": "admin",
    "mayor": "pimpinan",
    "sekda": SEKDA,
    "head": KABAN,
    "kabid": KABID,
    "kasub": KASUB,
    "employee": ANALIS,
    "head_dinkes": KADINKES,
}
