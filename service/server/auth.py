"""Token auth: ``GOVREPORT_TOKEN`` (user ``GOVREPORT_USER``, default admin) or per-user tokens stored as
sha256 hashes (``govreport serve --add-user NAME`` prints a new one). A request carries the token as
``Authorization: Bearer …`` or in the ``govreport_token`` cookie the login page sets."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from service.server.db import Database, User

COOKIE = "govreport_token"


@dataclass(frozen=True)
class Principal:
    name: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def add_user(db: Database, name: str) -> str:
    """Create (or re-key) a user; returns the new token, which is stored only as its hash."""
    token = new_token()
    with db.session() as s:
        user = s.scalar(select(User).where(User.name == name))
        if user is None:
            s.add(User(name=name, token_hash=hash_token(token)))
        else:
            user.token_hash = hash_token(token)
    return token


class Authenticator:
    def __init__(self, db: Database, env_token: str | None, env_user: str = "admin") -> None:
        self.db = db
        self.env_token = env_token
        self.env_user = env_user

    def check(self, token: str | None) -> Principal | None:
        if not token:
            return None
        if self.env_token and hmac.compare_digest(token.encode(), self.env_token.encode()):
            return Principal(self.env_user)
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.token_hash == hash_token(token)))
        return Principal(user.name) if user else None

    def configured(self) -> bool:
        if self.env_token:
            return True
        with self.db.session() as s:
            return s.scalar(select(User.id).limit(1)) is not None
