"""The kernel and adversarial tests once more with numba's bounds checking on.

numba does not bounds-check by default: an index that validation let through
would corrupt memory silently. With ``NUMBA_BOUNDSCHECK=1`` (compiled into a
separate cache folder, so the normal cache stays fast) it raises IndexError.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.mark.skipif(os.environ.get("NUMBA_BOUNDSCHECK") == "1", reason="already running with bounds checking")
def test_kernels_never_index_out_of_bounds(tmp_path):
    # Every kernel and code path is compiled and run with checks; the fuzz tests' share of random cases is
    # smaller than in the main run (which covers them), as a bounds-checked simulation is slower.
    env = {**os.environ, "NUMBA_BOUNDSCHECK": "1", "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache"),
           "LIQUID_FUZZ_EXAMPLES": "15"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-n", "0",
         "--deselect", str(HERE / "test_engine.py") + "::test_a_process_with_a_warm_cache_says_nothing_about_compiling",
         str(HERE / "test_engine.py"), str(HERE / "test_reliability.py"), str(HERE / "test_plasticity.py")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "passed" in result.stdout and "IndexError" not in result.stdout
