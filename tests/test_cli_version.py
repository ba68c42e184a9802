"""`complaintdesk --version` prints the single-source version (pyproject), looked up only
when asked for."""

from __future__ import annotations

import pytest

from complaintdesk import __version__
from complaintdesk.cli import main


def test_version_option_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"ComplaintDesk {__version__}"
    assert __version__[0].isdigit()
