"""The documentation: the site builds strictly and offline, the README stays short and its tour true."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.helpers import ROOT

README_LIMIT = 14 * 1024
KEY_PAGES = (
    "index",
    "models",
    "cli",
    "web-app",
    "scenarios",
    "personas",
    "your-own-scenario",
    "how-it-works",
    "transcripts",
    "review",
    "batches",
    "replay-and-fork",
    "benchmarks",
    "architecture",
    "tests",
)
TOUR_HEADING = "## A tour of the folders"
TOUR_ROW = re.compile(r"^\| `([^`]+)/` \|", re.MULTILINE)


def test_the_site_builds_in_strict_mode(tmp_path):
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for page in KEY_PAGES:
        assert (site / f"{page}.html").is_file(), page
    assert (site / "search" / "search_index.json").is_file()


def test_the_site_loads_no_web_fonts():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+font: false", config, re.MULTILINE)


def test_readme_stays_under_14_kb():
    size = (ROOT / "README.md").stat().st_size
    assert size <= README_LIMIT, f"README.md is {size} bytes; move reference material into docs/"


def tour() -> list[str]:
    """The folders the README's tour names, as written (``agents/core``, ``prompts``...)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(TOUR_HEADING, 1)[1].split("\n## ", 1)[0]
    return TOUR_ROW.findall(section)


def test_every_folder_in_the_readme_tour_exists():
    named = tour()
    assert "agents" in named and "tests" in named
    for folder in named:
        assert (ROOT / folder).is_dir(), f"the README's tour names {folder}/, which does not exist"
        if folder.startswith("agents/"):
            assert (ROOT / folder / "__init__.py").is_file(), f"{folder}/ is not a package"


def test_every_subpackage_of_agents_is_in_the_readme_tour():
    named = set(tour())
    packages = {f"agents/{p.parent.name}" for p in (ROOT / "agents").glob("*/__init__.py")}
    assert packages, "no subpackages found"
    missing = sorted(packages - named)
    assert not missing, f"the README's tour leaves out {missing}"


def test_every_top_level_folder_is_in_the_readme_tour():
    """Tracked folders only: .venv, site/ and caches are not part of the project."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode != 0:  # an sdist, not a checkout
        return
    folders = {line.split("/", 1)[0] for line in tracked.stdout.splitlines() if "/" in line}
    missing = sorted(folders - set(tour()))
    assert not missing, f"the README's tour leaves out {missing}"
