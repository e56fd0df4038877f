"""Lead score, 0-100, from four plain rules. A pure function: the same inputs always give the same score.

| rule        | what counts                                              | points            |
|-------------|----------------------------------------------------------|-------------------|
| frequency   | videos the brand was seen advertising in (seen_count)    | 4 per video, ≤ 40 |
| recency     | days since it was last seen advertising                  | ≤7 d: 20, ≤30 d: 12, ≤90 d: 5 |
| compliance  | undisclosed ad segments found (they need our product)    | 5 per segment, ≤ 20 |
| inbound     | the lead asked us (pricing form, bot): first ask 20, each further one +5 | ≤ 30 |

The total is capped at 100. Recency decays, so a periodic job recomputes every open lead's score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class ScoreInputs:
    seen_count: int
    last_seen_at: datetime | None
    undisclosed_count: int
    inbound_count: int


RECENCY_STEPS = ((7, 20), (30, 12), (90, 5))


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything Saler stores is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def score_breakdown(inputs: ScoreInputs, now: datetime) -> dict[str, int]:
    recency = 0
    if inputs.last_seen_at is not None:
        age_days = (as_utc(now) - as_utc(inputs.last_seen_at)).total_seconds() / 86400
        recency = next((points for days, points in RECENCY_STEPS if age_days <= days), 0)
    inbound = 0 if inputs.inbound_count <= 0 else min(20 + 5 * (inputs.inbound_count - 1), 30)
    return {
        "frequency": min(4 * max(inputs.seen_count, 0), 40),
        "recency": recency,
        "compliance": min(5 * max(inputs.undisclosed_count, 0), 20),
        "inbound": inbound,
    }


def compute_score(inputs: ScoreInputs, now: datetime) -> int:
    return min(sum(score_breakdown(inputs, now).values()), 100)
