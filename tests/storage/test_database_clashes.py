"""Which database errors are a clash between two PCs (storage/database.py): those reach
the user as "已被他人处理" or "请稍后重试" (services/base.py); any other stays loud."""


def test_which_database_errors_are_a_clash_between_pcs():
    from sqlalchemy.exc import IntegrityError, OperationalError

    from complaintdesk.storage.database import concurrency_failure

    class Orig(Exception):
        def __init__(self, sqlstate):
            super().__init__(f"state {sqlstate}")
            self.sqlstate = sqlstate

    def err(kind, state):
        return kind("stmt", {}, Orig(state))

    assert concurrency_failure(err(OperationalError, "40P01")) == "deadlock"
    assert concurrency_failure(err(OperationalError, "40001")) == "serialization"
    assert concurrency_failure(err(OperationalError, "55P03")) == "lock timeout"
    assert concurrency_failure(err(IntegrityError, "23505")) == "duplicate"
    assert concurrency_failure(err(IntegrityError, "23503")) is None  # a real bug stays loud
    assert concurrency_failure(OperationalError("s", {}, Exception("database is locked"))) \
        == "locked"
    assert concurrency_failure(ValueError("x")) is None


def test_a_use_case_hit_by_a_clash_says_so_in_chinese(tmp_path, monkeypatch):
    """A driver error of a clash inside a use case becomes BusyError / ConflictError — the
    sentence a person reads — and the transaction is rolled back (no number taken)."""
    import pytest
    from sqlalchemy.exc import IntegrityError, OperationalError

    from complaintdesk.services.base import SYSTEM_USER
    from complaintdesk.services.errors import BusyError, ConflictError
    from complaintdesk.storage.repo_misc import Sequences
    from service_builders import intake, make_services

    services, clock = make_services(tmp_path)
    real_next = Sequences.next
    for raised, expected in ((OperationalError("s", {}, Exception("database is locked")),
                              BusyError),
                             (IntegrityError("s", {}, _Orig("23505")), ConflictError)):
        def clash(self, prefix, period, raised=raised):
            real_next(self, prefix, period)
            raise raised

        monkeypatch.setattr(Sequences, "next", clash)
        with pytest.raises(expected) as caught:
            services.intake.register(SYSTEM_USER, intake(clock))
        assert caught.value.message.endswith("。") or "已被他人处理" in caught.value.message
    monkeypatch.setattr(Sequences, "next", real_next)
    assert services.intake.register(SYSTEM_USER, intake(clock)).number.endswith("-0001")
    services.dispose()


class _Orig(Exception):
    def __init__(self, sqlstate):
        super().__init__(f"state {sqlstate}")
        self.sqlstate = sqlstate
