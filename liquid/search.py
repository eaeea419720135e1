"""One-line hyper-parameter search for the LSM classifier, on the training data only.

The search is scikit-learn's successive halving (``HalvingGridSearchCV``) over
the number of training sequences: every configuration is cross-validated on a
small share of the sequences, the best third goes on with three times as many,
and so on until the survivors see all of them. Why this and not an exhaustive
grid or a Bayesian optimiser:

* the cost of a liquid is the simulation, linear in the sequences simulated:
  halving spends about ``log_factor(n_candidates)`` full cross-validations
  instead of ``n_candidates`` of them (4 instead of 18 for the default space);
* it is deterministic for a given ``random_state`` (no sampler state), needs
  no extra dependency, and leaves ``cv_results_`` in scikit-learn's format;
* the caveat: early rounds on few sequences favour configurations that learn
  fast; the default space holds only settings that are sensible on any data,
  so a wrong early cut costs little.

On small training sets a 3-fold estimate is noisy, so the estimator's own
settings are kept unless the winner beats them by more than one standard
error (``prefer_estimator``).

The default space varies what no default can fit to every dataset: how long an
input frame drives the liquid (``frame_duration``: the timescale of the
series against the liquid's memory), how strongly (``input_scale``), and how
many instants the readout sees (``features``).
"""
from __future__ import annotations

import sys
import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.experimental import enable_halving_search_cv  # noqa: F401  (makes the import below work)
from sklearn.model_selection import GridSearchCV, HalvingGridSearchCV, ParameterGrid, StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from ._validation import check_given, check_labels, check_number
from .estimators import LSMClassifier
from .features import FilteredState, SpikeCounts

#: Most candidates a search takes: each is cross-validated on at least its first round's sequences, and
#: scikit-learn holds every candidate's parameters and results in memory.
MAX_CANDIDATES = 10_000

#: The default search space (18 configurations), see the module notes.
DEFAULT_SPACE = {
    "frame_duration": [5.0, 10.0, 20.0],
    "input_scale": [2.5, 5.0, 10.0],
    "features": [("state", "counts", "peak"), (FilteredState(n_points=10), SpikeCounts(n_bins=10), "peak")],
}


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _halving_candidates(n_candidates: int, factor: int, resource_ratio: int) -> int:
    """Candidates evaluated over the rounds of successive halving (as scikit-learn schedules them: as many
    rounds as the candidates need, or as the ratio of the most to the fewest sequences allows)."""
    rounds = 1 + int(np.floor(np.log(n_candidates) / np.log(factor) + 1e-9))
    rounds = min(rounds, 1 + int(np.floor(np.log(max(resource_ratio, 1)) / np.log(factor) + 1e-9)))
    return sum(-(-n_candidates // factor**i) for i in range(rounds))


class _ProgressScorer:
    """Accuracy, as ``scoring="accuracy"`` computes it, with a progress line on stderr after each fold's
    fit (at most one every ``interval`` seconds, and the last): fits done of about how many, the best fold
    accuracy so far and the time. Runs in the search's process (``n_jobs=1``)."""

    def __init__(self, n_fits: int, interval: float = 2.0):
        self.n_fits, self.interval = n_fits, interval
        self.done, self.best = 0, -np.inf
        self.started = self.last = time.perf_counter()

    def __call__(self, estimator, X, y) -> float:
        score = float(np.mean(estimator.predict(X) == np.asarray(y)))
        self.done += 1
        self.best = max(self.best, score)
        now = time.perf_counter()
        if now - self.last >= self.interval or self.done >= self.n_fits:
            self.last = now
            print(f"liquid: search: {self.done} of ~{self.n_fits} fold fits, best fold accuracy so far "
                  f"{self.best:.3f}, {now - self.started:.1f} s", file=sys.stderr, flush=True)
        return score


class LSMClassifierCV(ClassifierMixin, BaseEstimator):
    """An :class:`~liquid.LSMClassifier` whose settings are searched on the training data by successive halving.

    Parameters
    ----------
    estimator : LSMClassifier or None, default=None
        The classifier whose parameters are searched (cloned); ``None``:
        ``LSMClassifier(random_state=random_state, n_jobs=n_jobs)``.
    param_grid : dict or list of dicts, default=None
        Parameter values to search, as for ``GridSearchCV``; ``None``: ``DEFAULT_SPACE``.
    cv : int, default=3
        Stratified folds (shuffled with ``random_state``).
    factor : int, default=3
        Share of candidates kept after every round (1 / factor), and growth of
        the sequences they see.
    prefer_estimator : bool, default=True
        Keep the estimator's own settings (when they are a candidate) unless
        the winner beats them by more than one standard error of its
        cross-validated accuracy, compared at the most sequences both were
        evaluated on: on small training sets a 3-fold estimate is noisy, and
        a "winner" by chance generalises worse than the defaults.
    random_state : int, RandomState or None
        Seeds the folds and the subsamples (and the default estimator's liquid).
    n_jobs : int or None
        Threads of the liquid (the candidates run one after another, so the
        result does not depend on it).
    verbose : int, default=0
        1: progress on stderr every few seconds (fold fits done of how many,
        the best fold accuracy so far, time) and the winner; 2 and above:
        also scikit-learn's own lines for each round (on stdout).

    Attributes
    ----------
    best_estimator_ : LSMClassifier
        Refitted on all of the training data with ``best_params_``.
    best_params_ : dict
    best_score_ : float
        Mean cross-validated accuracy of the chosen settings (in the last
        round they reached).
    cv_results_ : dict
        Every candidate of every round (scikit-learn's format, with ``iter``
        and ``n_resources``).
    classes_ : array of labels
    search_ : HalvingGridSearchCV or GridSearchCV
        The search itself: ``GridSearchCV`` when the training set is too
        small for two rounds of halving (fewer than ``factor * 2 * cv``
        sequences per class).
    """

    def __init__(self, estimator=None, *, param_grid=None, cv: int = 3, factor: int = 3,
                 prefer_estimator: bool = True, random_state=None, n_jobs: int | None = None, verbose: int = 0):
        self.estimator = estimator
        self.param_grid = param_grid
        self.cv = cv
        self.factor = factor
        self.prefer_estimator = prefer_estimator
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    def fit(self, X, y):
        """Search the settings on (X, y), then refit the best on all of it."""
        check_number("cv", self.cv, 2, integer=True)
        check_number("factor", self.factor, 2, integer=True)
        check_number("verbose", self.verbose, 0, integer=True)
        if self.estimator is None:
            estimator = LSMClassifier(random_state=self.random_state, n_jobs=self.n_jobs)
        elif isinstance(self.estimator, LSMClassifier):
            estimator = clone(self.estimator)
        else:
            raise TypeError(f"estimator must be an LSMClassifier or None, got {type(self.estimator).__name__}")
        check_given(X)
        y = check_labels(y)
        seed = self.random_state if isinstance(self.random_state, (int, np.integer)) else None
        space = DEFAULT_SPACE if self.param_grid is None else self.param_grid
        try:
            n_candidates = len(ParameterGrid(space))
        except (TypeError, ValueError) as error:
            raise type(error)(f"param_grid: {error}") from None
        if n_candidates > MAX_CANDIDATES:
            raise ValueError(f"param_grid holds {n_candidates:,} candidates; at most {MAX_CANDIDATES:,} are supported "
                             "(each is cross-validated at least once)")
        # Halving's first round needs 2 * cv sequences per class; on a set too small for even two
        # rounds, every candidate sees all of it (small sets are cheap to simulate anyway).
        n_classes = np.unique(np.asarray(y)).shape[0]
        halving = len(y) >= self.factor * 2 * self.cv * n_classes
        n_fits = self.cv * (_halving_candidates(n_candidates, self.factor, len(y) // (2 * self.cv * n_classes))
                            if halving else n_candidates)
        scoring = _ProgressScorer(n_fits) if self.verbose else "accuracy"
        common = dict(cv=StratifiedKFold(self.cv, shuffle=True, random_state=seed), scoring=scoring, refit=True,
                      error_score="raise", n_jobs=1, verbose=max(self.verbose - 1, 0))
        if halving:
            search = HalvingGridSearchCV(estimator, space, factor=self.factor, resource="n_samples",
                                         random_state=seed, return_train_score=False, **common)
        else:
            search = GridSearchCV(estimator, space, **common)
        search.fit(X, y)
        if self.verbose:
            print(f"liquid: search done in {time.perf_counter() - scoring.started:.1f} s: best mean accuracy "
                  f"{search.best_score_:.3f} with {search.best_params_}", file=sys.stderr, flush=True)
        self.search_ = search
        self.best_estimator_ = search.best_estimator_
        self.best_params_ = search.best_params_
        self.best_score_ = float(search.best_score_)
        own_row = self._own_row_within_one_se(estimator, search) if self.prefer_estimator else None
        if own_row is not None:
            self.best_estimator_ = clone(estimator).fit(X, y)
            self.best_params_ = search.cv_results_["params"][own_row]
            self.best_score_ = float(search.cv_results_["mean_test_score"][own_row])
        self.cv_results_ = search.cv_results_
        self.classes_ = self.best_estimator_.classes_
        return self

    @staticmethod
    def _own_row_within_one_se(estimator, search) -> int | None:
        """The ``cv_results_`` row of the estimator's own settings if they are within one standard
        error of the winner's accuracy at the most sequences both were cross-validated on, else None."""
        results = search.cv_results_
        own = estimator.get_params()
        rounds = np.asarray(results.get("iter", np.zeros(len(results["params"]), dtype=int)))
        mine = [i for i, params in enumerate(results["params"]) if all(_same(own[k], v) for k, v in params.items())]
        winner = [i for i, params in enumerate(results["params"]) if params == search.best_params_]
        if not mine:
            return None
        deepest = max(rounds[i] for i in mine)
        own_row = next(i for i in mine if rounds[i] == deepest)
        win_row = next(i for i in winner if rounds[i] == deepest)
        scores = results["mean_test_score"]
        standard_error = results["std_test_score"][win_row] / np.sqrt(search.n_splits_)
        if own_row == win_row or scores[own_row] < scores[win_row] - standard_error:
            return None
        return own_row

    def predict(self, X):
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.predict(X)

    def decision_function(self, X):
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.decision_function(X)
