"""Logging in (DESIGN §3; issue: memory-hard hash, 5 wrong attempts lock 15 minutes)."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..domain.records import Role, User
from .base import ServiceBase
from .errors import ServiceError

MAX_ATTEMPTS = 5
LOCK_TIME = timedelta(minutes=15)
MIN_PASSWORD = 6

# Argon2id (memory-hard); the parameters are argon2-cffi's RFC 9106 "low memory" profile.
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ServiceError(f"密码至少 {MIN_PASSWORD} 位", field="password")


class AuthService(ServiceBase):
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

    def login(self, username: str, password: str) -> User:
        now = self.clock.now()
        with self.uow() as uow:
            cred = uow.people.credentials(username.strip())
            if cred is None or not cred.active:
                raise ServiceError("用户名或密码错误", field="password")
            if cred.locked_until and cred.locked_until > now:
                minutes = int((cred.locked_until - now).total_seconds() // 60) + 1
                raise ServiceError(f"密码连续输错 {MAX_ATTEMPTS} 次，账号已锁定，请 {minutes} 分钟后再试",
                                   field="password")
            try:
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
                    raise ServiceError(f"密码连续输错 {MAX_ATTEMPTS} 次，账号已锁定 15 分钟",
                                       field="password") from None
                raise ServiceError(f"用户名或密码错误（还可尝试 {MAX_ATTEMPTS - attempts} 次）",
                                   field="password") from None
            uow.people.set_login_state(cred.user_id, 0, None)
            user = uow.people.user(cred.user_id)
            assert user is not None
            self.audit(uow, user, "login", "user", cred.user_id)
            uow.commit()
        return user
