"""The tests hash and check passwords with the same Argon2id code at the lowest cost argon2
allows. The app's parameters (RFC 9106 "low memory": 64 MiB, 3 passes, 4 lanes) cost
≈ 0.2 s of CPU per hash and per check — for a test's cast of seven users, over a second.
The app's hasher and its parameters are tested in tests/services/test_password_hashing.py;
the app started as a subprocess (demo, real screen, installer) keeps them."""

from __future__ import annotations

from argon2 import PasswordHasher, Type

PRODUCTION_HASHER: PasswordHasher | None = None  # the app's own (services/auth.py)


def install() -> None:
    global PRODUCTION_HASHER
    from complaintdesk.services import auth

    if PRODUCTION_HASHER is None:
        PRODUCTION_HASHER = auth._hasher
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)


def uninstall() -> None:
    from complaintdesk.services import auth

    if PRODUCTION_HASHER is not None:
        auth._hasher = PRODUCTION_HASHER
