"""The README's and the user guide's code runs, from a folder outside the repository, and prints what
they say it prints."""
import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
GUIDE = sorted((README.parent / "docs").glob("*.md"))
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def _python_examples():
    """(page, code, expected output): each ```python block of the README and the guide's pages, and the
    ```text block after it."""
    found = []
    for page in [README, *GUIDE]:
        blocks = re.findall(r"```(\w+)\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S)
        for i, (lang, code) in enumerate(blocks):
            if lang == "python":
                following = blocks[i + 1] if i + 1 < len(blocks) else ("", "")
                found.append(pytest.param(page, code, following[1] if following[0] == "text" else None,
                                          id=f"{page.name}-{i}"))
    return found


def test_readme_has_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert "pip install . && liquid cv" in text
    assert '```bash\npip install ".[test]" && pytest\n```' in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install ".[test]" && pytest' in ci


def test_the_tests_import_the_liquid_that_examples_and_the_cli_import(tmp_path):
    """One package, one numba cache: the source tree is not shadowing the installed package (or vice versa)."""
    import subprocess
    import sys

    import liquid

    elsewhere = subprocess.run([sys.executable, "-c", "import liquid; print(liquid.__file__)"],
                               capture_output=True, text=True, cwd=tmp_path, check=True)
    assert Path(elsewhere.stdout.strip()).resolve() == Path(liquid.__file__).resolve()


def test_the_guide_has_its_pages_and_the_readme_links_them():
    names = {page.stem for page in GUIDE}
    assert {"getting_started", "classification", "audio", "timestep", "anomaly", "cli", "settings",
            "benchmarks"} <= names
    readme = README.read_text(encoding="utf-8")
    assert all(f"(docs/{name}.md)" in readme for name in names)
    assert len(readme.splitlines()) < 200  # a front page; measurements live in docs/benchmarks.md


@pytest.mark.parametrize("page, code, expected", _python_examples())
def test_documented_example_runs_and_prints_its_documented_output(page, code, expected, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # outside the repository: nothing found by a relative path by accident
    if "load_fsdd()" in code:
        if not (SHARED / "fsdd").is_dir():
            pytest.skip(f"the FSDD example needs the recordings ({SHARED / 'fsdd'} not found)")
        monkeypatch.setenv("LIQUID_DATA", str(SHARED))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(page), "exec"), {"__name__": "__docs__"})
    if expected is not None:
        assert out.getvalue().strip() == expected.strip()
