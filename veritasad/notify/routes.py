"""Webhook settings a client needs: the secret that signs its webhooks."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from veritasad.accounts.deps import CurrentUser, app_settings
from veritasad.notify import webhook

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])


class WebhookSecret(BaseModel):
    secret: str
    header: str = webhook.SIGNATURE_HEADER
    scheme: str = "t=<unix time>,v1=<hex HMAC-SHA256 of '<t>.' + raw body, keyed with secret>"


@router.get("/secret", response_model=WebhookSecret)
async def secret(request: Request, user: CurrentUser) -> WebhookSecret:
    return WebhookSecret(secret=webhook.signing_secret(app_settings(request).secret_key, user.id))
