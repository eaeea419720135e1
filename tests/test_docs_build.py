"""The user guide and the API reference build with warnings as errors."""
import ast
import html
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_api_reference_builds_without_warnings(tmp_path):
    pytest.importorskip("sphinx", reason="sphinx is in the test extra: pip install '.[test]'")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(ROOT / "docs"),
         str(tmp_path / "html")],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for guide_page in sorted((ROOT / "docs").glob("*.md")):  # every guide page is part of the site
        built = tmp_path / "html" / f"{guide_page.stem}.html"
        title = guide_page.read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
        assert built.is_file() and html.escape(title, quote=False) in built.read_text(encoding="utf-8"), guide_page
    page = (tmp_path / "html" / "api.html").read_text(encoding="utf-8")
    for name in ("LiquidStateMachine", "LSMSequenceRegressor", "OnlineAnomalyDetector", "nab_score", "fetch_uea"):
        assert name in page
    gallery = (tmp_path / "html" / "examples.html").read_text(encoding="utf-8")
    for script in sorted((ROOT / "examples").glob("*.py")):  # a new example must join the gallery
        summary = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))).splitlines()[0]
        assert html.escape(summary, quote=False) in gallery, script.name
