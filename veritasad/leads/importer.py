"""CSV import use cases: a preview (what would happen, with every error), and the import itself, which
writes all rows or, when any row is wrong, none."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.core.errors import AppError, ErrorCode
from veritasad.core.settings import get_settings
from veritasad.leads import csv_io
from veritasad.leads.changes import add_activity, stages, with_site_domain
from veritasad.leads.csv_io import MappedRow, RowError
from veritasad.leads.dedupe import find_open_duplicate
from veritasad.leads.service import save_new
from veritasad.models.enums import ActivityKind, LeadSource, Role, UserStatus
from veritasad.models.user import User

MAX_REPORTED_ERRORS = 1000
PREVIEW_ROWS = 20


class RowErrorOut(BaseModel):
    row: int
    column: str
    error: str


class ImportPreview(BaseModel):
    headers: list[str]
    delimiter: str
    encoding: str
    mapping: dict[str, str | None]
    total_rows: int
    valid_rows: int
    would_create: int
    would_merge: list[dict[str, int]]  # [{"row": n, "lead_id": id}] (lead_id 0: an earlier row of this file)
    errors: list[RowErrorOut]
    error_count: int
    sample: list[dict[str, Any]]


class ImportResult(BaseModel):
    created: int
    merged: int
    lead_ids: list[int]


async def _staff_by_email(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(func.lower(User.email), User.id).where(
            User.role.in_([Role.sales, Role.admin]), User.status == UserStatus.active, User.email.is_not(None)
        )
    )
    return {email: uid for email, uid in rows.all()}


async def _plan(
    session: AsyncSession, data: bytes, encoding: str, mapping: dict[str, str | None] | None
) -> tuple[csv_io.Table, dict[str, str | None], list[MappedRow]]:
    table = csv_io.read_table(data, encoding=encoding, max_rows=get_settings().lead_import_max_rows)
    mapping = mapping if mapping is not None else csv_io.suggest_mapping(table.headers)
    active = csv_io.check_mapping(table.headers, mapping)
    owners = await _staff_by_email(session)
    owner_column = next((c for c, f in active.items() if f == "owner_email"), "owner_email")
    rows = []
    for row in csv_io.map_rows(table, active, stages()):
        if row.owner_email:
            if row.owner_email in owners:
                row.values["owner_id"] = owners[row.owner_email]
            else:
                row.errors.append(RowError(row.row, owner_column, "no active sales or admin user has this e-mail"))
        rows.append(row)
    return table, mapping, rows


def _errors(rows: list[MappedRow]) -> list[RowError]:
    return [e for r in rows for e in r.errors]


async def preview(
    session: AsyncSession, data: bytes, *, encoding: str = "utf-8", mapping: dict[str, str | None] | None = None
) -> ImportPreview:
    table, mapping, rows = await _plan(session, data, encoding, mapping)
    errors = _errors(rows)
    merges: list[dict[str, int]] = []
    seen_keys: set[str] = set()
    for row in rows:
        if row.errors:
            continue
        values = with_site_domain(row.values)
        keys = {f"e:{values['email']}"} if values.get("email") else set()
        keys |= {f"d:{d}" for d in values.get("domains", [])}
        if keys & seen_keys:
            merges.append({"row": row.row, "lead_id": 0})
        elif (dup := await find_open_duplicate(session, values)) is not None:
            merges.append({"row": row.row, "lead_id": dup.id})
        seen_keys |= keys
    valid = sum(1 for r in rows if not r.errors)
    return ImportPreview(
        headers=table.headers, delimiter=table.delimiter, encoding=table.encoding, mapping=mapping,
        total_rows=len(rows), valid_rows=valid, would_create=valid - len(merges), would_merge=merges,
        errors=[RowErrorOut(**e.__dict__) for e in errors[:MAX_REPORTED_ERRORS]], error_count=len(errors),
        sample=[{"row": r.row, **r.values} for r in rows[:PREVIEW_ROWS]],
    )


async def run_import(
    session: AsyncSession, actor: User, data: bytes, *, encoding: str = "utf-8",
    mapping: dict[str, str | None] | None = None,
) -> ImportResult:
    _, _, rows = await _plan(session, data, encoding, mapping)
    if errors := _errors(rows):
        raise AppError(
            ErrorCode.IMPORT_INVALID,
            f"{len(errors)} problem(s) in {len({e.row for e in errors})} row(s); nothing was imported",
            details={"errors": [e.__dict__ for e in errors[:MAX_REPORTED_ERRORS]], "error_count": len(errors)},
        )
    created = merged = 0
    ids: list[int] = []
    for row in rows:
        if actor.role == Role.sales:
            row.values.setdefault("owner_id", actor.id)  # a salesperson's import is theirs, like their own leads
        lead, was_merged = await save_new(session, row.values, LeadSource.import_, actor.id)
        if not was_merged:
            add_activity(session, lead, ActivityKind.system, f"Imported from CSV row {row.row}", actor.id)
        merged += was_merged
        created += not was_merged
        ids.append(lead.id)
    await session.flush()
    return ImportResult(created=created, merged=merged, lead_ids=list(dict.fromkeys(ids)))
