"""The only code that knows paths and file formats: baselines, result files, the history database."""

from critbench.errors import StorageError
from critbench.model import LAST_RUN, PREVIOUS_RUN
from critbench.storage._baselines import (
    BaselineNotFound,
    BaselineStore,
    InvalidBaselineName,
    StoredBaseline,
    StoredBenchmark,
    check_baseline_name,
)
from critbench.storage._files import (
    SCHEMA_VERSION,
    append_text,
    dump_document,
    write_bytes_atomic,
    write_folder_atomic,
)
from critbench.storage._history import HistoryStore, StoredRun, mask_password

__all__ = [
    "LAST_RUN",
    "PREVIOUS_RUN",
    "SCHEMA_VERSION",
    "BaselineNotFound",
    "BaselineStore",
    "HistoryStore",
    "InvalidBaselineName",
    "StorageError",
    "StoredBaseline",
    "StoredBenchmark",
    "StoredRun",
    "append_text",
    "check_baseline_name",
    "dump_document",
    "mask_password",
    "write_bytes_atomic",
    "write_folder_atomic",
]
