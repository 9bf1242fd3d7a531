"""Verifiable task suite for the slhf-serve demo models (see models/eval/README.md)."""
from .suite import FAMILIES, make_example, verify, normalize, make_heldout, training_stream  # noqa: F401
