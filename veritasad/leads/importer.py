"""CSV import use cases: a preview (what would happen, with every error), and the import itself, which
writes all rows or, when any row is wrong, none."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.core.errors import AppError, ErrorCode
from veritasad.core.settings import get_settings
from veritasad.leads import csv_io, repository
from veritasad.leads.assignment import assign_many
from veritasad.leads.changes import (
    add_activity,
    closed_stages,
    fill_blanks,
    lock_lead_writes,
    record_entry,
    stages,
    with_site_domain,
)
from veritasad.leads.csv_io import MappedRow, RowError
from veritasad.leads.dedupe import absorb
from veritasad.leads.metrics import LEADS_CREATED
from veritasad.leads.service import new_lead
from veritasad.models.enums import ActivityKind, LeadSource, Role, UserStatus
from veritasad.models.lead import Lead
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
        row.values = with_site_domain(row.values)
        if row.owner_email:
            if row.owner_email in owners:
                row.values["owner_id"] = owners[row.owner_email]
            else:
                row.errors.append(RowError(row.row, owner_column, "no active sales or admin user has this e-mail"))
        rows.append(row)
    return table, mapping, rows


def _errors(rows: list[MappedRow]) -> list[RowError]:
    return [e for r in rows for e in r.errors]


def _keys(values: dict[str, Any]) -> list[str]:
    keys = [f"e:{values['email']}"] if values.get("email") else []
    return keys + [f"d:{d}" for d in values.get("domains") or []]


class _Matcher:
    """Finds the lead a row duplicates: an open lead already stored, or an earlier row of the same file.
    Everything is looked up once, up front, so a 10 000-row file costs a few queries, not 10 000."""

    def __init__(self, existing: list[Lead]) -> None:
        self.by_key: dict[str, Lead | int] = {}
        for lead in existing:
            self.remember(lead, _keys({"email": lead.email, "domains": lead.domains}))

    def find(self, keys: list[str]) -> Lead | int | None:
        return next((self.by_key[k] for k in keys if k in self.by_key), None)

    def remember(self, target: Lead | int, keys: list[str]) -> None:
        for key in keys:
            self.by_key.setdefault(key, target)


async def _matcher(session: AsyncSession, rows: list[MappedRow]) -> _Matcher:
    emails = {r.values["email"] for r in rows if r.values.get("email")}
    domains = {d for r in rows for d in r.values.get("domains") or []}
    return _Matcher(await repository.open_by_keys(session, closed_stages(), sorted(emails), sorted(domains)))


async def preview(
    session: AsyncSession, data: bytes, *, encoding: str = "utf-8", mapping: dict[str, str | None] | None = None
) -> ImportPreview:
    table, mapping, rows = await _plan(session, data, encoding, mapping)
    errors = _errors(rows)
    clean = [r for r in rows if not r.errors]
    matcher = await _matcher(session, clean)
    merges: list[dict[str, int]] = []
    for row in clean:
        keys = _keys(row.values)
        target = matcher.find(keys)
        if target is not None:  # an int is an earlier row's number: that row makes the lead
            merges.append({"row": row.row, "lead_id": 0 if isinstance(target, int) else target.id})
        matcher.remember(row.row if target is None else target, keys)
    return ImportPreview(
        headers=table.headers, delimiter=table.delimiter, encoding=table.encoding, mapping=mapping,
        total_rows=len(rows), valid_rows=len(clean), would_create=len(clean) - len(merges), would_merge=merges,
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
    await lock_lead_writes(session)
    matcher = await _matcher(session, rows)
    new: list[tuple[int, Lead]] = []
    merged: list[Lead] = []
    later_notes: list[tuple[Lead, str]] = []
    for row in rows:
        if actor.role == Role.sales:
            row.values.setdefault("owner_id", actor.id)  # a salesperson's import is theirs, like their own leads
        keys = _keys(row.values)
        target = matcher.find(keys)
        if isinstance(target, Lead) and target.id is not None:
            absorb(session, target, row.values, LeadSource.import_, actor.id)
            merged.append(target)
        elif isinstance(target, Lead):  # an earlier row of this file, not inserted yet
            fill_blanks(target, row.values)
            merged.append(target)
            later_notes.append((target, f"CSV row {row.row} was the same lead and was merged in"))
        else:
            target = new_lead(row.values, LeadSource.import_)
            new.append((row.row, target))
        matcher.remember(target, _keys({"email": target.email, "domains": target.domains}))
    session.add_all(lead for _, lead in new)
    await session.flush()  # one batch of INSERTs for every new lead
    for line, lead in new:
        record_entry(session, lead, actor.id)
        add_activity(session, lead, ActivityKind.system, f"Imported from CSV row {line}", actor.id)
    for lead, note in later_notes:
        add_activity(session, lead, ActivityKind.system, note, actor.id)
    await assign_many(session, [lead for _, lead in new])
    LEADS_CREATED.labels(LeadSource.import_.value).inc(len(new))
    await session.flush()
    ids = [lead.id for _, lead in new] + [lead.id for lead in merged]
    return ImportResult(created=len(new), merged=len(merged), lead_ids=list(dict.fromkeys(ids)))
