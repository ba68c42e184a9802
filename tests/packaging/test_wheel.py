"""The top-level resources/ ships in the wheel and the sdist, and `resource_path` finds it
in all three ways the program runs: a source checkout, an installed wheel, a frozen bundle
(the bundle itself is built by test_installer.py)."""

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from complaintdesk import resources_path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("fonts/LICENSE-wqy-microhei.txt", "fonts/wqy-microhei.ttc", "default_rules.json",
           "defaults.json", "input_rules.json", "icons/app.png", "icons/app.ico")


def test_a_checkout_reads_the_top_level_resources():
    assert resources_path.resources_root() == ROOT / "resources"
    assert not (ROOT / "src" / "complaintdesk" / "resources").exists()
    for name in SHIPPED:
        assert resources_path.resource_path(*name.split("/")).is_file(), name


def test_a_frozen_bundle_reads_its_own_copy(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_path.resource_path("fonts", "x.ttc") == \
        tmp_path / "complaintdesk" / "resources" / "fonts" / "x.ttc"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH: the wheel cannot be built here")
    out = tmp_path_factory.mktemp("dist")
    # sdist first, then the wheel built from it: proves both carry resources/
    subprocess.run([uv, "build", "--quiet", "--out-dir", str(out)], cwd=ROOT, check=True,
                   capture_output=True)
    [wheel] = out.glob("*.whl")
    [sdist] = out.glob("*.tar.gz")
    return wheel, sdist


def test_the_wheel_and_sdist_carry_the_resources(built):
    wheel, sdist = built
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in SHIPPED:
        assert f"complaintdesk/resources/{name}" in names, name
    with tarfile.open(sdist) as tar:
        members = {m.split("/", 1)[1] for m in tar.getnames() if "/" in m}
    for name in SHIPPED:
        assert f"resources/{name}" in members, name
    licence = zipfile.ZipFile(wheel).read("complaintdesk/resources/fonts/LICENSE-wqy-microhei.txt")
    assert b"Apache" in licence


def test_an_installed_wheel_finds_its_resources(built, tmp_path):
    wheel, _sdist = built
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import complaintdesk.resources_path as r, json;"
            "print(r.__file__); print(r.resources_root());"
            "print(len(json.loads(r.resource_path('default_rules.json').read_text('utf-8'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PYTHONPATH": str(site)}, check=True)
    module, root, rules = result.stdout.split("\n")[:3]
    assert Path(module).is_relative_to(site)
    assert Path(root) == site / "complaintdesk" / "resources"
    assert int(rules) > 0
