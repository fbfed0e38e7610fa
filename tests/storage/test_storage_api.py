"""The public face of critbench.storage, and a cheap import (SQLAlchemy loads only when a store opens)."""

from __future__ import annotations

import subprocess
import sys

import critbench.storage

PUBLIC = {
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
    "check_writable_file",
    "check_writable_folder",
    "check_baseline_name",
    "dump_document",
    "ignore_in_git",
    "mask_password",
    "stored_benchmarks",
    "write_bytes_atomic",
    "write_folder_atomic",
}


def test_all_is_exactly_the_public_names() -> None:
    assert set(critbench.storage.__all__) == PUBLIC
    assert len(critbench.storage.__all__) == len(PUBLIC)
    for name in PUBLIC:
        assert hasattr(critbench.storage, name)


def test_importing_storage_and_naming_paths_loads_no_database_code() -> None:
    code = (
        "from pathlib import Path\n"
        "from critbench.storage import OutputLayout\n"
        "OutputLayout(Path('out')).history_database\n"
        "import sys\n"
        "print(' '.join(sys.modules))"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = completed.stdout.split()
    assert "critbench.storage" in modules
    assert "sqlalchemy" not in modules
    assert "numpy" not in modules
