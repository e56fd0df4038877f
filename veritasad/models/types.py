"""Column types shared by the tables."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


def enum_column(enum: type[StrEnum]) -> Enum:
    """Store an enum as its value in a VARCHAR: the same on SQLite and PostgreSQL, and adding a member
    needs no ALTER TYPE migration."""
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )
