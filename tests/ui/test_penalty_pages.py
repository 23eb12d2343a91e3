"""The penalty case's staff pages: the list, the case with its parties, tiers, actions."""

import pytest

from penalties.discretion import SAMPLE, benchmarks_load
from penalties.models import PenaltyCase
from tests.inspections.test_rectification_api import Case
from tests.penalties.test_penalty_cases import step, unit


@pytest.fixture
def case(db):
    scene = Case()
    benchmarks_load(SAMPLE)
    return scene


def test_the_supervisor_files_the_case_on_its_page_and_sees_the_tier_applied(case, login):
    case.issue()
    pk = PenaltyCase.objects.get().pk
    client = login(case.supervisor)
    listed = client.get("/penalties/").content.decode()
    assert f'href="/penalties/{pk}/"' in listed and "拟立案" in listed
    page = client.get(f"/penalties/{pk}/").content.decode()
    assert 'id="transition-file"' in page and "data-turbo-confirm" in page
    assert '<dd id="next-step">立案 · ' in page
    filed = client.post(f"/penalties/{pk}/", {"transition": "file", "version": "0"})
    assert filed.status_code == 302
    assert PenaltyCase.objects.get(pk=pk).state == "filed"

    officers = [o.username for o in case.officers]
    step(case.officers[0], pk, "start_investigation", officers=officers)
    page = login(case.officers[0]).get(f"/penalties/{pk}/").content.decode()
    assert 'id="by-api"' in page  # the fines per party: through the API for now
    step(
        case.officers[0],
        pk,
        "conclude",
        facts="未培训上岗",
        parties=[unit("20000", tier="lighter")],
    )
    page = client.get(f"/penalties/{pk}/").content.decode()
    parties = page[page.index('id="parties"') :]
    assert "从轻（1000.00–30000.00）" in parties and "示例" in parties
    assert "《安全生产法》（2021年修正）第九十七条" in parties
    assert "20000.00" in parties
    shown = page[: page.index("cw-timeline")]  # the raw record behind the toggles aside
    assert "art97_stage1" not in shown.replace('value="art97_stage1"', "")


def test_another_district_gets_404_on_the_case_page(case, login):
    from tests.factories import make_user

    case.issue()
    pk = PenaltyCase.objects.get().pk
    stranger = make_user(role="supervisor", jurisdiction="450123")
    assert login(stranger).get(f"/penalties/{pk}/").status_code == 404
