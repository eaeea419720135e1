"""scikit-learn's own estimator checks.

Checks expected to fail, and why (the README lists them too):

* ``check_n_features_in_after_fitting``, ``check_transformer_general``,
  ``check_classifiers_train``: they require an error when ``transform`` /
  ``predict`` gets a 2-D array with a different number of columns than ``fit``.
  A 2-D array is a batch of univariate *time series* (rows are series, columns
  are timesteps), and a liquid takes series of any length, so a different
  length is valid input, not a mistake. (A different number of *channels* is
  rejected, see ``test_estimators.py``.)
"""
from sklearn.utils.estimator_checks import parametrize_with_checks

from liquid import LiquidStateMachine, LSMClassifier, LSMRegressor

SMALL = dict(n_neurons=40, random_state=0, n_jobs=1)

SERIES_LENGTH_MAY_CHANGE = "a 2-D X holds univariate series, whose length may differ between fit and predict"
EXPECTED_FAILURES = {
    "LiquidStateMachine": {
        "check_n_features_in_after_fitting": SERIES_LENGTH_MAY_CHANGE,
        "check_transformer_general": SERIES_LENGTH_MAY_CHANGE,
    },
    "LSMClassifier": {
        "check_n_features_in_after_fitting": SERIES_LENGTH_MAY_CHANGE,
        "check_classifiers_train": SERIES_LENGTH_MAY_CHANGE,
    },
    "LSMRegressor": {
        "check_n_features_in_after_fitting": SERIES_LENGTH_MAY_CHANGE,
    },
}


def expected_failed_checks(estimator):
    return EXPECTED_FAILURES[type(estimator).__name__]


@parametrize_with_checks(
    [LiquidStateMachine(**SMALL), LSMClassifier(**SMALL), LSMRegressor(**SMALL)],
    expected_failed_checks=expected_failed_checks,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
