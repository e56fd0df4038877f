"""HTTP layer of the analysis service: parse, call the service, answer."""

from __future__ import annotations

import json
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import ValidationError
from sse_starlette import EventSourceResponse, ServerSentEvent

from veritasad.accounts.deps import CurrentUser, Session, app_settings
from veritasad.accounts.plans import plan_limits
from veritasad.analysis import hub as live
from veritasad.analysis import progress, service
from veritasad.analysis.engine import export, reasons
from veritasad.analysis.engine.report import Report
from veritasad.analysis.schemas import AnalysisOut, Created, ListQuery, OptionsIn, Page, StatusOut, SubmitUrl
from veritasad.analysis.upload import receive_upload
from veritasad.core.db import get_sessionmaker
from veritasad.core.errors import AppError, ErrorCode
from veritasad.core.storage import get_storage
from veritasad.models.analysis import new_analysis_id

router = APIRouter(prefix="/api/v1/analyses", tags=["analyses"])

STREAM_SECONDS = 600.0
HEARTBEAT_SECONDS = 15
SUBMIT_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "options": {"type": "string", "description": 'JSON, e.g. {"language": "ru"}'},
                        "callback_url": {"type": "string"},
                        "notify_email": {"type": "boolean"},
                    },
                }
            },
            "application/json": {
                "schema": SubmitUrl.model_json_schema(ref_template="#/components/schemas/{model}")
            },
        }
    }
}


def _reader_language(
    lang: Annotated[
        Literal["ru", "en"] | None,
        Query(description="language of the reasons in words; default: Accept-Language, else English"),
    ] = None,
    accept_language: Annotated[str | None, Header(alias="Accept-Language")] = None,
) -> str:
    return lang or reasons.from_accept_language(accept_language)


ReaderLanguage = Annotated[str, Depends(_reader_language)]


def _with_explanations(report: dict[str, Any], lang: str) -> dict[str, Any]:
    """A copy of the stored report whose every disclosure also carries `explanation`: the why in words, in `lang`,
    next to its codes."""
    segments = []
    for s in report.get("segments") or []:
        if isinstance(s, dict) and isinstance(s.get("disclosure"), dict):
            why = reasons.explain_stored(s["disclosure"], lang).as_dict()
            s = {**s, "disclosure": {**s["disclosure"], "explanation": why}}
        segments.append(s)
    return {**report, "segments": segments}


def _form_options(fields: dict[str, str]) -> tuple[OptionsIn, str | None, bool]:
    try:
        options = OptionsIn.model_validate_json(fields.get("options") or "{}")
    except ValidationError as exc:
        details = [
            {"field": "options." + ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()
        ]
        raise AppError(ErrorCode.VALIDATION_ERROR, "The options are not valid", details=details) from None
    callback = (fields.get("callback_url") or "").strip() or None
    notify = (fields.get("notify_email") or "").strip().lower() in ("1", "true", "on", "yes")
    return options, callback, notify


@router.post("", status_code=202, response_model=Created, openapi_extra=SUBMIT_BODY)
async def submit(request: Request, user: CurrentUser, session: Session) -> JSONResponse:
    """Submit a video: a multipart upload (field `file`), or JSON `{"url": …}`. Answers 202 at once."""
    settings = app_settings(request)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "multipart/form-data":
        await service.ensure_quota_left(session, user)
        storage = get_storage(settings)
        analysis_id = new_analysis_id()
        upload = await receive_upload(
            request, storage, service.media_key(analysis_id), plan_limits(user).max_bytes
        )
        try:
            options, callback, notify = _form_options(upload.fields)
        except AppError:
            await storage.delete(upload.stored.key)
            raise
        analysis, cached = await service.create_from_upload(
            session, user, settings, storage, analysis_id, upload.stored, filename=upload.filename,
            content_type=upload.content_type, options=options, callback_url=callback, notify_email=notify,
        )  # fmt: skip
    elif ctype == "application/json":
        try:
            body = SubmitUrl.model_validate_json(await request.body())
        except ValidationError as exc:
            details = [{"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()]
            code = (
                ErrorCode.MALFORMED_JSON if any(e["type"] == "json_invalid" for e in exc.errors()) else None
            )
            raise AppError(
                code or ErrorCode.VALIDATION_ERROR, "The request is not valid", details=details
            ) from None
        analysis, cached = await service.create_from_url(session, user, settings, body), False
    else:
        raise AppError(
            ErrorCode.UNSUPPORTED_MEDIA, "Send multipart/form-data with a file, or JSON with a url"
        )
    created = Created(id=analysis.id, status=analysis.status, cached=cached, links=service.links(analysis.id))
    return JSONResponse(
        created.model_dump(mode="json"), status_code=202, headers={"Location": created.links.self}
    )


@router.get("", response_model=Page)
async def history(user: CurrentUser, session: Session, query: Annotated[ListQuery, Query()]) -> Page:
    """Your analyses, newest first: filter by status, verdict (`none`: no ads found) and date; paginated."""
    return await service.list_analyses(session, user, query)


@router.get("/{analysis_id}", response_model=AnalysisOut)
async def get_analysis(
    analysis_id: str,
    user: CurrentUser,
    session: Session,
    reader: ReaderLanguage,
) -> AnalysisOut:
    """The analysis and its report. Each segment's `disclosure` carries its reasons as codes
    (`rules[].reasons`, `deciding_regime`) and, in `explanation`, the same in words in `?lang=` (ru or en)."""
    out = service.to_out(await service.get_visible(session, user, analysis_id))
    if out.report is not None:
        out.report = _with_explanations(out.report, reader)
    return out


@router.get("/{analysis_id}/status", response_model=StatusOut)
async def status(analysis_id: str, user: CurrentUser, session: Session) -> StatusOut:
    return StatusOut.model_validate(await service.get_visible(session, user, analysis_id, with_report=False))


@router.get("/{analysis_id}/stream", response_class=EventSourceResponse)
async def stream(
    request: Request,
    analysis_id: str,
    user: CurrentUser,
    session: Session,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    after: Annotated[
        int | None, Query(ge=0, description="resume after this event id (for clients without headers)")
    ] = None,
) -> EventSourceResponse:
    """Server-Sent Events: `progress` (stage, percent, message), then `done` or `failed`. Resumable with
    Last-Event-ID; heartbeats every 15 s; closes after 10 minutes (reconnect to go on)."""
    await service.get_visible(session, user, analysis_id, with_report=False)
    await session.commit()  # hand the connection back: the stream may stay open for minutes
    settings = app_settings(request)
    start = after if after is not None else int(last_event_id) if (last_event_id or "").isdigit() else 0
    sessionmaker = get_sessionmaker()
    hub = live.get_hub(sessionmaker, settings.redis_url)

    async def replay(after_id: int) -> list[progress.Event]:
        async with sessionmaker() as s:
            events = await progress.events_after(s, [analysis_id], after_id)
            if not events:  # a finished analysis answers its final event again, so the client can stop
                events = await progress.final_event(s, analysis_id)
            return events

    async def events():
        deadline = time.monotonic() + STREAM_SECONDS
        async for ev in live.follow(hub, analysis_id, start, replay=replay, deadline=deadline):
            yield ServerSentEvent(data=json.dumps(ev.data), event=ev.event, id=str(ev.id))

    return EventSourceResponse(events(), ping=HEARTBEAT_SECONDS, headers={"Cache-Control": "no-store"})


def _download(body: str | bytes, media_type: str, filename: str) -> Response:
    return Response(
        body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("/{analysis_id}/report.json")
async def report_json(analysis_id: str, user: CurrentUser, session: Session) -> Response:
    report = service.require_report(await service.get_visible(session, user, analysis_id))
    return _download(
        json.dumps(report, ensure_ascii=False, indent=2), "application/json", f"{analysis_id}.json"
    )


@router.get("/{analysis_id}/report.csv")
async def report_csv(
    analysis_id: str,
    user: CurrentUser,
    session: Session,
    reader: ReaderLanguage,
) -> Response:
    """One row per segment; `deciding_rule` is the why in words, in `?lang=`."""
    report = Report.model_validate(
        service.require_report(await service.get_visible(session, user, analysis_id))
    )
    text = export.to_csv(report, reader)
    return _download(text, "text/csv; charset=utf-8", f"{analysis_id}.csv")


@router.get("/{analysis_id}/report.vtt")
async def report_vtt(
    analysis_id: str,
    user: CurrentUser,
    session: Session,
    reader: ReaderLanguage,
) -> Response:
    """WebVTT chapters; titles and the notes with each verdict's why in `?lang=`."""
    report = Report.model_validate(
        service.require_report(await service.get_visible(session, user, analysis_id))
    )
    text = export.to_vtt(report, reader)
    return _download(text, "text/vtt; charset=utf-8", f"{analysis_id}.vtt")


@router.get("/{analysis_id}/sponsorblock")
async def sponsorblock(analysis_id: str, user: CurrentUser, session: Session) -> Response:
    """The ad segments in SponsorBlock's format (category, segment [start, end], …)."""
    report = Report.model_validate(
        service.require_report(await service.get_visible(session, user, analysis_id))
    )
    return Response(export.to_sponsorblock(report), media_type="application/json")


@router.get("/{analysis_id}/media")
async def media(
    request: Request,
    analysis_id: str,
    user: CurrentUser,
    session: Session,
    range_header: Annotated[str | None, Header(alias="Range")] = None,
) -> StreamingResponse:
    """The analysed media, with HTTP range requests (what a video player seeks with)."""
    analysis = await service.get_visible(session, user, analysis_id, with_report=False)
    if analysis.media_key is None:
        raise AppError(
            ErrorCode.NOT_FOUND, "The media of this analysis is not kept any more (or not yet fetched)"
        )
    await session.commit()  # hand the connection back before a long transfer
    storage = get_storage(app_settings(request))
    size = await storage.size(analysis.media_key)
    span = service.parse_range(range_header, size)
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, max-age=3600"}
    if span is None:
        headers["Content-Length"] = str(size)
        body = storage.read(analysis.media_key)
        return StreamingResponse(
            body, media_type=analysis.content_type or "application/octet-stream", headers=headers
        )
    start, end = span
    headers |= {"Content-Range": f"bytes {start}-{end}/{size}", "Content-Length": str(end - start + 1)}
    body = storage.read(analysis.media_key, start, end)
    return StreamingResponse(body, status_code=206, media_type=analysis.content_type or "application/octet-stream",
                             headers=headers)  # fmt: skip


@router.delete("/{analysis_id}", status_code=204)
async def delete(request: Request, analysis_id: str, user: CurrentUser, session: Session) -> Response:
    """Removes the analysis, its report and its media."""
    analysis = await service.get_visible(session, user, analysis_id)
    await service.delete_analysis(session, analysis, get_storage(app_settings(request)))
    return Response(status_code=204)
