"""SQLite on a network share is refused (DESIGN §9): its file locking is not safe over
SMB/NFS, and two PCs writing one file there can corrupt it. Several PCs means PostgreSQL.

The decisions are pure functions over what the system reports (the mounts table's text,
a drive type), so they are tested on any platform; `network_location` asks the system."""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePath, PureWindowsPath

# /proc/mounts file system types that are a remote server's disk
NETWORK_FS_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p", "afs",
    "ceph", "fuse.ceph", "glusterfs", "fuse.glusterfs", "lustre", "gfs2", "ocfs2",
    "fuse.rclone", "davfs", "fuse.davfs2", "ncpfs", "coda", "fuse.s3fs", "fuse.gcsfuse",
    "beegfs", "gpfs", "orangefs", "pvfs2", "fuse.cifs",
})
DRIVE_REMOTE = 4  # GetDriveTypeW


def _unescape_mount(field: str) -> str:
    r"""/proc/mounts writes a space as \040, a tab as \011, a backslash as \134."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and i + 4 <= len(field) and field[i + 1:i + 4].isdigit():
            out.append(chr(int(field[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def network_mount(path: str, mounts_text: str) -> tuple[str, str] | None:
    """The (mount point, file system type) of `path` when the mount that holds it — the
    longest mount point that is a prefix of the path — is a network file system; else
    None. `path` is absolute and resolved; `mounts_text` is /proc/mounts."""
    best: tuple[str, str] | None = None
    target = PurePath(path)
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point, fstype = _unescape_mount(parts[1]), parts[2].lower()
        mp = PurePath(point)
        if target == mp or mp in target.parents:
            if best is None or len(point) >= len(best[0]):
                best = (point, fstype)
    if best is None:
        return None
    return best if best[1] in NETWORK_FS_TYPES or best[1].startswith("nfs") else None


def is_unc(path: str) -> bool:
    r"""A Windows UNC path: \\server\share\… (also //server/share and \\?\UNC\…)."""
    if path.upper().startswith(("\\\\?\\UNC\\", "//?/UNC/")):
        return True
    if path.startswith(("\\\\?\\", "\\\\.\\")):
        return False
    return path.startswith(("\\\\", "//")) and len(path) > 2 and path[2] not in "\\/"


def windows_network_location(path: str, drive_type: int | None) -> str | None:
    """A UNC path, or a drive letter whose GetDriveTypeW is DRIVE_REMOTE (a mapped
    network drive): what it is, for the message; None for a local disk."""
    if is_unc(path):
        return path
    drive = PureWindowsPath(path).drive
    if drive and drive_type == DRIVE_REMOTE:
        return f"{drive}\\（网络驱动器）"
    return None


def _windows_drive_type(path: str) -> int | None:
    drive = PureWindowsPath(path).drive
    if not drive or sys.platform != "win32":
        return None
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(drive + "\\"))


def network_location(path: Path) -> str | None:
    """Where on the network the SQLite file `path` would be, or None when it is on a
    local disk (or the system cannot tell)."""
    if sys.platform == "win32":
        raw = str(path)
        if is_unc(raw):
            return raw
        full = os.path.abspath(raw)
        return windows_network_location(full, _windows_drive_type(full))
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None  # not Linux (macOS): no table to read; nothing refused
    # the folder that will hold the file decides (the file may not exist yet)
    real = os.path.realpath(path.parent if not path.exists() else path)
    found = network_mount(real, mounts)
    return f"{found[0]}（{found[1]}）" if found else None


def refusal_message(path: Path, where: str) -> str:
    return (f"数据库文件位于网络共享上：{where}。\n"
            f"SQLite 数据库（{path.name}）不能放在网络共享或网络驱动器上：多台电脑同时使用时"
            "文件锁不可靠，数据可能损坏。\n"
            "请把数据文件夹放在本机硬盘上（--data-dir 选择本机文件夹）；"
            "多台电脑共用数据时，请在局域网内安装 PostgreSQL 服务器，"
            "并在每台电脑上用 --database-url postgresql+psycopg://用户:密码@服务器/数据库 启动。")
