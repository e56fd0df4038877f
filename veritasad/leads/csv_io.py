"""CSV in and out for leads. Pure: bytes in, rows and per-cell errors out; no database here.

Import reads the whole (size-capped) file first and refuses it as a whole when it cannot be read as a
table: wrong encoding, a binary file, no header, too many rows. Row problems are reported per row and
column, and the importer writes nothing unless every row is clean.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from veritasad.core.errors import AppError, ErrorCode
from veritasad.leads.schemas import LeadFields

ENCODINGS = ("utf-8", "cp1251", "koi8-r", "utf-16", "latin-1")
FIELDS = (
    "company", "contact_name", "email", "phone", "telegram", "website", "domains", "tags", "notes",
    "stage", "next_follow_up_at", "owner_email",
)
IDENTIFYING = ("company", "contact_name", "email", "domains", "website")
# Header spellings recognised without a mapping (compared lower-case, spaces/dashes/underscores removed).
ALIASES = {
    "company": ["company", "companyname", "brand", "organization", "organisation", "компания", "бренд",
                "организация", "название"],
    "contact_name": ["contactname", "contact", "name", "fullname", "person", "контакт", "имя", "фио",
                     "контактноелицо"],
    "email": ["email", "mail", "emailaddress", "почта", "электроннаяпочта", "емейл", "имейл"],
    "phone": ["phone", "phonenumber", "tel", "telephone", "mobile", "телефон", "тел"],
    "telegram": ["telegram", "tg", "телеграм", "телеграмм"],
    "website": ["website", "site", "url", "web", "сайт"],
    "domains": ["domains", "domain", "домен", "домены"],
    "tags": ["tags", "tag", "labels", "теги", "метки"],
    "notes": ["notes", "note", "comment", "comments", "заметки", "комментарий", "примечание"],
    "stage": ["stage", "status", "этап", "статус", "стадия"],
    "next_follow_up_at": ["nextfollowupat", "followup", "nextfollowup", "followupat", "следующийконтакт"],
    "owner_email": ["owneremail", "owner", "ответственный", "владелец"],
}
_ALIAS_INDEX = {alias: f for f, names in ALIASES.items() for alias in names}
_LIST_SPLIT = re.compile(r"[;,|\n]")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M")


@dataclass
class RowError:
    row: int  # the line-ish row number a spreadsheet shows: the header is row 1
    column: str
    error: str


@dataclass
class Table:
    headers: list[str]
    delimiter: str
    encoding: str
    rows: list[tuple[int, list[str]]]  # (row number, cells); blank rows dropped


@dataclass
class MappedRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    owner_email: str | None = None
    errors: list[RowError] = field(default_factory=list)


def refuse(message: str, **details: Any) -> AppError:
    return AppError(ErrorCode.IMPORT_INVALID, message, details=details or None)


def decode(data: bytes, encoding: str) -> str:
    if encoding.lower() not in ENCODINGS:
        raise refuse(f"Unsupported encoding {encoding!r}", allowed=list(ENCODINGS))
    if not data.strip():
        raise refuse("The file is empty")
    if encoding.lower() != "utf-16" and b"\x00" in data[:4096]:
        raise refuse("This is not a CSV text file (it has binary content; an Excel .xlsx?). Save it as CSV.")
    try:
        text = data.decode("utf-8-sig" if encoding.lower() == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        raise refuse(
            f"The file is not valid {encoding} text (byte 0x{data[exc.start]:02x} at position {exc.start}). "
            "Save it as UTF-8, or say which encoding it has (e.g. encoding=cp1251).",
            encoding=encoding, position=exc.start,
        ) from None
    return text


def read_table(data: bytes, *, encoding: str = "utf-8", max_rows: int) -> Table:
    text = decode(data, encoding)
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
        rows: list[tuple[int, list[str]]] = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= max_rows:
                raise refuse(
                    f"The file has more than {max_rows} rows; split it into files of at most {max_rows} rows",
                    max_rows=max_rows,
                )
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise refuse(f"The file is not well-formed CSV near line {reader.line_num}: {exc}", line=reader.line_num) from None
    _check_headers(headers)
    return Table(headers=headers, delimiter=delimiter, encoding=encoding, rows=rows)


def _check_headers(headers: list[str]) -> None:
    if not any(headers):
        raise refuse("The first row must name the columns (a header such as company,email,phone)")
    if dupes := sorted({h for h in headers if h and headers.count(h) > 1}):
        raise refuse(f"Column names repeat in the header: {', '.join(dupes)}", columns=dupes)


def _key(header: str) -> str:
    return re.sub(r"[\s_\-.]", "", header.lower())


def suggest_mapping(headers: list[str]) -> dict[str, str | None]:
    """Header -> lead field, from known spellings (en/ru); None for columns to ignore."""
    mapping: dict[str, str | None] = {}
    taken: set[str] = set()
    for header in headers:
        target = _ALIAS_INDEX.get(_key(header))
        mapping[header] = target if target and target not in taken else None
        if target:
            taken.add(target)
    return mapping


def check_mapping(headers: list[str], mapping: dict[str, str | None]) -> dict[str, str]:
    unknown_cols = [c for c in mapping if c not in headers]
    unknown_fields = sorted({f for f in mapping.values() if f and f not in FIELDS})
    if unknown_cols or unknown_fields:
        raise refuse("The column mapping does not fit this file", unknown_columns=unknown_cols,
                     unknown_fields=unknown_fields, allowed_fields=list(FIELDS))
    used = [f for f in mapping.values() if f]
    if dupes := sorted({f for f in used if used.count(f) > 1}):
        raise refuse(f"Several columns map to the same field: {', '.join(dupes)}", fields=dupes)
    active = {c: f for c, f in mapping.items() if f}
    if not any(f in IDENTIFYING for f in active.values()):
        raise refuse(
            "No column names the lead: the header is missing or unrecognised. Map at least one column to "
            f"one of {', '.join(IDENTIFYING)}",
            headers=headers, allowed_fields=list(FIELDS),
        )
    return active


def _parse_when(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for fmt in _DATE_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError("not a date: use YYYY-MM-DD, YYYY-MM-DD HH:MM or DD.MM.YYYY") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def map_rows(table: Table, mapping: dict[str, str], stages: list[str]) -> Iterator[MappedRow]:
    """Each row's normalised values, or its errors naming the CSV column."""
    index = {f: table.headers.index(c) for c, f in mapping.items()}
    column_of = {f: c for c, f in mapping.items()}
    width = len(table.headers)
    for line, cells in table.rows:
        out = MappedRow(row=line)
        if len(cells) > width:
            out.errors.append(RowError(line, "(row)", f"has {len(cells)} cells but the header has {width}"))
            yield out
            continue
        raw = {f: (cells[i].strip() if i < len(cells) else "") for f, i in index.items()}
        data: dict[str, Any] = {f: v for f, v in raw.items() if v and f not in ("owner_email",)}
        for f in ("domains", "tags"):
            if f in data:
                data[f] = [p for p in _LIST_SPLIT.split(data[f]) if p.strip()]
        if "next_follow_up_at" in data:
            try:
                data["next_follow_up_at"] = _parse_when(data["next_follow_up_at"])
            except ValueError as exc:
                out.errors.append(RowError(line, column_of["next_follow_up_at"], str(exc)))
                del data["next_follow_up_at"]
        if data.get("stage") and data["stage"] not in stages:
            out.errors.append(RowError(line, column_of["stage"], f"unknown stage; use one of {', '.join(stages)}"))
        try:
            out.values = LeadFields.model_validate(data).model_dump(exclude_none=True)
        except ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else "(row)"
                out.errors.append(RowError(line, column_of.get(name, name), err["msg"].removeprefix("Value error, ")))
        if not any(out.values.get(f) for f in IDENTIFYING) and not out.errors:
            out.errors.append(RowError(line, "(row)", "nothing names the lead: give a company, contact, e-mail or domain"))
        out.owner_email = raw.get("owner_email", "").lower() or None
        yield out


# --- export ----------------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "id", "company", "contact_name", "email", "phone", "telegram", "website", "domains", "source", "stage",
    "score", "owner_email", "tags", "next_follow_up_at", "seen_count", "last_seen_at", "lost_reason", "notes",
    "created_at", "updated_at",
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(value)
    elif isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    text = str(value)
    # A cell starting with = + - @ runs as a formula in spreadsheets (CSV injection); quote it as text.
    # Plain numbers (an E.164 phone) are harmless and stay as they are.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.match(text):
        return "'" + text
    return text


def _line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def export_header() -> str:
    """The header line, after a UTF-8 BOM so that Excel reads Cyrillic right."""
    return "\ufeff" + _line(list(EXPORT_COLUMNS))


def export_line(record: dict[str, Any]) -> str:
    return _line([_cell(record.get(c)) for c in EXPORT_COLUMNS])
