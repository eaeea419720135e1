"""Connectivity: Dale's law, in-degrees, distance dependence, sparsity, input wiring."""
import numpy as np
import pytest

from liquid import CurrentEncoder, FixedInDegree, LiquidStateMachine, MaassColumn, RandomSparse


def _fitted(n_neurons=400, **params):
    rng = np.random.default_rng(1)
    return LiquidStateMachine(n_neurons=n_neurons, random_state=0, **params).fit([rng.standard_normal((5, 3))])


@pytest.mark.parametrize("topology", ["fixed_indegree", "random", "column"])
def test_dales_law_holds_in_the_built_weights(topology):
    lsm = _fitted(topology=topology)
    weights = lsm.reservoir_.weights.tocsr()
    is_inh = lsm.reservoir_.is_inhibitory
    assert is_inh.sum() == round(0.2 * 400)
    for pre in range(weights.shape[0]):
        row = weights.data[weights.indptr[pre] : weights.indptr[pre + 1]]
        assert np.all(row < 0) if is_inh[pre] else np.all(row > 0)
    assert weights.diagonal().sum() == 0  # no autapses


def test_connection_type_means_follow_the_weight_parameters():
    lsm = _fitted(n_neurons=2000, w_ee=1.0, w_ei=2.0, w_ie=4.0, w_ii=8.0)
    coo = lsm.reservoir_.weights.tocoo()
    is_inh = lsm.reservoir_.is_inhibitory
    for pre_inh, post_inh, expected in [(0, 0, 1.0), (0, 1, 2.0), (1, 0, -4.0), (1, 1, -8.0)]:
        mask = (is_inh[coo.row] == pre_inh) & (is_inh[coo.col] == post_inh)
        assert coo.data[mask].mean() == pytest.approx(expected, rel=0.05)


def test_fixed_in_degree_is_exact():
    lsm = _fitted(topology=FixedInDegree(in_degree=37))
    in_degrees = np.diff(lsm.reservoir_.weights.tocsc().indptr)
    assert np.all(in_degrees == 37)


def test_random_sparse_density_matches_probability():
    lsm = _fitted(n_neurons=1000, topology=RandomSparse(p_connect=0.05))
    density = lsm.reservoir_.weights.nnz / (1000 * 999)
    assert density == pytest.approx(0.05, rel=0.03)


def test_column_connects_near_neurons_more_than_far_ones_as_in_maass_2002():
    column = MaassColumn(lambda_=2.0, c_ee=0.3, c_ei=0.3, c_ie=0.3, c_ii=0.3)
    n = 15 * 15 * 6
    pre, post = column.connect(np.zeros(n, dtype=bool), np.random.default_rng(0))
    positions = column.positions(n)
    connected = np.zeros((n, n), dtype=bool)
    connected[pre, post] = True
    distance = np.linalg.norm(positions[:, None, :] - positions[None, :, :], axis=-1)
    for d in (1.0, np.sqrt(2.0), 2.0, 3.0):
        pairs = np.isclose(distance, d)
        observed = connected[pairs].mean()
        expected = 0.3 * np.exp(-((d / 2.0) ** 2))
        assert observed == pytest.approx(expected, abs=4 * np.sqrt(expected / pairs.sum()) + 1e-3)
    assert connected[distance == 1.0].mean() > 5 * connected[(distance >= 4.0)].mean()


def test_column_uses_type_dependent_peaks():
    column = MaassColumn(lambda_=1.5, c_ee=0.3, c_ei=0.2, c_ie=0.4, c_ii=0.1)
    n = 1000
    is_inh = np.random.default_rng(0).random(n) < 0.5
    pre, post = column.connect(is_inh, np.random.default_rng(1))
    counts = {(a, b): np.sum((is_inh[pre] == a) & (is_inh[post] == b)) for a in (0, 1) for b in (0, 1)}
    assert counts[(1, 0)] > counts[(0, 0)] > counts[(0, 1)] > counts[(1, 1)]


def test_column_rejects_a_grid_too_small():
    lsm = LiquidStateMachine(n_neurons=100, topology=MaassColumn(shape=(3, 3, 3)))
    with pytest.raises(ValueError, match="shape"):
        lsm.fit([np.zeros((3, 1))])


def test_input_fraction_and_scale():
    # The channels as given (no rise and fall channels), so that the matrix has one row per channel.
    lsm = _fitted(n_neurons=2000, input_fraction=0.25, input_scale=3.0, encoder=CurrentEncoder(changes=None))
    w_in = lsm.reservoir_.input_weights
    assert w_in.shape == (3, 2000)
    # each pair with probability 0.25; a neuron that drew no channel (0.75 ** 3 of them) gets one
    assert w_in.nnz / (3 * 2000) == pytest.approx(0.25 + 0.75**3 / 3, rel=0.05)
    assert np.abs(w_in.data).mean() == pytest.approx(3.0, rel=0.05)


@pytest.mark.parametrize("n_channels", [1, 3])
def test_every_neuron_receives_input(n_channels):
    lsm = LiquidStateMachine(n_neurons=500, input_fraction=0.1, random_state=0).fit(
        [np.random.default_rng(0).standard_normal((5, n_channels))])
    assert np.all(lsm.reservoir_.input_weights.getnnz(axis=0) >= 1)


@pytest.mark.filterwarnings("ignore::liquid.LiquidActivityWarning")  # constant input: a silent liquid
def test_input_left_sparse_when_asked():
    silent_input = LiquidStateMachine(n_neurons=50, input_fraction=0.0, random_state=0).fit([np.ones((5, 2))])
    assert silent_input.reservoir_.input_weights.nnz == 0  # no input at all stays possible
    sparse_input = LiquidStateMachine(n_neurons=500, input_fraction=0.1, drive_every_neuron=False,
                                      encoder=CurrentEncoder(changes=None), random_state=0)
    driven = sparse_input.fit([np.ones((5, 1))]).reservoir_.input_weights.getnnz(axis=0) > 0
    assert driven.mean() == pytest.approx(0.1, abs=0.04)
    with pytest.raises(TypeError, match="drive_every_neuron"):
        LiquidStateMachine(20, drive_every_neuron="yes").fit([np.ones((5, 1))])


def test_large_liquids_build_sparse_and_run():
    """N = 20,000: never a dense N x N matrix (that alone would be 3.2 GB)."""
    X = [np.random.default_rng(0).standard_normal((5, 2))]
    lsm = LiquidStateMachine(n_neurons=20_000, features="rate", random_state=0, n_jobs=1)
    features = lsm.fit_transform(X)
    # 5 timesteps, held 60 ms: too short for blocks; the sequence at 60 ms per timestep and played 4x faster
    assert features.shape == (1, 2 * 20_000) and lsm.time_scale_views_ == ((1, 60), (1, 15))
    assert lsm.reservoir_.weights.nnz == 20_000 * 50
    assert 0.1 < lsm.firing_rate_ < 100
