"""The demo network: the agencies named in the source document, in their real regions.

Region codes are GB/T 2260: 65 Xinjiang, 6540 Ili, 654025 Xinyuan county, 654003 Kuytun,
6542 Tacheng, 6523 Changji, 652328 Mori county.
"""

from __future__ import annotations

from hub.demo.driver import Driver

XJ_PROCURATORATE = "新疆维吾尔自治区人民检察院"
ILI_PROCURATORATE = "伊犁哈萨克自治州人民检察院"
TACHENG_BRANCH = "伊犁哈萨克自治州人民检察院塔城分院"

XINYUAN_PROCURATORATE = "新源县人民检察院"
XINYUAN_COMMERCE = "新源县商务和工业信息化局"
XINYUAN_DEPARTMENTS = {
    # name: (kind, services)
    XINYUAN_COMMERCE: ("commerce-bureau", ["donation", "job"]),
    "新源县委政法委": ("political-legal-committee", ["judicial-relief"]),
    "新源县民政局": ("civil-affairs", ["minimum-living-allowance", "temporary-aid"]),
    "新源县教育局": ("education", ["education-aid"]),
    "新源县医疗保障局": ("medical-insurance", ["medical-aid"]),
    "新源县残疾人联合会": ("disabled-persons-federation", ["employment-aid", "medical-aid"]),
    "新源县司法局": ("justice-bureau", ["counselling"]),
    "新源县乡村振兴局": ("rural-revitalisation", ["employment-aid", "housing-aid"]),
    "共青团新源县委员会": ("youth-league", ["student-loan", "counselling"]),
}
XINYUAN_DONOR = "新源县爱心企业家联谊会"

KUYTUN_PROCURATORATE = "奎屯市人民检察院"
KUYTUN_CIVIL_AFFAIRS = "奎屯市民政局"
KUYTUN_MEDICAL_INSURANCE = "奎屯市医疗保障局"
KUYTUN_CITY_INVESTMENT = "奎屯市城建投资集团有限公司"
KUYTUN_DONOR = "奎屯市爱心企业"
KUYTUN_VOLUNTEERS = "奎屯市义工协会"
KUYTUN_YOUTH_LEAGUE = "共青团奎屯市委员会"
KUYTUN_PROPERTY_ASSOCIATION = "奎屯市物业行业协会"

#: the eleven units the 塔城 branch convened in 2022 (the report names four; the others are
#: the departments its measures need: 低保、医疗、就学、就业、心理辅导)
TACHENG_UNITS = {
    # name: (kind, services)
    "塔城地区教育局": ("education", ["education-aid"]),
    "塔城地区民政局": ("civil-affairs", ["minimum-living-allowance", "temporary-aid"]),
    "塔城地区司法局": ("justice-bureau", ["counselling"]),
    "塔城地区乡村振兴局": ("rural-revitalisation", ["employment-aid", "housing-aid"]),
    "塔城地区医疗保障局": ("medical-insurance", ["medical-aid"]),
    "塔城地区残疾人联合会": ("disabled-persons-federation", ["employment-aid"]),
    "塔城地区人力资源和社会保障局": ("other", ["employment-aid", "job"]),
    "塔城地区卫生健康委员会": ("other", ["medical-aid"]),
    "塔城地区妇女联合会": ("other", ["counselling"]),
    "共青团塔城地区委员会": ("youth-league", ["student-loan", "counselling"]),
    "塔城地区商务局": ("commerce-bureau", ["donation", "job"]),
}

MORI_PROCURATORATE = "木垒哈萨克自治县人民检察院"
MORI_BUILDER = "新疆安得伟业建筑安装工程有限公司"


def register_network(d: Driver) -> None:
    """Registers every agency of the scenarios and issues each a staff token."""
    xj = d.register(
        XJ_PROCURATORATE,
        kind="procuratorate",
        level="autonomous-region",
        region_code="65",
        services=["judicial-relief"],
    )
    ili = d.register(
        ILI_PROCURATORATE,
        kind="procuratorate",
        level="prefecture",
        region_code="6540",
        services=["judicial-relief"],
        parent_id=xj,
    )
    d.register(
        TACHENG_BRANCH,
        kind="procuratorate",
        level="prefecture",
        region_code="6542",
        services=["judicial-relief"],
        parent_id=ili,
    )
    for name, code in (
        (XINYUAN_PROCURATORATE, "654025"),
        (KUYTUN_PROCURATORATE, "654003"),
        (MORI_PROCURATORATE, "652328"),
    ):
        d.register(
            name,
            kind="procuratorate",
            level="county",
            region_code=code,
            services=["judicial-relief"],
            parent_id=ili if code.startswith("6540") else xj,
        )
    for name, (kind, services) in XINYUAN_DEPARTMENTS.items():
        d.register(
            name,
            kind=kind,
            level="county",
            region_code="654025",
            services=services,
            response_days=5,
        )
    county = {"level": "county", "response_days": 5}
    d.register(
        XINYUAN_DONOR,
        kind="enterprise",
        region_code="654025",
        services=["donation", "job"],
        **county,
    )
    d.register(
        KUYTUN_CIVIL_AFFAIRS,
        kind="civil-affairs",
        region_code="654003",
        services=["minimum-living-allowance", "temporary-aid"],
        **county,
    )
    d.register(
        KUYTUN_MEDICAL_INSURANCE,
        kind="medical-insurance",
        region_code="654003",
        services=["medical-aid"],
        level="county",
        response_days=10,
    )
    d.register(
        KUYTUN_CITY_INVESTMENT,
        kind="enterprise",
        region_code="654003",
        services=["donation"],
        **county,
    )
    d.register(
        KUYTUN_DONOR, kind="enterprise", region_code="654003", services=["donation"], **county
    )
    d.register(
        KUYTUN_VOLUNTEERS,
        kind="volunteer-association",
        region_code="654003",
        services=["counselling"],
        **county,
    )
    d.register(
        KUYTUN_YOUTH_LEAGUE,
        kind="youth-league",
        region_code="654003",
        services=["student-loan"],
        **county,
    )
    d.register(
        KUYTUN_PROPERTY_ASSOCIATION,
        kind="industry-association",
        region_code="654003",
        services=["job"],
        **county,
    )
    d.register(
        MORI_BUILDER,
        kind="enterprise",
        level="autonomous-region",
        region_code="65",
        services=["donation"],
        response_days=5,
    )
    for name, (kind, services) in TACHENG_UNITS.items():
        d.register(
            name,
            kind=kind,
            level="prefecture",
            region_code="6542",
            services=services,
            response_days=5,
        )
