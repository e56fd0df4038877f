"""The pricing page's plan cards and its "contact sales" form, which becomes an inbound Saler lead."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError

from veritasad.accounts.deps import Session, app_settings
from veritasad.accounts.plans import limits_for
from veritasad.core.errors import AppError, ErrorCode
from veritasad.leads import service as leads
from veritasad.models.enums import UserPlan
from veritasad.web.csrf import form_user
from veritasad.web.i18n import translate
from veritasad.web.templating import refused, render, request_language

router = APIRouter(include_in_schema=False)


class ContactIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    company: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    plan: str = Field("pro", pattern="^(pro|business)$")
    message: str = Field("", max_length=5000)


def human_bytes(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if size == int(size) else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def plan_cards(request: Request, user) -> list[dict]:
    settings = app_settings(request)
    cards = []
    for plan in UserPlan:
        limits = limits_for(plan, settings)
        cards.append(
            {
                "name": plan.value,
                "limits": limits,
                "max_upload": human_bytes(limits.max_bytes),
                "current": user is not None and user.plan == plan,
            }
        )
    return cards


@router.post("/pricing/contact")
async def contact_sales(request: Request, session: Session) -> Response:
    try:
        user = await form_user(request, session)
    except AppError as exc:
        return refused(request, exc)
    form = await request.form()
    values = {k: str(form.get(k) or "") for k in ContactIn.model_fields}
    lang = request_language(request)
    errors: dict[str, str] = {}
    try:
        body = ContactIn(**values)
        await leads.create_inbound_lead(
            session,
            email=str(body.email),
            company=body.company,
            contact_name=body.name,
            phone=body.phone or None,
            message=f"Plan: {body.plan}. {body.message}".strip(),
        )
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0])
            errors.setdefault(name, translate(lang, f"form.invalid.{name}"))
    except AppError as exc:  # the lead service names the fields it refused in details
        if exc.code != ErrorCode.VALIDATION_ERROR:
            raise
        for name in exc.details or {"email": ""}:
            field = {"contact_name": "name"}.get(name, name)
            errors.setdefault(field, translate(lang, f"form.invalid.{field}"))
    if errors:
        context = {"plans": plan_cards(request, user), "values": values, "errors": errors, "sent": False}
        return render(request, "pricing.html", context, user=user, status_code=400)
    await session.commit()  # before the redirect is followed (the dependency commits after the response)
    return RedirectResponse("/pricing?sent=1#contact", status_code=303)
