"""The only code that knows paths and file formats: baselines, result files, the history database."""

from critbench.storage._baselines import (
    LAST_RUN,
    BaselineNotFound,
    BaselineStore,
    InvalidBaselineName,
    StoredBaseline,
    StoredBenchmark,
    check_baseline_name,
)
from critbench.storage._files import SCHEMA_VERSION, StorageError, dump_document, write_bytes_atomic

__all__ = [
    "LAST_RUN",
    "SCHEMA_VERSION",
    "BaselineNotFound",
    "BaselineStore",
    "InvalidBaselineName",
    "StorageError",
    "StoredBaseline",
    "StoredBenchmark",
    "check_baseline_name",
    "dump_document",
    "write_bytes_atomic",
]
