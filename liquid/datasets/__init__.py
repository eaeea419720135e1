"""Datasets: synthetic generators (no files needed)."""
from .synthetic import make_temporal_order

__all__ = ["make_temporal_order"]
