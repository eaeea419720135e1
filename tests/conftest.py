from pathlib import Path

import numpy as np
import pytest

from liquid.datasets import make_temporal_order


@pytest.fixture(scope="session")
def temporal_order():
    """A small ragged, multichannel classification set (list of (T_i, 4) arrays)."""
    return make_temporal_order(60, random_state=0)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def pytest_report_header(config):
    import liquid

    return f"liquid {liquid.__version__} from {Path(liquid.__file__).parent}"
