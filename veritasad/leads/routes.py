"""HTTP layer for Saler, /api/v1/leads: parse, check the role, call the service, answer."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile, status
from fastapi.responses import StreamingResponse
from pydantic import Field

from veritasad.accounts.deps import Session, require_roles
from veritasad.core.db import session_scope
from veritasad.core.errors import AppError, ErrorCode
from veritasad.core.settings import get_settings
from veritasad.leads import assignment, importer, pages, repository, service, stats
from veritasad.leads.access import load_lead
from veritasad.leads.changes import check_stage
from veritasad.leads.csv_io import export_header, export_line
from veritasad.leads.schemas import (
    ActivityIn,
    ActivityOut,
    AssigneeChange,
    AssigneeOut,
    BulkChange,
    BulkResult,
    EvidenceOut,
    LeadCreate,
    LeadFilters,
    LeadOut,
    LeadPage,
    LeadSaved,
    LeadUpdate,
    MergeRequest,
    StageChangeOut,
    StageConversion,
)
from veritasad.models.enums import Role
from veritasad.models.user import User

api = APIRouter(prefix="/api/v1/leads", tags=["leads"])
Staff = Annotated[User, Depends(require_roles(Role.sales))]
Admin = Annotated[User, Depends(require_roles(Role.admin))]


class LeadQuery(LeadFilters):
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=service.PAGE_MAX)


@api.get("", response_model=LeadPage)
async def list_leads(user: Staff, session: Session, query: Annotated[LeadQuery, Query()]) -> LeadPage:
    filters = LeadFilters(**query.model_dump(exclude={"cursor", "limit"}))
    rows, next_cursor = await service.list_leads(session, user, filters, cursor=query.cursor, limit=query.limit)
    return LeadPage(items=[LeadOut.model_validate(r) for r in rows], next_cursor=next_cursor)


@api.post("", response_model=LeadSaved, status_code=status.HTTP_201_CREATED)
async def create_lead(body: LeadCreate, user: Staff, session: Session, response: Response) -> LeadSaved:
    lead, merged = await service.create_lead(session, user, body, body.source)
    if merged:
        response.status_code = status.HTTP_200_OK
    return LeadSaved(lead=LeadOut.model_validate(lead), merged=merged)


@api.get("/export.csv")
async def export_csv(user: Staff, filters: Annotated[LeadFilters, Query()]) -> StreamingResponse:
    for stage in filters.stage:  # refuse before the 200 and its first bytes go out
        check_stage(stage)

    async def body() -> AsyncIterator[str]:
        yield export_header()
        async with session_scope() as session:  # its own session: the request's closes before streaming
            async for record in service.export_rows(session, user, filters):
                yield export_line(record)

    return StreamingResponse(
        body(), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="leads.csv"'},
    )


async def _read_upload(file: UploadFile) -> bytes:
    limit = get_settings().lead_import_max_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise AppError(ErrorCode.BODY_TOO_LARGE, f"The CSV file is larger than {limit // 1024} KiB; split it")
    return data


def _mapping(raw: str | None) -> dict[str, str | None] | None:
    if not raw:
        return None
    try:
        mapping = json.loads(raw)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict) or not all(isinstance(v, str | None) for v in mapping.values()):
        raise AppError(ErrorCode.IMPORT_INVALID, 'mapping must be a JSON object: {"CSV column": "lead field" or null}')
    return mapping


@api.post("/import/preview", response_model=importer.ImportPreview)
async def import_preview(
    user: Staff, session: Session, file: Annotated[UploadFile, File()],
    mapping: Annotated[str | None, Form()] = None, encoding: Annotated[str, Form()] = "utf-8",
) -> importer.ImportPreview:
    return await importer.preview(session, await _read_upload(file), encoding=encoding, mapping=_mapping(mapping))


@api.post("/import", response_model=importer.ImportResult, status_code=status.HTTP_201_CREATED)
async def import_csv(
    user: Staff, session: Session, file: Annotated[UploadFile, File()],
    mapping: Annotated[str | None, Form()] = None, encoding: Annotated[str, Form()] = "utf-8",
) -> importer.ImportResult:
    data = await _read_upload(file)
    return await importer.run_import(session, user, data, encoding=encoding, mapping=_mapping(mapping))


@api.post("/bulk", response_model=BulkResult)
async def bulk(body: BulkChange, user: Staff, session: Session) -> BulkResult:
    return BulkResult(updated=await service.bulk_change(session, user, body))


@api.get("/stages", response_model=list[StageConversion])
async def stage_table(user: Staff, session: Session) -> list[StageConversion]:
    """The configured stages in order, with current counts and conversion to each next stage."""
    return await stats.conversion(session, repository.visible_to(user))


@api.get("/assignment", response_model=list[AssigneeOut])
async def get_assignment(user: Admin, session: Session) -> list[AssigneeOut]:
    return await assignment.list_rotation(session)


@api.put("/assignment", response_model=list[AssigneeOut])
async def put_assignment(body: list[AssigneeChange], user: Admin, session: Session) -> list[AssigneeOut]:
    return await assignment.set_rotation(session, body)


@api.get("/{lead_id}", response_model=LeadOut)
async def get_lead(lead_id: int, user: Staff, session: Session) -> LeadOut:
    return LeadOut.model_validate(await service.get_lead(session, user, lead_id))


@api.patch("/{lead_id}", response_model=LeadOut)
async def update_lead(lead_id: int, body: LeadUpdate, user: Staff, session: Session) -> LeadOut:
    return LeadOut.model_validate(await service.update_lead(session, user, lead_id, body))


@api.delete("/{lead_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_lead(lead_id: int, user: Staff, session: Session) -> Response:
    await service.delete_lead(session, user, lead_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@api.post("/{lead_id}/merge", response_model=LeadOut)
async def merge(lead_id: int, body: MergeRequest, user: Staff, session: Session) -> LeadOut:
    return LeadOut.model_validate(await service.merge(session, user, lead_id, body.source_id))


@api.get("/{lead_id}/activities", response_model=list[ActivityOut])
async def activities(lead_id: int, user: Staff, session: Session) -> list[ActivityOut]:
    await load_lead(session, user, lead_id)
    return [ActivityOut.model_validate(a) for a in await repository.activities(session, lead_id)]


@api.post("/{lead_id}/activities", response_model=ActivityOut, status_code=status.HTTP_201_CREATED)
async def add_activity(lead_id: int, body: ActivityIn, user: Staff, session: Session) -> ActivityOut:
    return ActivityOut.model_validate(await service.add_lead_activity(session, user, lead_id, body))


@api.get("/{lead_id}/history", response_model=list[StageChangeOut])
async def history(lead_id: int, user: Staff, session: Session) -> list[StageChangeOut]:
    await load_lead(session, user, lead_id)
    return [StageChangeOut.model_validate(c) for c in await repository.stage_changes(session, lead_id)]


@api.get("/{lead_id}/evidence", response_model=list[EvidenceOut])
async def evidence(lead_id: int, user: Staff, session: Session) -> list[EvidenceOut]:
    await load_lead(session, user, lead_id)
    return [EvidenceOut.model_validate(e) for e in await repository.evidence(session, lead_id)]



# What app.py mounts: the API and the pages of this context.
router = APIRouter()
router.include_router(api)
router.include_router(pages.router)
