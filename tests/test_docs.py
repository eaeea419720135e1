"""The README's code runs and prints what the README says it prints."""
import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def _python_examples():
    """(code, expected output) pairs: each ```python block and the ```text block after it."""
    blocks = re.findall(r"```(\w+)\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    pairs = []
    for i, (lang, code) in enumerate(blocks):
        if lang == "python":
            following = blocks[i + 1] if i + 1 < len(blocks) else ("", "")
            pairs.append((code, following[1] if following[0] == "text" else None))
    return pairs


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


@pytest.mark.parametrize("code, expected", _python_examples())
def test_readme_example_runs_and_prints_its_documented_output(code, expected, monkeypatch):
    if "load_fsdd()" in code:
        if not (SHARED / "fsdd").is_dir():
            pytest.skip(f"the FSDD example needs the recordings ({SHARED / 'fsdd'} not found)")
        monkeypatch.setenv("LIQUID_DATA", str(SHARED))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})
    if expected is not None:
        assert out.getvalue().strip() == expected.strip()
