"""Object IDs: 64 hex digits, shown truncated to 12."""

from __future__ import annotations

import os

SHORT_ID_LEN = 12


def new_id() -> str:
    return os.urandom(32).hex()


def short_id(full: str) -> str:
    return full.removeprefix("sha256:")[:SHORT_ID_LEN]


def is_id_prefix(text: str) -> bool:
    return 3 <= len(text) <= 64 and all(c in "0123456789abcdef" for c in text)
