"""HTTP layer for /api/v1/auth and /api/v1/api-keys: parse, call the service, answer."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from veritasad.accounts import service
from veritasad.accounts.deps import (
    ACCESS_COOKIE,
    CSRF_COOKIE,
    REFRESH_COOKIE,
    CurrentUser,
    Session,
    app_settings,
    check_csrf,
)
from veritasad.accounts.plans import plan_limits
from veritasad.accounts.schemas import (
    ApiKeyCreated,
    ApiKeyIn,
    ApiKeyOut,
    LoginIn,
    MeOut,
    RefreshIn,
    RegisterIn,
    TokensOut,
    UsageOut,
    UserOut,
)
from veritasad.core.errors import AppError, ErrorCode

auth = APIRouter(prefix="/api/v1/auth", tags=["auth"])
keys = APIRouter(prefix="/api/v1/api-keys", tags=["api-keys"])
REFRESH_PATH = "/api/v1/auth"


async def _limit_by_ip(request: Request) -> None:
    """Sign-in endpoints are anonymous: limit them per client address against password guessing."""
    limiter = getattr(request.app.state, "limiter", None)
    if limiter is not None:
        ip = request.client.host if request.client else "unknown"
        await limiter.check(f"auth-ip:{ip}", app_settings(request).auth_rpm)


def _set_cookies(request: Request, response: Response, tokens: service.Tokens) -> None:
    s = app_settings(request)
    secure = s.https_only
    response.set_cookie(
        ACCESS_COOKIE, tokens.access_token, max_age=tokens.expires_in, httponly=True, secure=secure, samesite="lax"
    )
    response.set_cookie(
        REFRESH_COOKIE,
        tokens.refresh_token,
        max_age=s.refresh_token_days * 86400,
        httponly=True,
        secure=secure,
        samesite="strict",
        path=REFRESH_PATH,
    )
    # Readable by the page's script, which echoes it in X-CSRF-Token (double submit).
    response.set_cookie(
        CSRF_COOKIE, tokens.csrf_token, max_age=s.refresh_token_days * 86400, secure=secure, samesite="lax"
    )


def _tokens_out(tokens: service.Tokens) -> TokensOut:
    return TokensOut(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.expires_in,
        csrf_token=tokens.csrf_token,
    )


@auth.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserOut)
async def register(body: RegisterIn, request: Request, session: Session) -> UserOut:
    await _limit_by_ip(request)
    user = await service.create_user(session, email=str(body.email), password=body.password, name=body.name)
    return UserOut.model_validate(user)


@auth.post("/login", response_model=TokensOut)
async def login(body: LoginIn, request: Request, response: Response, session: Session) -> TokensOut:
    await _limit_by_ip(request)
    user = await service.authenticate(session, str(body.email), body.password)
    tokens = await service.issue_tokens(session, user, app_settings(request))
    _set_cookies(request, response, tokens)
    return _tokens_out(tokens)


@auth.post("/refresh", response_model=TokensOut)
async def refresh(request: Request, response: Response, session: Session, body: RefreshIn | None = None) -> TokensOut:
    await _limit_by_ip(request)
    token = body.refresh_token if body else None
    if not token:
        token = request.cookies.get(REFRESH_COOKIE)
        if token:
            await check_csrf(request, request.cookies.get(CSRF_COOKIE))
    if not token:
        raise AppError(ErrorCode.NOT_AUTHENTICATED, "No refresh token was sent")
    tokens = await service.rotate_refresh(session, token, app_settings(request))
    _set_cookies(request, response, tokens)
    return _tokens_out(tokens)


@auth.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(request: Request, session: Session, body: RefreshIn | None = None) -> Response:
    token = body.refresh_token if body else None
    if not token and request.cookies.get(REFRESH_COOKIE):
        token = request.cookies.get(REFRESH_COOKIE)
        await check_csrf(request, request.cookies.get(CSRF_COOKIE))
    await service.logout(session, token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(ACCESS_COOKIE)
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_PATH)
    response.delete_cookie(CSRF_COOKIE)
    return response


@auth.get("/me", response_model=MeOut)
async def me(user: CurrentUser, request: Request, session: Session) -> MeOut:
    limits = plan_limits(user, app_settings(request))
    usage = UsageOut(
        plan=user.plan,
        analyses_today=await service.usage_today(session, user),
        daily_limit=limits.daily,
        max_seconds=limits.max_seconds,
        max_bytes=limits.max_bytes,
        requests_per_minute=limits.rpm,
    )
    return MeOut(**UserOut.model_validate(user).model_dump(), usage=usage)


@keys.post("", status_code=status.HTTP_201_CREATED, response_model=ApiKeyCreated)
async def create_key(body: ApiKeyIn, user: CurrentUser, session: Session) -> ApiKeyCreated:
    row, key = await service.create_api_key(session, user, body.name)
    return ApiKeyCreated(**ApiKeyOut.model_validate(row).model_dump(), key=key)


@keys.get("", response_model=list[ApiKeyOut])
async def list_keys(user: CurrentUser, session: Session) -> list[ApiKeyOut]:
    return [ApiKeyOut.model_validate(k) for k in await service.list_api_keys(session, user)]


@keys.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_key(key_id: int, user: CurrentUser, session: Session) -> Response:
    await service.revoke_api_key(session, user, key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


router = APIRouter()
router.include_router(auth)
router.include_router(keys)
