"""The only code that knows paths and file formats: baselines, result files, the history database.

:class:`OutputLayout` names every path under the output root; other layers ask it rather than joining
names onto the root themselves.
"""

from critbench.errors import StorageError
from critbench.model import LAST_RUN, PREVIOUS_RUN
from critbench.storage._baseline_files import StoredBaseline, StoredBenchmark, stored_benchmarks
from critbench.storage._baselines import BaselineNotFound, BaselineStore, ListedBaseline, Tidied
from critbench.storage._files import (
    SCHEMA_VERSION,
    append_text,
    check_writable_file,
    check_writable_folder,
    dump_document,
    ignore_in_git,
    write_bytes_atomic,
    write_folder_atomic,
)
from critbench.storage._history import HistoryStore, StoredRun, mask_password
from critbench.storage._layout import MAX_BASELINE_NAME_LENGTH, OutputLayout
from critbench.storage._names import InvalidBaselineName, check_baseline_name

__all__ = [
    "LAST_RUN",
    "MAX_BASELINE_NAME_LENGTH",
    "PREVIOUS_RUN",
    "SCHEMA_VERSION",
    "BaselineNotFound",
    "BaselineStore",
    "HistoryStore",
    "InvalidBaselineName",
    "ListedBaseline",
    "OutputLayout",
    "StorageError",
    "StoredBaseline",
    "StoredBenchmark",
    "StoredRun",
    "Tidied",
    "append_text",
    "check_baseline_name",
    "check_writable_file",
    "check_writable_folder",
    "dump_document",
    "ignore_in_git",
    "mask_password",
    "stored_benchmarks",
    "write_bytes_atomic",
    "write_folder_atomic",
]
