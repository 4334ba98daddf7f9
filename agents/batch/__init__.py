"""Many sessions of one scenario at once: ``run_batch`` runs them, ``aggregate`` sums them up."""

from agents.batch.aggregate import BatchSummary, SessionRow, summarise, wilson_interval
from agents.batch.manifest import BatchConfig, BatchManifest, BatchMismatch
from agents.batch.runner import BatchOptions, BatchResult, run_batch

__all__ = [
    "BatchConfig",
    "BatchManifest",
    "BatchMismatch",
    "BatchOptions",
    "BatchResult",
    "BatchSummary",
    "SessionRow",
    "run_batch",
    "summarise",
    "wilson_interval",
]
