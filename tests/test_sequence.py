"""Per-timestep estimators: known answers, chunking, forecasting, and the misuse error."""
import numpy as np
import pytest

from liquid import LSMRegressor
from liquid.datasets import make_mackey_glass
from liquid.forecasting import LSMForecaster
from liquid.sequence import LSMSequenceClassifier, LSMSequenceRegressor, memory_liquid


@pytest.fixture(scope="module")
def white_noise():
    return np.random.default_rng(0).uniform(-1, 1, 2500)


@pytest.mark.parametrize("delay, floor", [(1, 0.9), (2, 0.4), (10, 0.3)])
def test_reproduces_the_input_delayed_by_k_steps(white_noise, delay, floor):
    """The liquid's own memory curve (no delay line in the readout, which would recall these exactly):
    measured R^2 0.999 / 0.954 / 0.467 at 1 / 2 / 10 steps with 400 neurons."""
    x = white_noise
    target = np.concatenate([np.zeros(delay), x[:-delay]])
    model = LSMSequenceRegressor(memory_liquid(400, random_state=0), input_lags=0).fit(x[:2000], target[:2000])
    r2 = model.score(x[2000:], target[2000:])
    print(f"\ndelay {delay}: R^2 {r2:.3f}")
    assert r2 >= floor


def test_without_memory_the_delayed_input_is_not_recoverable(white_noise):
    """Control: the readout alone (input skip, no usable liquid) cannot recall the past."""
    x = white_noise
    target = np.concatenate([[0.0], x[:-1]])
    skip_only = LSMSequenceRegressor(memory_liquid(1, random_state=0), readout_taus=(), voltage=False,
                                     input_lags=0).fit(x[:2000], target[:2000])
    assert skip_only.score(x[2000:], target[2000:]) < 0.05


def test_one_step_forecasts_beat_ridge_on_the_same_lags():
    """The readout's base is the input and its last 10 values, so the liquid can only add to ridge
    regression on them: on Mackey-Glass one step ahead it does (NRMSE about half the lag ridge's)."""
    from sklearn.linear_model import RidgeCV

    series = make_mackey_glass(2011, random_state=0)
    series = 2.0 * (series - series.min()) / (series.max() - series.min()) - 1.0
    split = 1500
    forecaster = LSMForecaster(memory_liquid(300, random_state=0), washout=100).fit(series[:split])
    liquid_error = np.sqrt(np.mean((forecaster.predict(series[:-1])[split:] - series[split + 1:]) ** 2))
    lags = np.column_stack([np.concatenate([np.zeros(j), series[:-1][: series.shape[0] - 1 - j]]) for j in range(11)])
    ridge = RidgeCV(alphas=np.logspace(-10, 3, 27)).fit(lags[100:split], series[101:split + 1])
    ridge_error = np.sqrt(np.mean((ridge.predict(lags[split:]) - series[split + 1:]) ** 2))
    assert liquid_error < 0.9 * ridge_error
    assert forecaster.base_alpha_ is not None and np.isfinite(forecaster.alpha_)  # the liquid is used


def test_a_liquid_that_does_not_help_is_left_out():
    """A target the delay line holds exactly (the input 3 steps back): leaving the liquid out validates best,
    and the readout is the base's ridge."""
    x = np.random.default_rng(3).uniform(-1, 1, 1500)
    target = np.concatenate([np.zeros(3), x[:-3]])
    model = LSMSequenceRegressor(memory_liquid(50, random_state=0)).fit(x[:1000], target[:1000])
    assert model.alpha_ == np.inf and not np.any(model.coef_[: -model._n_base()])
    assert model.score(x[1000:], target[1000:]) > 0.999


def test_chunk_size_does_not_change_anything(white_noise):
    x = white_noise[:600]
    target = np.roll(x, 1) ** 2  # not a linear function of the delay line: the liquid's weights matter
    whole = LSMSequenceRegressor(memory_liquid(100, random_state=0), chunk_size=1000, alpha=1e-3).fit(x, target)
    chunked = LSMSequenceRegressor(memory_liquid(100, random_state=0), chunk_size=37, alpha=1e-3).fit(x, target)
    np.testing.assert_allclose(chunked.coef_, whole.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(chunked.predict(x), whole.predict(x), rtol=1e-7, atol=1e-10)


def test_several_series_and_multichannel_targets():
    rng = np.random.default_rng(1)
    X = [rng.standard_normal((300, 2)) for _ in range(3)]
    y = [np.column_stack([x[:, 0] + x[:, 1], x[:, 0] * 0.5]) for x in X]
    model = LSMSequenceRegressor(memory_liquid(100, random_state=0)).fit(X, y)
    predicted = model.predict(X)
    assert isinstance(predicted, list) and predicted[0].shape == (300, 2)
    assert model.score(X, y) > 0.95


def test_per_timestep_classification_of_which_source_is_active():
    rng = np.random.default_rng(2)
    labels = np.repeat(rng.integers(0, 3, 80), 25)  # 80 segments of 25 steps
    t = np.arange(labels.size)
    signal = np.sin(2 * np.pi * t / np.array([4.0, 9.0, 20.0])[labels]) + 0.1 * rng.standard_normal(labels.size)
    model = LSMSequenceClassifier(memory_liquid(300, random_state=0)).fit(signal[:1500], labels[:1500])
    accuracy = model.score(signal[1500:], labels[1500:])
    print(f"\nper-timestep source classification: {accuracy:.3f} (chance 0.33)")
    assert accuracy > 0.8


def test_forecaster_teacher_forced_and_free_running():
    series = make_mackey_glass(1600, random_state=0)
    forecaster = LSMForecaster(memory_liquid(300, random_state=0)).fit(series[:1200])
    one_step = forecaster.predict(series[:-1])
    error = np.sqrt(np.mean((one_step[1200:] - series[1201:]) ** 2)) / series.std()
    assert error < 0.1
    origins = np.array([1250, 1400])
    free = forecaster.forecast(series, 5, origins=origins)
    assert free.shape == (2, 5)
    truth = series[origins[:, None] + np.arange(1, 6)]
    assert np.sqrt(np.mean((free - truth) ** 2)) / series.std() < 0.3
    # A forecast from an origin uses only the data up to it.
    np.testing.assert_allclose(forecaster.forecast(series[:1251], 5), free[0])
    with pytest.raises(ValueError, match="horizon=1"):
        LSMForecaster(memory_liquid(50, random_state=0), horizon=3).fit(series[:300]).forecast(series[:300], 2)


def test_a_single_series_in_a_whole_sequence_estimator_names_the_per_timestep_estimators():
    series = np.random.default_rng(0).standard_normal(300)
    with pytest.raises(ValueError, match="LSMSequenceRegressor"):
        LSMRegressor(50, random_state=0).fit(series, series)
    with pytest.raises(ValueError, match="LSMForecaster"):
        LSMRegressor(50, random_state=0).fit(series.reshape(-1, 1), series)


def test_bad_inputs_are_named():
    model = LSMSequenceRegressor(memory_liquid(50, random_state=0))
    with pytest.raises(ValueError, match="timesteps but its targets"):
        model.fit(np.zeros(100), np.zeros(90))
    with pytest.raises(ValueError, match="washout"):
        LSMSequenceRegressor(memory_liquid(50, random_state=0), washout=500).fit(np.ones(100), np.ones(100))
    with pytest.raises(ValueError, match="NaN"):
        model.fit(np.r_[np.zeros(50), np.nan], np.zeros(51))
    fitted = model.fit(np.random.default_rng(0).random(200), np.random.default_rng(1).random(200))
    with pytest.raises(ValueError, match="channels"):
        fitted.predict(np.zeros((10, 3)))
