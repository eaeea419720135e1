"""liquid: reservoir computing with Liquid State Machines of spiking neurons."""
from importlib.metadata import PackageNotFoundError, version

from .anomaly import LSMAnomalyDetector
from .encoders import (
    BSAEncoder,
    CurrentEncoder,
    DeltaEncoder,
    PoissonEncoder,
    PopulationEncoder,
    SpikeEncoder,
    events_to_counts,
)
from .estimators import LiquidActivityWarning, LiquidStateMachine, LSMClassifier, LSMRegressor
from .features import FilteredState, FiringRate, FirstSpikeLatency, PeakRate, SpikeCounts
from .forecasting import LSMForecaster
from .neurons import LIF, MultiscaleLIF
from .online_anomaly import OnlineAnomalyDetector
from .plasticity import STDP
from .search import LSMClassifierCV
from .sequence import LSMSequenceClassifier, LSMSequenceRegressor
from .topology import FixedInDegree, MaassColumn, RandomSparse

try:
    __version__ = version("liquid-lsm")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "LiquidStateMachine",
    "LSMClassifier",
    "LSMClassifierCV",
    "LSMRegressor",
    "LSMAnomalyDetector",
    "OnlineAnomalyDetector",
    "LSMSequenceRegressor",
    "LSMSequenceClassifier",
    "LSMForecaster",
    "LiquidActivityWarning",
    "LIF",
    "MultiscaleLIF",
    "STDP",
    "FixedInDegree",
    "RandomSparse",
    "MaassColumn",
    "CurrentEncoder",
    "PoissonEncoder",
    "DeltaEncoder",
    "SpikeEncoder",
    "BSAEncoder",
    "PopulationEncoder",
    "events_to_counts",
    "FilteredState",
    "SpikeCounts",
    "FiringRate",
    "FirstSpikeLatency",
    "PeakRate",
]
