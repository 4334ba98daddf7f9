"""An installed (non-editable) Parley still finds its prompts, personas and scenarios."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from tests.helpers import ROOT


def test_wheel_carries_the_data_folders_and_finds_them(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(tmp_path.glob("parley-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "agents/_data/personas/russia.yaml",
        "agents/_data/scenarios/six-party-2003.yaml",
        "agents/_data/prompts/turn.j2",
        "agents/_data/.chainlit/config.toml",  # else Chainlit writes its default: uploads on, any origin
    ):
        assert expected in names
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    probe = (
        "from agents.core.paths import data_root; from agents.core.catalog import Catalog; "
        "print(data_root()); print(len(Catalog().personas))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(unpacked), "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    root, count = result.stdout.split()
    assert root == str(unpacked / "agents" / "_data") and int(count) == 10
