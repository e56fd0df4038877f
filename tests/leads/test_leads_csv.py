"""CSV import (preview, mapping, per-row errors, all-or-nothing, limits) and export of a filtered list."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import func, select

from veritasad.models.lead import Lead

MESSY = (
    "Компания;E-mail;Телефон;Сайт;Теги;Этап;Комментарий\n"
    "Ёлка Маркет;Sales@Elka.RU;8 (916) 123-45-67;https://www.elka.ru/shop;retail, vip;contacted;met at expo\n"
    "Beta Bank;not-an-email;+1 650 253 0000;betabank.com;;new;\n"
    "\n"
    "Gamma;info@gamma.io;12345;gamma.io;;negotiating;\n"
    "Ёлка (dup);sales@elka.ru;;;wholesale;;second row for the same shop\n"
    ";;;;;;\n"
    "=HYPERLINK(\"http://evil\");evil@evil.com;;;;;\n"
)


def upload(content: bytes | str, **form):
    data = content.encode() if isinstance(content, str) else content
    return {"files": {"file": ("leads.csv", data, "text/csv")}, "data": form}


async def test_preview_lists_every_problem_and_import_refuses_all(client, staff, session):
    (_, ah), *_ = staff
    r = await client.post("/api/v1/leads/import/preview", headers=ah, **upload(MESSY))
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["delimiter"] == ";" and p["total_rows"] == 5
    assert p["mapping"]["Компания"] == "company" and p["mapping"]["E-mail"] == "email"
    problems = {(e["row"], e["column"]) for e in p["errors"]}
    assert problems == {(3, "E-mail"), (5, "Телефон"), (5, "Этап")}
    assert p["valid_rows"] == 3  # rows 2, 6 and 8; the all-blank row 7 is skipped
    assert {"row": 6, "lead_id": 0} in p["would_merge"]  # same e-mail as row 2

    r = await client.post("/api/v1/leads/import", headers=ah, **upload(MESSY))
    assert r.status_code == 422 and r.json()["error_code"] == "IMPORT_INVALID"
    assert r.json()["details"]["error_count"] == 3
    assert await session.scalar(select(func.count(Lead.id))) == 0  # nothing half-imported


async def test_clean_import_with_mapping_dedupes(client, staff, session, new_lead):
    (alice, ah), (bob, _), *_ = staff
    existing = await new_lead(ah, company="Existing", email="old@known.com")
    content = (
        "Brand,Mail,Who,Phone\n"
        "Known Co,OLD@known.com,,\n"
        "Fresh,fresh@new.io,bob@sales.test,+7 495 123-45-67\n"
        "Fresh twin,fresh@new.io,,\n"
    )
    mapping = {"Brand": "company", "Mail": "email", "Who": "owner_email", "Phone": "phone"}
    r = await client.post("/api/v1/leads/import", headers=ah, **upload(content, mapping=json.dumps(mapping)))
    assert r.status_code == 201, r.text
    result = r.json()
    assert result["created"] == 1 and result["merged"] == 2
    assert existing["id"] in result["lead_ids"]
    fresh = (await session.execute(select(Lead).where(Lead.email == "fresh@new.io"))).scalar_one()
    assert fresh.owner_id == bob.id and fresh.phone == "+74951234567" and fresh.source.value == "import"
    assert await session.scalar(select(func.count(Lead.id))) == 2
    assert alice.id != bob.id


async def test_refusals_for_unreadable_files(client, staff, settings, session):
    (_, ah), *_ = staff
    cases = {
        "cp1251": ("Компания,email\nЁлка,a@b.ru\n".encode("cp1251"), {}, "not valid utf-8"),
        "no header": ("Acme;a@acme.com\nBeta;b@beta.com\n", {}, "No column names the lead"),
        "binary": (b"PK\x03\x04\x00\x00binaryxlsx", {}, "not a CSV text file"),
        "empty": (b"   ", {}, "empty"),
        "dupe header": ("email,email\na@b.c,x@y.z\n", {}, "repeat"),
        "bad mapping": ("company\nA\n", {"mapping": json.dumps({"nope": "company"})}, "does not fit"),
        "ragged": ("company,email\nA,a@a.com,extra\n", {}, "problem"),
    }
    for name, (content, form, needle) in cases.items():
        r = await client.post("/api/v1/leads/import", headers=ah, **upload(content, **form))
        assert r.status_code == 422, (name, r.text)
        assert r.json()["error_code"] == "IMPORT_INVALID", name
        assert needle.lower() in r.json()["message"].lower(), (name, r.json()["message"])
    # the same cp1251 file is fine once its encoding is named
    r = await client.post("/api/v1/leads/import", headers=ah,
                          **upload("Компания,email\nЁлка,a@b.ru\n".encode("cp1251"), encoding="cp1251"))
    assert r.status_code == 201 and r.json()["created"] == 1


async def test_too_many_rows_is_refused_whole(client, staff, session, settings):
    (_, ah), *_ = staff
    rows = "".join(f"Co {i},c{i}@x.io\n" for i in range(100_000))
    content = ("company,email\n" + rows).encode()
    assert len(content) < settings.lead_import_max_bytes  # refused for the row count, not the size
    r = await client.post("/api/v1/leads/import", headers=ah, **upload(content))
    assert r.status_code == 422
    assert f"more than {settings.lead_import_max_rows} rows" in r.json()["message"]
    assert await session.scalar(select(func.count(Lead.id))) == 0


async def test_oversized_file_is_refused(client, staff, settings):
    (_, ah), *_ = staff
    content = b"company\n" + b"x" * (settings.lead_import_max_bytes + 10)
    r = await client.post("/api/v1/leads/import/preview", headers=ah, **upload(content))
    assert r.status_code == 413 and r.json()["error_code"] == "BODY_TOO_LARGE"


async def test_export_filtered_list(client, staff, new_lead):
    (_, ah), (_, bh), *_ = staff
    await new_lead(ah, company="Ёлка", email="a@elka.ru", phone="+7 916 123 45 67", tags=["vip", "retail"])
    await new_lead(ah, company="=cmd|' /C calc'!A0", stage="won")
    await new_lead(bh, company="Bob's secret")
    r = await client.get("/api/v1/leads/export.csv", headers=ah, params={"sort": "company", "order": "asc"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row["company"] for row in rows] == ["'=cmd|' /C calc'!A0", "Ёлка"]  # formula neutralised
    elka = rows[1]
    assert elka["phone"] == "+79161234567" and elka["tags"] == "vip; retail" and elka["owner_email"] == "alice@sales.test"
    r = await client.get("/api/v1/leads/export.csv", headers=ah, params={"stage": "won"})
    assert len(list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))) == 1
    r = await client.get("/api/v1/leads/export.csv", headers=ah, params={"stage": "nope"})
    assert r.status_code == 422
