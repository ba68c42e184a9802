"""The app hashes passwords with Argon2id at RFC 9106's "low memory" parameters; the tests
run the same code with a cheaper hasher of the same kind (tests/conftest.py)."""

from argon2 import Type
from argon2.profiles import RFC_9106_LOW_MEMORY

import cheap_hashing
from complaintdesk.services import auth


def test_the_app_hashes_with_argon2id_at_rfc_9106_low_memory():
    real = cheap_hashing.PRODUCTION_HASHER
    assert real is not None and real is not auth._hasher
    assert real.type is Type.ID
    assert (real.time_cost, real.memory_cost, real.parallelism) == (
        RFC_9106_LOW_MEMORY.time_cost, RFC_9106_LOW_MEMORY.memory_cost,
        RFC_9106_LOW_MEMORY.parallelism)
    stored = real.hash("secret123")
    assert stored.startswith("$argon2id$") and "m=65536,t=3,p=4" in stored
    assert real.verify(stored, "secret123")


def test_the_tests_hasher_is_the_same_kind_and_reads_the_apps_hashes(monkeypatch):
    real = cheap_hashing.PRODUCTION_HASHER
    cheap = auth._hasher
    assert cheap.type is Type.ID
    assert cheap.hash("secret123").startswith("$argon2id$")
    # a hash stored by the app is checked by its own parameters, whichever hasher checks
    stored = real.hash("secret123")
    assert cheap.verify(stored, "secret123")
    monkeypatch.setattr(auth, "_hasher", real)
    assert auth.hash_password("secret123").startswith("$argon2id$v=19$m=65536,t=3,p=4$")
