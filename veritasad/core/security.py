"""Password hashing (argon2), JWT access tokens, API keys and refresh tokens (random, stored as SHA-256)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from veritasad.core.errors import AppError, ErrorCode

_hasher = PasswordHasher()
API_KEY_PREFIX = "va_"
JWT_ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_api_key() -> tuple[str, str, str]:
    """Returns (the key shown once, its display prefix, its stored hash). Keys are 256-bit random, so a
    fast hash is enough: there is nothing to brute-force."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, key[:12], sha256_hex(key)


def new_refresh_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, sha256_hex(token)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def same_token(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def create_access_token(
    user_id: int, secret: str, minutes: int, *, csrf: str | None = None, now: datetime | None = None
) -> str:
    now = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=minutes)).timestamp()),
        "typ": "access",
    }
    if csrf:
        claims["csrf"] = csrf
    return jwt.encode(claims, secret, algorithm=JWT_ALGORITHM)


def decode_access_token(token: str, secret: str) -> dict[str, Any]:
    try:
        claims = jwt.decode(
            token, secret, algorithms=[JWT_ALGORITHM], options={"require": ["sub", "exp", "typ"]}
        )
    except jwt.ExpiredSignatureError:
        raise AppError(ErrorCode.TOKEN_EXPIRED, "The access token has expired") from None
    except jwt.PyJWTError:
        raise AppError(ErrorCode.TOKEN_INVALID, "The access token is not valid") from None
    if claims.get("typ") != "access" or not str(claims["sub"]).isdigit():
        raise AppError(ErrorCode.TOKEN_INVALID, "The access token is not valid")
    return claims
