"""What Saler does by itself (called from Celery tasks): turn an analysis's advertisers into leads,
recompute scores, and remind owners of due follow-ups."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import httpx
import structlog
from aiosmtplib import SMTPException
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.core.db import utcnow
from veritasad.core.errors import NotFound, TransientError
from veritasad.leads import repository
from veritasad.leads.changes import add_activity, fill_blanks, lock_lead_writes, refresh_score
from veritasad.leads.dedupe import find_open_duplicate
from veritasad.leads.metrics import REMINDERS_SENT
from veritasad.leads.normalize import name_key, normalize_domain
from veritasad.leads.scoring import ScoreInputs, compute_score
from veritasad.leads.service import save_new
from veritasad.models.analysis import Analysis
from veritasad.models.enums import ActivityKind, AnalysisStatus, LeadSource, UserStatus
from veritasad.models.lead import Lead
from veritasad.models.lead_analysis import LeadAnalysis
from veritasad.models.user import User

log = structlog.get_logger(__name__)
DELIVERY_ERRORS = (OSError, TimeoutError, TransientError, SMTPException, httpx.HTTPError)


@dataclass
class Sighting:
    """One advertiser as one analysis saw it, gathered over the segments that named it."""

    name: str
    domains: list[str]
    segments: list[dict[str, Any]]


def _domains(advertiser: dict[str, Any]) -> list[str]:
    found = []
    for raw in [*(advertiser.get("domains") or []), *(advertiser.get("urls") or [])]:
        try:
            found.append(normalize_domain(str(raw)))
        except ValueError:
            continue  # an OCR'd link can be garbage; the rest of the advertiser still counts
    return list(dict.fromkeys(found))


def sightings(report: dict[str, Any]) -> list[Sighting]:
    """Group a report's segments by advertiser (its first domain, else its name); nameless ones are skipped."""
    groups: dict[str, Sighting] = {}
    for seg in report.get("segments") or []:
        adv = seg.get("advertiser") or {}
        name = (adv.get("name") or "").strip()
        domains = _domains(adv)
        key = domains[0] if domains else name_key(name)
        if not key:
            continue
        group = groups.setdefault(key, Sighting(name=name, domains=[], segments=[]))
        group.name = group.name or name
        group.domains += [d for d in domains if d not in group.domains]
        verdict = (seg.get("disclosure") or {}).get("verdict")
        group.segments.append({
            "start": float(seg.get("start", 0)), "end": float(seg.get("end", 0)),
            "kind": seg.get("kind"), "verdict": verdict,
        })
    return list(groups.values())


async def ingest_analysis(session: AsyncSession, analysis_id: str) -> list[dict[str, Any]]:
    """Each advertiser a finished analysis found becomes a lead or updates one. Idempotent: running it
    twice for one analysis links the same evidence once."""
    analysis = await session.get(Analysis, analysis_id)
    if analysis is None:
        raise NotFound("Analysis", details={"analysis_id": analysis_id})
    if analysis.status != AnalysisStatus.done or not analysis.report:
        log.info("leads.ingest_skipped", analysis_id=analysis_id, status=str(analysis.status))
        return []
    await lock_lead_writes(session)
    seen_at = analysis.finished_at or utcnow()
    title = analysis.filename or analysis.source_url or f"Analysis {analysis.id[:8]}"
    per_lead: dict[int, list[dict[str, Any]]] = defaultdict(list)
    leads: dict[int, tuple[Lead, bool]] = {}
    for sighting in sightings(analysis.report):
        values: dict[str, Any] = {
            "company": (sighting.name or sighting.domains[0])[:200],
            "company_key": name_key(sighting.name) if sighting.name else None,
            "domains": sighting.domains,
            "website": f"https://{sighting.domains[0]}" if sighting.domains else None,
        }
        lead = await find_open_duplicate(session, values, by_name=bool(values["company_key"]))
        created = lead is None
        if lead is None:
            lead, _ = await save_new(session, {k: v for k, v in values.items() if v is not None}, LeadSource.analysis)
        else:
            fill_blanks(lead, {k: v for k, v in values.items() if k in ("domains", "website")})
        per_lead[lead.id] += sighting.segments
        leads.setdefault(lead.id, (lead, created))

    for lead_id, segments in per_lead.items():
        lead, created = leads[lead_id]
        await _link_evidence(session, lead, analysis_id, title, seen_at, segments)
        await refresh_score(session, lead)
    await session.flush()
    return [
        {"lead_id": lead.id, "company": lead.company, "created": created, "seen_count": lead.seen_count,
         "score": lead.score}
        for lead, created in leads.values()
    ]


async def _link_evidence(
    session: AsyncSession, lead: Lead, analysis_id: str, title: str, seen_at: datetime, segments: list[dict]
) -> None:
    segments = sorted(segments, key=lambda s: s["start"])
    undisclosed = sum(1 for s in segments if s["verdict"] == "undisclosed")
    row = (await session.execute(select(LeadAnalysis).where(
        LeadAnalysis.lead_id == lead.id, LeadAnalysis.analysis_id == analysis_id
    ))).scalar_one_or_none()
    if row is None:
        session.add(LeadAnalysis(
            lead_id=lead.id, analysis_id=analysis_id, segments=segments, undisclosed_count=undisclosed,
            seen_at=seen_at, title=title[:500],
        ))
        add_activity(session, lead, ActivityKind.system,
                     f"Seen advertising in {title[:200]}: {len(segments)} segment(s), {undisclosed} undisclosed")
    else:
        row.segments, row.undisclosed_count = segments, undisclosed
    await session.flush()


async def recompute_scores(session: AsyncSession, now: datetime | None = None, batch: int = 500) -> int:
    """Recompute every live lead's score (recency decays with time). Returns how many changed."""
    now = now or utcnow()
    changed, last_id = 0, 0
    while True:
        rows = list((await session.execute(
            select(Lead).where(repository.live(), Lead.id > last_id).order_by(Lead.id).limit(batch)
        )).scalars())
        if not rows:
            return changed
        for lead in rows:
            score = compute_score(
                ScoreInputs(lead.seen_count, lead.last_seen_at, lead.undisclosed_count, lead.inbound_count), now
            )
            if score != lead.score:
                lead.score, changed = score, changed + 1
        last_id = rows[-1].id
        await session.flush()


class Notifier(Protocol):
    """Delivers to one channel; False when that channel is not configured."""

    async def email(self, to: str, subject: str, body: str) -> bool: ...
    async def telegram(self, chat_id: int, text: str) -> bool: ...


async def send_due_reminders(
    session: AsyncSession, notifier: Notifier, base_url: str, now: datetime | None = None
) -> int:
    """Remind each owner of their leads whose follow-up time has come, once per follow-up time."""
    now = now or utcnow()
    due = (await session.execute(
        select(Lead, User).join(User, User.id == Lead.owner_id).where(
            repository.live(), Lead.next_follow_up_at <= now, User.status == UserStatus.active,
            or_(Lead.reminded_for.is_(None), Lead.reminded_for != Lead.next_follow_up_at),
        ).order_by(Lead.next_follow_up_at).limit(500)
    )).all()
    sent = 0
    for lead, owner in due:
        subject = f"Follow up: {lead.company or lead.email or f'lead #{lead.id}'}"
        body = (f"The follow-up with {lead.company or lead.contact_name} ({lead.stage}) is due "
                f"{lead.next_follow_up_at:%Y-%m-%d %H:%M} UTC.\n{base_url.rstrip('/')}/leads/{lead.id}")
        channels = []
        try:
            if owner.email and await notifier.email(owner.email, subject, body):
                channels.append("e-mail")
            if owner.telegram_id and await notifier.telegram(owner.telegram_id, f"{subject}\n{body}"):
                channels.append("Telegram")
        except DELIVERY_ERRORS as exc:  # one owner's mail trouble must not block the others
            log.warning("leads.reminder_failed", lead_id=lead.id, error=str(exc))
        if not channels:
            continue  # nothing reached the owner: try again on the next run
        for channel in channels:
            REMINDERS_SENT.labels(channel).inc()
        lead.reminded_for = lead.next_follow_up_at
        add_activity(session, lead, ActivityKind.system,
                     f"Follow-up reminder sent to {owner.name or owner.email} by {' and '.join(channels)}")
        sent += 1
    await session.flush()
    return sent
