"""Queries on analyses and their segments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from veritasad.analysis.schemas import ListQuery, Sort, VerdictFilter
from veritasad.models.ad_segment import AdSegmentRow
from veritasad.models.analysis import Analysis
from veritasad.models.enums import AnalysisStatus
from veritasad.models.progress_event import ProgressEvent
from veritasad.models.user import User

_SORT = {
    Sort.newest: (Analysis.created_at.desc(),),
    Sort.oldest: (Analysis.created_at.asc(),),
    Sort.longest: (Analysis.duration.desc().nulls_last(), Analysis.created_at.desc()),
    Sort.shortest: (Analysis.duration.asc().nulls_last(), Analysis.created_at.desc()),
    Sort.most_ads: (Analysis.ad_count.desc(), Analysis.created_at.desc()),
    Sort.fewest_ads: (Analysis.ad_count.asc(), Analysis.created_at.desc()),
}


async def get(session: AsyncSession, analysis_id: str, *, with_report: bool = True) -> Analysis | None:
    """The analysis; without its report JSON (which can be large) when only its state is wanted."""
    if with_report:
        return await session.get(Analysis, analysis_id)
    return await session.get(Analysis, analysis_id, options=[defer(Analysis.report)])


async def get_for_update(session: AsyncSession, analysis_id: str) -> Analysis | None:
    """Locks the row on PostgreSQL so two deliveries of one job cannot both start it (SQLite has one writer)."""
    return await session.scalar(select(Analysis).where(Analysis.id == analysis_id).with_for_update())


async def cached_report(session: AsyncSession, sha256: str, options_hash: str) -> Analysis | None:
    """A finished analysis of the same content with the same options, if any."""
    return await session.scalar(
        select(Analysis)
        .where(
            Analysis.sha256 == sha256,
            Analysis.options_hash == options_hash,
            Analysis.status == AnalysisStatus.done,
            Analysis.report.is_not(None),
        )
        .order_by(Analysis.finished_at.desc())
        .limit(1)
    )


def _filtered(query: ListQuery, user: User | None) -> Select:
    stmt = select(Analysis).options(defer(Analysis.report))  # lists show summaries, never whole reports
    if user is not None:
        stmt = stmt.where(Analysis.user_id == user.id)
    if query.status is not None:
        stmt = stmt.where(Analysis.status == query.status)
    if query.verdict == VerdictFilter.none:
        stmt = stmt.where(Analysis.status == AnalysisStatus.done, Analysis.ad_count == 0)
    elif query.verdict is not None:
        stmt = stmt.where(Analysis.verdict == query.verdict.value)
    if query.created_from is not None:
        stmt = stmt.where(Analysis.created_at >= query.created_from)
    if query.created_to is not None:
        stmt = stmt.where(Analysis.created_at <= query.created_to)
    if query.q:
        # escape LIKE wildcards so that the search is literal
        needle = "%" + query.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(Analysis.filename.ilike(needle, escape="\\"), Analysis.source_url.ilike(needle, escape="\\"))
        )
    return stmt


async def page(session: AsyncSession, query: ListQuery, user: User | None) -> tuple[Sequence[Analysis], int]:
    """One page of analyses (of `user`, or everyone's when None) and the total count."""
    stmt = _filtered(query, user)
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = await session.scalars(
        stmt.order_by(*_SORT[query.sort]).offset((query.page - 1) * query.page_size).limit(query.page_size)
    )
    return rows.all(), int(total or 0)


async def replace_segments(session: AsyncSession, analysis_id: str, rows: list[AdSegmentRow]) -> None:
    await session.execute(delete(AdSegmentRow).where(AdSegmentRow.analysis_id == analysis_id))
    session.add_all(rows)


async def stuck(
    session: AsyncSession, started_before: datetime, queued_before: datetime
) -> Sequence[Analysis]:
    return (
        await session.scalars(
            select(Analysis).where(
                or_(
                    (Analysis.status == AnalysisStatus.processing) & (Analysis.started_at < started_before),
                    (Analysis.status == AnalysisStatus.queued) & (Analysis.created_at < queued_before),
                )
            )
        )
    ).all()


async def with_old_media(session: AsyncSession, created_before: datetime, limit: int) -> Sequence[Analysis]:
    return (
        await session.scalars(
            select(Analysis)
            .where(Analysis.media_key.is_not(None), Analysis.created_at < created_before)
            .where(Analysis.status.in_([AnalysisStatus.done, AnalysisStatus.failed]))
            .limit(limit)
        )
    ).all()


async def set_progress(session: AsyncSession, analysis_id: str, stage: str, percent: float) -> None:
    await session.execute(
        update(Analysis)
        .where(Analysis.id == analysis_id, Analysis.status == AnalysisStatus.processing)
        .values(stage=stage, progress=percent)
    )


async def prune_progress(session: AsyncSession, finished_before: datetime) -> int:
    """Drops the step-by-step progress rows of analyses finished before the cut-off; the final done or
    failed event stays, so a late stream still learns how it ended."""
    finished = select(Analysis.id).where(Analysis.finished_at < finished_before)
    result = await session.execute(
        delete(ProgressEvent).where(
            ProgressEvent.event == "progress", ProgressEvent.analysis_id.in_(finished)
        )
    )
    return result.rowcount or 0
