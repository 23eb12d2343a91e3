"""Coded columns take what people type: the code, its Chinese or English label, 是/否.

Every file here is imported on each path the database has: on PostgreSQL the
direct COPY (enterprises, workers) and the staging table checked in SQL (every
register; forced by turning the direct way off, and seen to run); on SQLite the
row-by-row path. The rows stored from labels are compared field by field with
the rows stored from codes.
"""

import pytest
from django.db import connection, transaction
from django.utils.translation import override

from casework.models import Enterprise
from registry import imports_direct, imports_staged
from registry.import_file import IMPORT_KINDS
from registry.import_templates import template_csv
from registry.models import Certificate, Trainer, Training, Worker
from registry.services import SECTORS, parse_bool, parse_choice, parse_special_ops, record_create
from tests.factories import make_enterprise, make_user, make_worker, valid_id_number, valid_uscc
from tests.registry.helpers import WORKER_HEADER, errors_of, import_file, write_csv

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"
PATHS = ["direct", "staged"] if ON_POSTGRESQL else ["rows"]

ENTERPRISE_HEADER = ["uscc", "name", "sector", "jurisdiction", "address"]
ENTERPRISE_ZH = ["统一社会信用代码", "企业名称", "行业", "辖区", "地址"]
SECTORS_BY = {
    "code": ["hazardous_chemicals", "non_coal_mining", "metal_smelting", "fireworks", "other"],
    "zh": ["危险化学品", "非煤矿山", "金属冶炼", "烟花爆竹", "其他"],
    "en": ["Hazardous chemicals", "non-coal MINING", "Metal smelting", "Fireworks", " other "],
}


@pytest.fixture
def way(request, monkeypatch):
    """Take one path of the import; on PostgreSQL, say whether the staging table ran."""
    staged = []
    create = imports_staged._Staging.create

    def spy(self, cursor):
        staged.append(True)
        return create(self, cursor)

    monkeypatch.setattr(imports_staged._Staging, "create", spy)
    if request.param == "staged":
        monkeypatch.setattr(imports_direct.Direct, "KINDS", ())
    return request.param, staged


def _rows(model, drop, **filters):
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in {"id", *drop}]
    return list(model.objects.filter(**filters).values(*fields).order_by(*fields))


def _check_way(way, kind):
    name, staged = way
    if name == "staged" or (ON_POSTGRESQL and kind not in imports_direct.Direct.KINDS):
        assert staged, "the staging table was not used"
    elif name == "direct":
        assert not staged, "the file did not go straight in"


@pytest.mark.parametrize("way", PATHS, indirect=True)
def test_enterprises_with_chinese_or_english_sector_labels_store_the_same_rows(tmp_path, way):
    stored = {}
    for offset, (how, sectors) in enumerate(SECTORS_BY.items()):
        rows = [
            [valid_uscc(100 * (offset + 1) + n), f"企业{n}", sector, "450103", f"路{n}号"]
            for n, sector in enumerate(sectors)
        ]
        header = ENTERPRISE_ZH if how == "zh" else ENTERPRISE_HEADER
        with transaction.atomic():
            report = import_file("enterprises", write_csv(tmp_path / f"{how}.csv", header, rows))
            stored[how] = _rows(Enterprise, {"uscc"}, uscc__in=[row[0] for row in rows])
            transaction.set_rollback(True)
        assert (report.created, report.error_count, report.imported) == (5, 0, True), how

    assert stored["zh"] == stored["code"]
    assert stored["en"] == stored["code"]
    assert {row["sector"] for row in stored["code"]} == set(SECTORS_BY["code"])
    _check_way(way, "enterprises")


@pytest.mark.parametrize("way", PATHS, indirect=True)
def test_workers_with_labels_and_chinese_flags_store_the_same_rows(tmp_path, way):
    coded, labelled = make_enterprise(uscc=valid_uscc(1)), make_enterprise(uscc=valid_uscc(2))

    def rows(company, leader, ops):
        return [
            [company.uscc, valid_id_number(n), f"工人{n}", "operator", leader[n], ops[n], ""]
            for n in range(3)
        ]

    codes = rows(coded, ["true", "false", "1"], ["electrical;welding", "", "oil_gas"])
    labels = rows(
        labelled,
        ["是", "否", "√"],
        ["电工作业；焊接与热切割作业", "", "石油天然气安全作业"],
    )
    with transaction.atomic():
        first = import_file("workers", write_csv(tmp_path / "c.csv", WORKER_HEADER, codes))
        second = import_file("workers", write_csv(tmp_path / "l.csv", WORKER_HEADER, labels))
        by_code = _rows(Worker, {"enterprise_id"}, enterprise=coded)
        by_label = _rows(Worker, {"enterprise_id"}, enterprise=labelled)
        transaction.set_rollback(True)

    assert (first.created, second.created, second.error_count) == (3, 3, 0)
    assert by_label == by_code
    assert [(w["is_team_leader"], w["special_ops"]) for w in by_code] == [
        (True, ["electrical", "welding"]),
        (False, []),
        (True, ["oil_gas"]),
    ]
    _check_way(way, "workers")


TRAINING_HEADER = [
    "enterprise_uscc",
    "id_number",
    "kind",
    "job",
    "course",
    "hours",
    "theory_passed",
    "practical_passed",
    "assessed_on",
]


@pytest.mark.parametrize("way", PATHS, indirect=True)
def test_trainings_and_certificates_with_labels_store_the_same_rows(tmp_path, way):
    coded, labelled = make_enterprise(uscc=valid_uscc(1)), make_enterprise(uscc=valid_uscc(2))
    make_worker(enterprise=coded, id_number=valid_id_number(1))
    make_worker(enterprise=labelled, id_number=valid_id_number(2))

    def trainings(company, n, kind, yes, no):
        return [
            [
                company.uscc,
                valid_id_number(n),
                kind[0],
                "operator",
                "基础",
                "8",
                yes,
                no,
                "2025-01-02",
            ],
            [company.uscc, valid_id_number(n), kind[1], "", "轮训", "4", no, yes, "2025-01-03"],
        ]

    codes = trainings(coded, 1, ["job_safety", "team_leader_rotation"], "true", "false")
    labels = trainings(labelled, 2, ["岗位安全生产教育培训及考核", "班组长轮训"], "是", "否")
    certificate = ["id_number", "category", "number", "issued_on", "valid_until"]
    with transaction.atomic():
        reports = [
            import_file("trainings", write_csv(tmp_path / "tc.csv", TRAINING_HEADER, codes)),
            import_file("trainings", write_csv(tmp_path / "tl.csv", TRAINING_HEADER, labels)),
            import_file(
                "certificates",
                write_csv(
                    tmp_path / "cc.csv",
                    certificate,
                    [[valid_id_number(1), "welding", "C1", "2024-01-01", "2030-01-01"]],
                ),
            ),
            import_file(
                "certificates",
                write_csv(
                    tmp_path / "cl.csv",
                    certificate,
                    [[valid_id_number(2), "焊接与热切割作业", "C2", "2024-01-01", "2030-01-01"]],
                ),
            ),
        ]
        by_code = _rows(Training, {"enterprise_id", "id_number"}, enterprise=coded)
        by_label = _rows(Training, {"enterprise_id", "id_number"}, enterprise=labelled)
        categories = list(Certificate.objects.order_by("number").values_list("category", flat=True))
        transaction.set_rollback(True)

    assert [(r.created, r.error_count) for r in reports] == [(2, 0), (2, 0), (1, 0), (1, 0)]
    assert by_label == by_code
    assert {(t["kind"], t["theory_passed"]) for t in by_code} == {
        ("job_safety", True),
        ("team_leader_rotation", False),
    }
    assert categories == ["welding", "welding"]
    _check_way(way, "trainings")


@pytest.mark.parametrize("way", PATHS, indirect=True)
def test_a_label_and_its_code_in_a_key_are_one_key(company, tmp_path, way):
    make_worker(enterprise=company, id_number=valid_id_number(1))
    row = [
        company.uscc,
        valid_id_number(1),
        "班组长轮训",
        "",
        "轮训",
        "4",
        "是",
        "是",
        "2025-01-03",
    ]
    again = [*row[:2], "team_leader_rotation", *row[3:]]
    bad = [*row[:5], "4.25", *row[6:]]  # refused; its key still reads as the code
    path = write_csv(tmp_path / "t.csv", TRAINING_HEADER, [row, again, bad])

    report = import_file("trainings", path, valid_only=True)

    assert errors_of(report) == [
        (3, None, "This row repeats the natural key of row 2."),
        (4, None, "This row repeats the natural key of row 2."),
        (4, "hours", "Hours have at most one decimal place."),
    ]
    assert (report.created, report.refused) == (1, 2)


@pytest.mark.parametrize("way", PATHS, indirect=True)
def test_a_bad_value_is_refused_naming_the_header_and_the_labels(tmp_path, way):
    rows = [[valid_uscc(7), "甲", "钢铁", "450103", ""]]
    path = write_csv(tmp_path / "e.csv", ENTERPRISE_ZH, rows)

    with override("zh-hans"):
        body = import_file("enterprises", path).as_dict()
    english = import_file("enterprises", write_csv(tmp_path / "en.csv", ENTERPRISE_HEADER, rows))

    [error] = body["errors"]
    assert (error["row"], error["column"], error["header"]) == (2, "sector", "行业")
    assert error["reason"].startswith("钢铁")
    assert "危险化学品 (hazardous_chemicals)" in error["reason"]
    [error] = english.as_dict()["errors"]
    assert (error["column"], error["header"]) == ("sector", "sector")
    assert "Hazardous chemicals (hazardous_chemicals)" in error["reason"]
    assert Enterprise.objects.filter(uscc=valid_uscc(7)).count() == 0


def test_a_missing_column_of_a_chinese_file_is_named_in_chinese(db, tmp_path):
    path = write_csv(tmp_path / "e.csv", ["统一社会信用代码", "企业名称", "辖区"], [])

    body = import_file("enterprises", path).as_dict()

    assert body["errors"] == [
        {
            "row": 1,
            "column": "sector",
            "header": "行业",
            "reason": "The required column 行业 is missing.",
        }
    ]


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("是", True),
        ("是的", True),
        ("TRUE", True),
        ("Yes", True),
        ("y", True),
        ("1", True),
        ("√", True),
        ("ｔｒｕｅ", True),
        ("否", False),
        ("不是", False),
        ("false", False),
        ("NO", False),
        ("n", False),
        ("0", False),
        ("×", False),
    ],
)
def test_a_flag_takes_yes_and_no_as_people_write_them(word, value):
    assert parse_bool(f" {word} ") is value


def test_a_flag_refuses_anything_else_listing_what_it_takes():
    from registry.services import Refused

    with pytest.raises(Refused) as refused:
        parse_bool("也许")
    assert "是, 否, true, false" in str(refused.value)


def test_the_parsers_take_codes_and_both_labels():
    sector = parse_choice(SECTORS)
    assert {sector("危险化学品"), sector("hazardous_chemicals"), sector("HAZARDOUS CHEMICALS")} == {
        "hazardous_chemicals"
    }
    assert parse_special_ops("冶金(有色)生产安全作业、Welding and thermal cutting,电工作业") == [
        "metallurgy",
        "welding",
        "electrical",
    ]
    assert parse_special_ops(["电工作业", "electrical"]) == ["electrical"]


def test_the_api_writes_take_labels_too(company):
    worker = record_create(
        kind="workers",
        actor=make_user(role="officer"),
        data={
            "enterprise_uscc": company.uscc,
            "id_number": valid_id_number(5),
            "name": "王五",
            "job": "operator",
            "is_team_leader": "是",
            "special_ops": "焊接与热切割作业",
        },
    )
    enterprise = make_enterprise(uscc=valid_uscc(9), sector="烟花爆竹")

    worker.refresh_from_db()
    assert (worker.is_team_leader, worker.special_ops) == (True, ["welding"])
    assert Enterprise.objects.get(pk=enterprise.pk).sector == "fireworks"


# --- the templates -----------------------------------------------------------------------


@pytest.mark.parametrize("way", PATHS, indirect=True)
def test_the_templates_import_cleanly_into_an_empty_database_in_order(db, tmp_path, way):
    assert not Enterprise.objects.exists()
    for kind in IMPORT_KINDS:
        data = template_csv(kind)
        assert data.startswith("\ufeff".encode())
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(data)

        report = import_file(kind, path)

        assert (report.encoding, report.created, report.error_count) == ("utf-8", 1, 0), kind
    worker = Worker.objects.get()
    assert (worker.is_team_leader, worker.special_ops) == (True, ["electrical", "welding"])
    assert Enterprise.objects.get().sector == "hazardous_chemicals"
    assert Training.objects.get().kind == "job_safety"
    assert (Certificate.objects.get().category, Trainer.objects.count()) == ("electrical", 1)


def test_the_admin_page_lists_the_columns_and_offers_the_templates(client):
    client.force_login(make_user(role="admin", jurisdiction=None))

    page = client.get("/admin/casework/enterprise/import/")
    template = client.get("/admin/casework/enterprise/import/template/workers.csv")
    unknown = client.get("/admin/casework/enterprise/import/template/pets.csv")

    html = page.content.decode()
    for text in ("行业", "sector", "特种作业类别", "special_ops", "Hazardous chemicals"):
        assert text in html
    assert "/admin/casework/enterprise/import/template/trainers.csv" in html
    assert template.status_code == 200
    assert template["Content-Type"] == "text/csv; charset=utf-8"
    assert "workers-template.csv" in template["Content-Disposition"]
    lines = template.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "企业统一社会信用代码,身份证号,姓名,岗位,是否班组长,特种作业类别,入职日期"
    assert "电工作业;焊接与热切割作业" in lines[1]
    assert unknown.status_code == 404


def test_the_admin_report_names_the_column_as_the_file_did(client, tmp_path):
    company = make_enterprise(uscc=valid_uscc(1))
    header = ["统一社会信用代码", "身份证号", "姓名", "岗位", "是否班组长"]
    path = write_csv(
        tmp_path / "w.csv", header, [[company.uscc, valid_id_number(1), "甲", "x", "也许"]]
    )
    client.force_login(make_user(role="admin", jurisdiction=None))

    with path.open("rb") as file:
        response = client.post(
            "/admin/casework/enterprise/import/",
            {"kind": "workers", "file": file, "encoding": "auto"},
        )

    [error] = response.context["report"]["errors"]
    assert (error["column"], error["header"]) == ("is_team_leader", "是否班组长")
    assert "<td>是否班组长 <code>is_team_leader</code></td>" in response.content.decode()
