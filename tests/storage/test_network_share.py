"""SQLite on a network share is refused (DESIGN §9): the detection over the system's own
reports (Linux's mounts table, Windows' UNC paths and drive types), and the refusal at
start — the command line and open_services — with a message that explains PostgreSQL."""

import pytest

from complaintdesk.services import startup_checks
from complaintdesk.services.container import open_services
from complaintdesk.services.startup_checks import NetworkShareRefused
from complaintdesk.storage import network_share
from complaintdesk.storage.database import DatabaseConfig
from complaintdesk.storage.network_share import (
    DRIVE_REMOTE,
    is_unc,
    network_mount,
    windows_network_location,
)

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
//nas/共享 /mnt/nas cifs rw,vers=3.0 0 0
/dev/sdb1 /mnt/nas/local-usb ext4 rw 0 0
server:/export /srv/nfs nfs4 rw 0 0
server:/old /srv/old nfs rw 0 0
me@host:/data /home/me/remote fuse.sshfs rw 0 0
/dev/sdc1 /media/my\\040disk ext4 rw 0 0
host:/x /media/my\\040share smb3 rw 0 0
tmpfs /tmp tmpfs rw 0 0
"""


@pytest.mark.parametrize("path, expected", [
    ("/mnt/nas/店/complaintdesk.sqlite3", ("/mnt/nas", "cifs")),
    ("/srv/nfs/a.sqlite3", ("/srv/nfs", "nfs4")),
    ("/srv/old/a.sqlite3", ("/srv/old", "nfs")),
    ("/home/me/remote/db/a.sqlite3", ("/home/me/remote", "fuse.sshfs")),
    ("/media/my share/a.sqlite3", ("/media/my share", "smb3")),
    ("/mnt/nas", ("/mnt/nas", "cifs")),
])
def test_a_file_under_a_network_mount_is_found(path, expected):
    assert network_mount(path, MOUNTS) == expected


@pytest.mark.parametrize("path", [
    "/home/me/.local/share/ComplaintDesk/complaintdesk.sqlite3",
    "/mnt/nas/local-usb/a.sqlite3",  # a local disk mounted inside the share: the longest wins
    "/media/my disk/a.sqlite3",
    "/mnt/nasty/a.sqlite3",  # a prefix of the name is not the mount point
    "/srv/nfsx/a.sqlite3",
    "/tmp/a.sqlite3",
])
def test_a_file_on_a_local_disk_is_not(path):
    assert network_mount(path, MOUNTS) is None


def test_every_network_file_system_named_in_the_issue_is_known():
    for fs in ("nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p", "afs",
               "ceph", "glusterfs"):
        assert network_mount("/x/db.sqlite3", f"s /x {fs} rw 0 0\n") == ("/x", fs)


@pytest.mark.parametrize("path, unc", [
    (r"\\server\share\ComplaintDesk\complaintdesk.sqlite3", True),
    ("//server/share/db.sqlite3", True),
    (r"\\?\UNC\server\share\db.sqlite3", True),
    (r"\\?\C:\data\db.sqlite3", False),
    (r"\\.\C:\data", False),
    (r"C:\Users\a\AppData\Local\ComplaintDesk\complaintdesk.sqlite3", False),
    ("/home/a/db.sqlite3", False),
])
def test_unc_paths(path, unc):
    assert is_unc(path) is unc


def test_a_mapped_network_drive_is_refused_and_a_local_one_is_not():
    assert windows_network_location(r"Z:\shop\db.sqlite3", DRIVE_REMOTE) == "Z:\\（网络驱动器）"
    assert windows_network_location(r"C:\shop\db.sqlite3", 3) is None  # DRIVE_FIXED
    assert windows_network_location(r"\\nas\shop\db.sqlite3", None) == r"\\nas\shop\db.sqlite3"


def test_this_machines_test_folder_is_local(tmp_path):
    """The real detection on this machine: the tests' own temporary folder is local."""
    assert network_share.network_location(tmp_path / "complaintdesk.sqlite3") is None


def _on_a_share(monkeypatch, tmp_path):
    share = str(tmp_path)
    monkeypatch.setattr(network_share.Path, "read_text",
                        lambda self, **kw: f"//nas/shop {share} cifs rw 0 0\n"
                        if str(self) == "/proc/mounts" else "")
    monkeypatch.setattr(network_share.sys, "platform", "linux")


def test_open_services_refuses_sqlite_on_a_share(monkeypatch, tmp_path):
    _on_a_share(monkeypatch, tmp_path)
    db = tmp_path / "complaintdesk.sqlite3"
    with pytest.raises(NetworkShareRefused) as caught:
        open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path)
    message = caught.value.message
    assert "网络共享" in message and "cifs" in message and "PostgreSQL" in message
    assert "--database-url" in message
    assert not db.exists()  # nothing was created there


def test_the_command_line_refuses_it_with_the_message(monkeypatch, tmp_path, capsys):
    from complaintdesk.cli import main

    _on_a_share(monkeypatch, tmp_path)
    assert main(["--data-dir", str(tmp_path), "check"]) == 1
    err = capsys.readouterr().err
    assert "数据库文件位于网络共享上" in err and "PostgreSQL" in err
    assert not (tmp_path / "complaintdesk.sqlite3").exists()


def test_postgresql_is_never_refused(monkeypatch, tmp_path):
    _on_a_share(monkeypatch, tmp_path)
    startup_checks.refuse_sqlite_on_network_share(
        DatabaseConfig("postgresql+psycopg://u:p@server/db"))
