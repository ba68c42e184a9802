"""Logging in (DESIGN §3; issue: memory-hard hash, 5 wrong attempts lock 15 minutes)."""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine

from ..domain.clock import Clock
from ..domain.records import Role, User
from .base import ServiceBase, UowFactory
from .errors import ServiceError

MAX_ATTEMPTS = 5
LOCK_MINUTES = 15
LOCK_TIME = timedelta(minutes=LOCK_MINUTES)
MIN_PASSWORD = 6

# Argon2id (memory-hard); the parameters are argon2-cffi's RFC 9106 "low memory" profile.
_hasher = PasswordHasher()


_dummy_hash: list[str] = []


def _verify_dummy(password: str) -> None:
    if not _dummy_hash:
        _dummy_hash.append(_hasher.hash("not-a-password"))
    try:
        _hasher.verify(_dummy_hash[0], password)
    except (VerificationError, InvalidHashError):
        pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ServiceError(f"密码至少 {MIN_PASSWORD} 位", field="password")


_TICKET_KEY = os.urandom(32)  # this process only: a ticket never outlives it
TICKET_LIFE = timedelta(minutes=2)


def _digest(username: str, password: str) -> bytes:
    return hmac.new(_TICKET_KEY, f"{username}\0{password}".encode(), hashlib.sha256).digest()


@dataclass(frozen=True)
class LoginTicket:
    """What `precheck` hands the login dialog when the typed password is right: `login`
    then skips the memory-hard hash (≈ 0.1–0.8 s) for exactly that name and password.
    Only this service's own tickets count (kept in its `_tickets`); nothing about a wrong
    password is returned or recorded — a failed attempt is counted by `login` alone."""

    user_id: int
    digest: bytes
    password_hash: str
    issued: datetime


class AuthService(ServiceBase):
    def __init__(self, engine: Engine, clock: Clock, tz: str = "Asia/Shanghai", *,
                 uow_factory: UowFactory | None = None) -> None:
        super().__init__(engine, clock, tz, uow_factory=uow_factory)
        self._tickets: set[LoginTicket] = set()
        self._ticket_lock = threading.Lock()

    def precheck(self, username: str, password: str) -> LoginTicket | None:
        """Check a password while the person is still at the login (in a worker, issue 13:
        the hash costs most of the time between 登录 and the first list). No side effect:
        no attempt counted, no audit entry; None when it is not right (or the user is
        locked or inactive)."""
        now = self.clock.now()
        with self.uow(readonly=True) as uow:
            cred = uow.people.credentials(username.strip())
        if cred is None or not cred.active or (cred.locked_until and cred.locked_until > now):
            return None
        try:
            _hasher.verify(cred.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        ticket = LoginTicket(cred.user_id, _digest(username.strip(), password),
                             cred.password_hash, now)
        with self._ticket_lock:
            self._tickets.add(ticket)
        return ticket

    def _ticket_holds(self, ticket: LoginTicket | None, cred: object, username: str,
                      password: str, now: datetime) -> bool:
        if ticket is None:
            return False
        with self._ticket_lock:
            known = ticket in self._tickets
            self._tickets.discard(ticket)  # once only
        return (known and ticket.user_id == getattr(cred, "user_id", None)
                and ticket.password_hash == getattr(cred, "password_hash", None)
                and now - ticket.issued <= TICKET_LIFE
                and hmac.compare_digest(ticket.digest, _digest(username, password)))

    def needs_first_admin(self) -> bool:
        with self.uow(readonly=True) as uow:
            return uow.people.count_users() == 0

    def create_first_admin(self, username: str, display_name: str, password: str) -> User:
        """First start: the administrator account. Refused once any user exists."""
        check_password_rules(password)
        if not username.strip():
            raise ServiceError("请填写登录名", field="username")
        with self.uow() as uow:
            if uow.people.count_users():
                raise ServiceError("系统中已有用户，请由管理员创建账号")
            user = uow.people.save_user(
                User(None, username.strip(), display_name.strip() or username.strip(),
                     frozenset({Role.ADMIN})), password_hash=hash_password(password))
            self.audit(uow, user, "create_user", "user", user.id or 0, None,
                       {"username": user.username, "roles": ["admin"]})
            uow.commit()
        return user

    def login(self, username: str, password: str, ticket: LoginTicket | None = None) -> User:
        """One message for an unknown user and a wrong password (no username is given
        away); the lock's minutes are rounded up (a fresh 15-minute lock says 15).
        `ticket`: from `precheck` for this same name and password (then the hash is not
        worked out again); anything else, or none, and the password is checked here."""
        now = self.clock.now()
        with self.uow() as uow:
            cred = uow.people.credentials(username.strip())
            if cred is None or not cred.active:
                _verify_dummy(password)  # as long as a real check: timing tells nothing
                raise ServiceError(WRONG_LOGIN, field="password")
            if cred.locked_until and cred.locked_until > now:
                raise ServiceError(locked_message(cred.locked_until - now), field="password")
            try:
                if not self._ticket_holds(ticket, cred, username.strip(), password, now):
                    _hasher.verify(cred.password_hash, password)
            except (VerificationError, InvalidHashError):
                attempts = cred.failed_attempts + 1
                locked = now + LOCK_TIME if attempts >= MAX_ATTEMPTS else None
                uow.people.set_login_state(cred.user_id, 0 if locked else attempts, locked)
                user = uow.people.user(cred.user_id)
                assert user is not None
                self.audit(uow, user, "login_failed", "user", cred.user_id, None,
                           {"attempts": attempts, "locked": bool(locked)})
                uow.commit()
                if locked:
                    raise ServiceError(locked_message(LOCK_TIME), field="password") from None
                raise ServiceError(WRONG_LOGIN, field="password") from None
            uow.people.set_login_state(cred.user_id, 0, None)
            user = uow.people.user(cred.user_id)
            assert user is not None
            self.audit(uow, user, "login", "user", cred.user_id)
            uow.commit()
        return user


WRONG_LOGIN = f"用户名或密码错误。连续输错 {MAX_ATTEMPTS} 次，账号将锁定 {LOCK_MINUTES} 分钟。"


def locked_message(remaining: timedelta) -> str:
    """Whole minutes, rounded up: 15:00 left says 15, 14:01 says 15, 0:20 says 1."""
    minutes = max(1, math.ceil(remaining.total_seconds() / 60))
    return f"密码连续输错 {MAX_ATTEMPTS} 次，账号已锁定，请 {minutes} 分钟后再试。"
