"""Datasets: the embedded Japanese Vowels, file readers and synthetic generators."""
from .japanese_vowels import load_japanese_vowels
from .synthetic import make_temporal_order
from .ts import TsFormatError, load_ts

__all__ = ["load_japanese_vowels", "load_ts", "make_temporal_order", "TsFormatError"]
