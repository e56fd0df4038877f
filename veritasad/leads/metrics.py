"""Prometheus counters for Saler. They live in whichever process does the work (API or worker); with
PROMETHEUS_MULTIPROC_DIR set, /metrics adds them up (see veritasad.core.metrics)."""

from __future__ import annotations

from prometheus_client import Counter

LEADS_CREATED = Counter("veritasad_leads_created_total", "Leads created, by source", ["source"])
LEADS_MERGED = Counter("veritasad_leads_merged_total", "Duplicates merged into an open lead, by source", ["source"])
STAGE_TRANSITIONS = Counter(
    "veritasad_lead_stage_transitions_total", "Lead stage changes", ["from_stage", "to_stage"]
)
REMINDERS_SENT = Counter("veritasad_lead_reminders_total", "Follow-up reminders sent, by channel", ["channel"])
