"""The audit report is a document an auditor can file: its pages are drawn, not blank.

Each page of 周某's replay report is rendered by poppler (``pdftoppm``) and every Chinese word
that ``pdftotext -bbox`` places on it must have ink where it is placed; the same title drawn
the old way (ReportLab's STSong-Light, not embedded) has none. The pages are drawn the same
with no system font at all (an empty fontconfig), so the glyphs come from the file. ``pdffonts``
lists only embedded subsets; the text reads for people (names, roles, agencies, events in
Chinese or English, 元, business dates), and every page carries the as-of time, the
verification and "page n of N". The file is PDF/A-2B in shape (XMP, output intent).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from html import unescape
from pathlib import Path
from typing import Any
from uuid import UUID

import pikepdf
import pytest
from PIL import Image

from hub.audit.export import to_pdf
from hub.audit.reading import CHINA
from hub.bootstrap import Services
from hub.demo import network as n
from hub.demo.driver import Driver
from hub.settings import Settings
from tests.integration.privacy.conftest import NAMES, HubHome

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler-utils is not installed (scripts/setup.sh)"
)
DPI = 100
MADE = datetime(2026, 12, 2, 18, 5, tzinfo=CHINA)
CJK = re.compile(r"^[\u4e00-\u9fff（）：、，]+$")
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> HubHome:
    """The report does not depend on the log: one embedded hub for the module."""
    return HubHome(Settings(data_dir=tmp_path_factory.mktemp("hub")))


@pytest.fixture(scope="module")
def zhou(services: Services, scenarios: dict[str, Any]) -> dict[str, Any]:
    return services.hub.replay_case(UUID(scenarios["scenario_3_zhou"]["case_id"]))


def write(tmp_path: Path, data: bytes, name: str = "report.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run(*command: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60, env=env)
    return done.stdout


def pages(pdf: Path, env: dict[str, str] | None = None) -> list[Image.Image]:
    out = pdf.with_suffix("")
    run("pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), str(out), env=env)
    files = sorted(pdf.parent.glob(f"{out.name}-*.png"), key=lambda p: int(p.stem.rsplit("-")[-1]))
    return [Image.open(f).convert("L") for f in files]


def ink(page: Image.Image, box: tuple[float, float, float, float]) -> float:
    """The share of dark pixels in a box given in PDF points from the top left."""
    scale = DPI / 72
    region = page.crop(tuple(round(v * scale) for v in box))  # type: ignore[arg-type]
    histogram = region.histogram()
    return sum(histogram[:128]) / max(1, region.width * region.height)


def placed_words(pdf: Path) -> list[list[tuple[tuple[float, float, float, float], str]]]:
    """Each page's words with their boxes, as poppler places them."""
    html = run("pdftotext", "-bbox", str(pdf), "-")
    found = []
    for page in html.split("<page ")[1:]:
        found.append(
            [
                ((float(a), float(b), float(c), float(d)), unescape(text))
                for a, b, c, d, text in WORD.findall(page)
            ]
        )
    return found


def text_of(pdf: Path) -> list[str]:
    return run("pdftotext", "-layout", str(pdf), "-").split("\f")[:-1]


def old_style_title(tmp_path: Path) -> tuple[Path, tuple[float, float, float, float]]:
    """The title drawn as the report used to draw it: STSong-Light, not embedded."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "old.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("STSong-Light", 16)
    canvas.drawString(100, 700, "案件回溯审计报告")
    canvas.save()
    height = canvas._pagesize[1]
    return path, (100, height - 700 - 14, 100 + 8 * 16, height - 700 + 3)


def test_every_chinese_word_is_drawn_where_it_is_placed(
    zhou: dict[str, Any], tmp_path: Path
) -> None:
    pdf = write(tmp_path, to_pdf(zhou, "zh", MADE))
    rendered = pages(pdf)
    words = placed_words(pdf)
    assert len(rendered) == len(words) >= 2
    checked = 0
    for page, placed in zip(rendered, words, strict=True):
        for box, text in placed:
            if CJK.match(text) and len(text) >= 2:
                assert ink(page, box) > 0.04, (text, box)
                checked += 1
    assert checked > 50
    # the same title drawn the old way is blank on poppler
    old, box = old_style_title(tmp_path)
    assert ink(pages(old)[0], box) == 0
    title = next(b for b, t in words[0] if t == "案件回溯审计报告")
    assert ink(rendered[0], title) > 0.04


def test_pages_are_drawn_from_the_file_alone(zhou: dict[str, Any], tmp_path: Path) -> None:
    """With no font on the system (an empty fontconfig), the pages are drawn the same."""
    pdf = write(tmp_path, to_pdf(zhou, "zh", MADE))
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n')
    import os

    bare = pages(pdf, env={**os.environ, "FONTCONFIG_FILE": str(config)})
    assert [p.tobytes() for p in bare] == [p.tobytes() for p in pages(pdf)]


def test_only_embedded_subsets(zhou: dict[str, Any], tmp_path: Path) -> None:
    pdf = write(tmp_path, to_pdf(zhou, "zh", MADE))
    rows = run("pdffonts", str(pdf)).splitlines()[2:]
    assert rows
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert re.match(r"^[A-Z]{6}\+WenQuanYiZenHei", name), row
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row


def test_it_reads_for_people_in_chinese(zhou: dict[str, Any], tmp_path: Path) -> None:
    pdf = write(tmp_path, to_pdf(zhou, "zh", MADE))
    texts = text_of(pdf)
    whole = "\n".join(texts)
    for expected in (
        "案件回溯审计报告",
        "奎屯市人民检察院",  # agencies by name, not id
        "奎屯市城建投资集团有限公司",
        "胡磊（承办检察官）",  # the official's name and role
        "高斌（检察长）",
        "受理线索/申请",  # events in Chinese
        "听证",
        "决定救助",
        "发放救助金",
        "已办结",
        "60,000.00 元",  # amounts in 元
        "31,000.00 元",
        "2021-08-10",  # business dates
        "2021-10-20",
        "（2021）新刑初",
    ):
        assert expected in whole, expected
    for uuid_of_agency in (zhou["case"]["procuratorate_id"],):
        assert uuid_of_agency not in whole
    assert '{"' not in whole and "user_id" not in whole
    for number, page in enumerate(texts, start=1):
        assert "截至：生成时" in page
        assert "哈希链校验：通过（12 个事件）" in page
        assert f"第{number}页/共{len(texts)}页" in page.replace(" ", "")
        assert "生成于 2026-12-02 18:05:00" in page
    assert not [name for name in NAMES if name in whole]


def test_english_and_an_as_of_time(
    services: Services, scenarios: dict[str, Any], tmp_path: Path
) -> None:
    case_id = UUID(scenarios["scenario_3_zhou"]["case_id"])
    as_of = datetime(2021, 9, 1, 12, tzinfo=CHINA)
    replay = services.hub.replay_case(case_id, as_of, "business")
    texts = text_of(write(tmp_path, to_pdf(replay, "en", MADE)))
    whole = "\n".join(texts)
    for expected in ("Case replay audit report", "reviewed", "inquiry", "case officer"):
        assert expected in whole, expected
    assert "relief granted" not in whole and "CNY 0.00" in whole
    for page in texts:
        assert "As of: 2021-09-01 12:00:00 (China time, on business dates)" in page


def test_archival_metadata_and_output_intent(zhou: dict[str, Any], tmp_path: Path) -> None:
    pdf = write(tmp_path, to_pdf(zhou, "zh", MADE))
    with pikepdf.open(pdf) as doc:
        meta = doc.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B")
        assert meta["dc:title"].startswith("案件回溯审计报告")
        intent = doc.Root.OutputIntents[0]
        assert intent.S == pikepdf.Name.GTS_PDFA1
        profile = intent.DestOutputProfile
        assert profile.N == 3 and profile.read_bytes()[36:40] == b"acsp"
        assert str(doc.Root.Lang) == "zh-CN"
        assert doc.trailer.ID
        # the document information says nothing the XMP does not
        assert set(doc.docinfo.keys()) <= {
            "/Title",
            "/Author",
            "/Creator",
            "/Producer",
            "/CreationDate",
            "/ModDate",
        }


def test_the_cli_table_names_who_acted(home: HubHome, scenarios: dict[str, Any]) -> None:
    done = home.cli("audit", "replay", scenarios["scenario_3_zhou"]["case_id"], check=True)
    out = done.stdout
    assert "胡磊（承办检察官）" in out and "奎屯市人民检察院" in out
    assert "张强（经办人）" in out and n.KUYTUN_PROCURATORATE in out
    assert "决定救助" in out and "60,000.00 元" in out and "哈希链校验: 通过" in out
    assert "user_id" not in out and '{"' not in out
    english = home.cli(
        "audit", "replay", scenarios["scenario_3_zhou"]["case_id"], "--lang", "en", check=True
    )
    assert "胡磊 (case officer)" in english.stdout and "relief granted" in english.stdout


def test_the_endpoint_answers_the_report_or_a_problem(
    driver: Driver,
    auditor: str,
    scenarios: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    path = f"/audit/cases/{scenarios['scenario_3_zhou']['case_id']}/replay"
    allowed = {"Authorization": f"Bearer {driver.tokens[auditor]}"}
    answer = driver.client.get(path, params={"format": "pdf", "lang": "en"}, headers=allowed)
    assert answer.status_code == 200
    assert "Case replay audit report" in "\n".join(text_of(write(tmp_path, answer.content)))
    from hub.audit import fonts

    gone = fonts.FontFile(tmp_path / "none.ttc", 0, "fonts-wqy-zenhei")
    monkeypatch.setattr(fonts, "CANDIDATES", (gone,))
    monkeypatch.setattr(fonts.pdfmetrics, "getRegisteredFontNames", lambda: [])
    missing = driver.client.get(path, params={"format": "pdf"}, headers=allowed)
    assert missing.status_code == 503
    assert missing.json()["type"] == "/problems/report-font-missing"
    assert "fonts-wqy-zenhei" in missing.json()["detail"]


def test_an_erased_person_stays_erased(
    services: Services, scenarios: dict[str, Any], tmp_path: Path
) -> None:
    replay = services.hub.replay_case(UUID(scenarios["scenario_5_ye"]["case_id"]))
    person_id = UUID(replay["person"]["id"])
    services.hub.erase_person(person_id, "《个人信息保护法》第四十七条", "test administrator")
    erased = services.hub.replay_case(UUID(scenarios["scenario_5_ye"]["case_id"]))
    assert erased["person"] == {"id": str(person_id), "erased": True}
    whole = "\n".join(text_of(write(tmp_path, to_pdf(erased, "zh", MADE))))
    assert f"{person_id}，已删除（个人信息已销毁）" in whole
    assert "叶某" not in whole
