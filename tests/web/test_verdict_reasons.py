"""The why of each verdict in the reader's language: the analysis page, the API and the exports."""

from __future__ import annotations

import csv
import html as htmllib
import io
import json
import re
from pathlib import Path

DATA = Path(__file__).parents[1] / "analysis" / "engine" / "data"
CODES = json.loads((DATA / "report_1_0_codes.json").read_text(encoding="utf-8"))  # as the engine writes now
STRINGS = json.loads((DATA / "report_1_0_strings.json").read_text(encoding="utf-8"))  # as stored before codes

RU_WHY = [
    ("38-ФЗ: найдены пометка «реклама» (на экране, 0:20), рекламодатель (Skyeng) и токен erid 2VtzqxABC12; "
     "все обязательные элементы на месте"),
    "38-ФЗ: найден рекламодатель (Skyeng); нет пометки «реклама» и токена erid",
    "38-ФЗ: найдены пометка «реклама» (в речи, 1:40) и токен erid LjN8Kxyz123; нет названия рекламодателя",
    "FTC: найдена пометка о спонсорстве «This video is sponsored» (в речи, 2:20); все обязательные элементы на месте",
    ("FTC: найдена поздняя пометка о спонсорстве «Thanks to Audible for sponsoring» (в речи, 4:00); "
     "нет пометки о спонсорстве в начале рекламы"),
    "FTC: ничего не найдено; нет пометки о спонсорстве",
]
# Words of the English reasons and of the English interface around them.
ENGLISH = re.compile(r"\b(found|missing|label|advertiser|sponsorship|nothing|token|speech|ocr|requirements|Why)\b")


def whys(page: str) -> list[str]:
    """The text of each segment's «why» block, tags dropped, spaces squeezed."""
    blocks = re.findall(r"<dd data-why>(.*?)</dd>", page, flags=re.DOTALL)
    return [" ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", b)).split()) for b in blocks]


async def store(store_analysis, user, report):
    return await store_analysis(user, report=report, verdict="undisclosed", ad_count=6, duration=420.0)


async def test_the_russian_page_gives_every_reason_in_russian(signed_in, store_analysis):
    client, user = signed_in
    analysis = await store(store_analysis, user, CODES)
    page = (await client.get(f"/analysis/{analysis.id}", headers={"Accept-Language": "ru"})).text
    blocks = whys(page)
    assert len(blocks) == 6  # the interaction segment has no verdict
    for block, sentence in zip(blocks, RU_WHY, strict=True):
        assert block.startswith(sentence)
        assert not ENGLISH.search(re.sub(r"«[^»]*»", "", block)), block
    assert "38-ФЗ: не хватает: пометки «реклама», токена erid (найдено: рекламодатель (Skyeng))" in blocks[1]
    assert "FTC: требования выполнены (найдено: пометка о спонсорстве «Реклама» (на экране, 0:20))" in blocks[0]
    assert "Почему" in page and f"/api/v1/analyses/{analysis.id}/report.csv?lang=ru" in page


async def test_the_english_page_shows_the_english_strings(signed_in, store_analysis):
    client, user = signed_in
    analysis = await store(store_analysis, user, CODES)
    page = (await client.get(f"/analysis/{analysis.id}", headers={"Accept-Language": "en"})).text
    blocks = whys(page)
    stored = [s["disclosure"]["deciding_rule"] for s in CODES["segments"] if s["disclosure"]]
    assert [b[: len(s)] for b, s in zip(blocks, stored, strict=True)] == stored
    assert "FTC: requirements met (found: sponsorship label \"Реклама\" (ocr at 20.0s))" in blocks[0]


async def test_an_old_stored_report_still_renders_in_both_languages(signed_in, store_analysis):
    client, user = signed_in
    analysis = await store(store_analysis, user, STRINGS)
    en = await client.get(f"/analysis/{analysis.id}", headers={"Accept-Language": "en"})
    assert en.status_code == 200
    stored = [s["disclosure"]["deciding_rule"] for s in STRINGS["segments"] if s["disclosure"]]
    assert [b[: len(s)] for b, s in zip(whys(en.text), stored, strict=True)] == stored
    ru = await client.get(f"/analysis/{analysis.id}", headers={"Accept-Language": "ru"})
    assert [b[: len(s)] for b, s in zip(whys(ru.text), RU_WHY, strict=True)] == RU_WHY  # read back as codes


async def test_the_api_gives_the_why_in_words_next_to_the_codes(client, make_user, store_analysis):
    user, headers = await make_user()
    analysis = await store(store_analysis, user, STRINGS)
    body = (await client.get(f"/api/v1/analyses/{analysis.id}", params={"lang": "ru"}, headers=headers)).json()
    first = body["report"]["segments"][1]["disclosure"]
    assert first["explanation"]["lang"] == "ru" and first["explanation"]["text"] == RU_WHY[1]
    assert first["explanation"]["rules"][0] == {"regime": "38-ФЗ", "satisfied": False,
                                                "found": ["рекламодатель (Skyeng)"],
                                                "missing": ["пометки «реклама»", "токена erid"]}
    assert first["deciding_rule"] == STRINGS["segments"][1]["disclosure"]["deciding_rule"]  # kept for old clients
    assert body["report"]["segments"][6]["disclosure"] is None
    by_header = await client.get(f"/api/v1/analyses/{analysis.id}", headers={**headers, "Accept-Language": "ru-RU"})
    assert by_header.json()["report"]["segments"][5]["disclosure"]["explanation"]["text"] == RU_WHY[5]
    english = (await client.get(f"/api/v1/analyses/{analysis.id}", headers=headers)).json()
    assert english["report"]["segments"][5]["disclosure"]["explanation"]["text"] == (
        "FTC: nothing found; missing sponsorship label")
    bad = await client.get(f"/api/v1/analyses/{analysis.id}", params={"lang": "de"}, headers=headers)
    assert bad.status_code == 422
    stored = await client.get(f"/api/v1/analyses/{analysis.id}/report.json", headers=headers)
    assert "explanation" not in stored.text  # the download is the report as stored


async def test_exports_take_the_language(client, make_user, store_analysis):
    user, headers = await make_user()
    analysis = await store(store_analysis, user, CODES)
    base = f"/api/v1/analyses/{analysis.id}"
    rows = list(csv.DictReader(io.StringIO((await client.get(f"{base}/report.csv?lang=ru", headers=headers)).text)))
    assert [r["deciding_rule"] for r in rows if r["verdict"]] == RU_WHY
    english = (await client.get(f"{base}/report.csv", headers=headers)).text
    assert "FTC: nothing found; missing sponsorship label" in english
    vtt = (await client.get(f"{base}/report.vtt", headers={**headers, "Accept-Language": "ru"})).text
    assert f"NOTE {RU_WHY[5]}" in vtt and "Спонсор: Skyeng (промаркировано)" in vtt
