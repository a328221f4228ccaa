"""``hub report fall-through``: who may fall through, in Chinese or English, by id only."""

from __future__ import annotations

import json

from hub.bootstrap import Services
from projections import worker
from tests.integration.privacy.conftest import HubHome
from tests.support.ids import numbered


def test_the_report_lists_who_may_fall_through_in_chinese_and_english(
    home: HubHome, services: Services
) -> None:
    hub = services.hub
    p = hub.register_agency(
        name="报表测试县人民检察院",
        kind="procuratorate",
        level="county",
        region_code="659001",
        services=["judicial-relief"],
        response_days=5,
    )
    person = hub.register_person(numbered(11), "报表测试当事人", registered_by=p)
    case = hub.receive_lead(p, person, "applicant", "申请司法救助")
    hub.record_inquiry(case, p, "询问", on_behalf_of="承办检察官")
    hub.review_case(
        case_id=case,
        by_agency=p,
        situation=None,
        refusal_ground="hardship-not-caused-by-case",
        notes="因病致困",
    )
    hub.refuse_relief(case, p, "hardship-not-caused-by-case", "不符合司法救助条件")
    not_built = home.cli("report", "fall-through")
    assert not_built.returncode == 1 and "hub projections" in not_built.stderr
    worker.rebuild(hub, services.views, "fall_through")

    zh = home.cli("report", "fall-through", check=True).stdout
    assert "可能脱节人员" in zh and str(person) in zh and "报表测试县人民检察院" in zh
    assert "不予救助未移送" in zh and "人数: 1" in zh
    assert "报表测试当事人" not in zh  # people by id only
    en = home.cli("report", "fall-through", "--lang", "en", check=True).stdout
    assert "May fall through" in en and "refused, not referred on" in en
    listed = json.loads(home.cli("report", "fall-through", "--json", check=True).stdout)
    assert [i["person_id"] for i in listed["items"]] == [str(person)]
    elsewhere = home.cli("report", "fall-through", "--region", "6540", check=True).stdout
    assert "没有可能脱节的人员" in elsewhere
    bad = home.cli("report", "fall-through", "--region", "65x")
    assert bad.returncode == 1 and "GB/T 2260" in bad.stderr
