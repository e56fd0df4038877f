"""Pipeline numbers for the board: leads per stage now, and conversion from each stage to the next.

A lead "reached" a stage when its history shows it entered that stage or any later one in the funnel
(a lead moved straight from new to proposal did pass contacted and qualified). The funnel is the open
stages followed by the first closed stage (the win, "won" by default); the other closed stages ("lost")
are exits, shown with their counts and no conversion rate."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.leads import repository
from veritasad.leads.changes import closed_stages, stages
from veritasad.leads.schemas import StageConversion
from veritasad.models.lead import Lead
from veritasad.models.lead_stage_change import LeadStageChange


def funnel() -> tuple[list[str], list[str]]:
    closed = closed_stages()
    open_ = [s for s in stages() if s not in closed]
    wins = [s for s in stages() if s in closed][:1]
    return open_ + wins, [s for s in stages() if s in closed and s not in wins]


async def conversion(session: AsyncSession, visible: ColumnElement[bool]) -> list[StageConversion]:
    steps, exits = funnel()
    position = {stage: i for i, stage in enumerate(steps)}
    current = dict((await session.execute(
        select(Lead.stage, func.count(Lead.id)).where(repository.live(), visible).group_by(Lead.stage)
    )).all())
    history = await session.execute(
        select(LeadStageChange.lead_id, LeadStageChange.to_stage).distinct()
        .join(Lead, Lead.id == LeadStageChange.lead_id).where(repository.live(), visible)
    )
    furthest: dict[int, int] = {}
    exited: dict[str, set[int]] = defaultdict(set)
    for lead_id, stage in history.all():
        if stage in position:
            furthest[lead_id] = max(furthest.get(lead_id, -1), position[stage])
        elif stage in exits:
            exited[stage].add(lead_id)
    reached = [sum(1 for f in furthest.values() if f >= i) for i in range(len(steps))]
    rows = [
        StageConversion(
            stage=stage, current=current.get(stage, 0), reached=reached[i],
            conversion=None if i == 0 or not reached[i - 1] else round(reached[i] / reached[i - 1], 3),
        )
        for i, stage in enumerate(steps)
    ]
    rows += [StageConversion(stage=s, current=current.get(s, 0), reached=len(exited[s]), conversion=None) for s in exits]
    return rows
