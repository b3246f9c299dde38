"""FameEngine circuits."""

from .did import did_circuit, DIDWitnessInput, did_public_signals, PUBLIC_SIGNALS  # noqa: F401
