"""Inspections are searched the same way on the staff list and in the API, within one's scope."""

import datetime

from tests.factories import client_for, make_enterprise, make_inspection, make_user

D = datetime.date


def world():
    qingxiu = make_enterprise(jurisdiction="450103", name="南宁青秀化工有限公司")
    longan = make_enterprise(jurisdiction="450123", name="隆安县烟花爆竹有限公司")
    district = [
        make_user(role="officer", jurisdiction="450103", full_name=n) for n in ("张伟", "刘洋")
    ]
    county = [
        make_user(role="officer", jurisdiction="450123", full_name=n) for n in ("杨帆", "周静")
    ]
    early = make_inspection(enterprise=qingxiu, officers=district, planned_on=D(2026, 3, 2))
    late = make_inspection(
        enterprise=qingxiu, officers=district[:1] + district[1:], planned_on=D(2026, 9, 1)
    )
    there = make_inspection(enterprise=longan, officers=county, planned_on=D(2026, 3, 3))
    return locals()


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def test_the_api_filters_by_text_district_dates_and_officer(db):
    w = world()
    city = client_for(make_user(role="supervisor", jurisdiction="450100"))

    assert ids(city.get("/api/v1/inspections/?q=隆安")) == {w["there"].pk}
    assert ids(city.get(f"/api/v1/inspections/?q={w['qingxiu'].uscc.lower()}")) == {
        w["early"].pk,
        w["late"].pk,
    }
    assert ids(city.get("/api/v1/inspections/?jurisdiction=450123")) == {w["there"].pk}
    assert ids(
        city.get("/api/v1/inspections/?planned_after=2026-03-01&planned_before=2026-03-31")
    ) == {w["early"].pk, w["there"].pk}
    assert ids(city.get(f"/api/v1/inspections/?officer={w['county'][0].pk}")) == {w["there"].pk}
    longan = w["longan"].pk
    assert ids(city.get(f"/api/v1/inspections/?state=planned&enterprise={longan}")) == {
        w["there"].pk
    }


def test_a_district_officer_cannot_name_the_countys_officer_or_district(db):
    w = world()
    district = client_for(w["district"][0])

    for query in (
        f"officer={w['county'][0].pk}",
        "jurisdiction=450123",
        f"enterprise={w['longan'].pk}",
    ):
        invisible = district.get(f"/api/v1/inspections/?{query}")
        missing = district.get(f"/api/v1/inspections/?{query.split('=')[0]}=987654")
        assert invisible.status_code == missing.status_code == 400
        assert invisible.json() == missing.json()
    assert ids(district.get("/api/v1/inspections/?q=隆安")) == set()


def test_the_staff_list_searches_counts_and_shows_the_district_to_the_city(login, db):
    w = world()
    city = login(make_user(role="supervisor", jurisdiction="450100"))
    city.cookies["django_language"] = "en"

    page = city.get(
        "/inspections/?planned_after=2026-03-01&planned_before=2026-03-31"
    ).content.decode()

    assert "2 inspections" in page
    assert "隆安县烟花爆竹有限公司" in page and "南宁青秀化工有限公司" in page
    assert "District or county" in page and "隆安县" in page
    district_page = login(w["district"][0]).get("/inspections/").content.decode()
    assert "隆安县烟花爆竹有限公司" not in district_page
    assert "共 2 次现场检查" in district_page
    # A date that does not exist: said beside the field, and nothing is filtered.
    bad = city.get("/inspections/?planned_after=2026-02-30").content.decode()
    assert "Enter a valid date." in bad and "3 inspections" in bad
