"""Starting a counting worker: the bench target's worker process, run under valgrind's callgrind.

The worker is ``python -m critbench.engine._counting_worker`` under ``valgrind --tool=callgrind`` with the
two markers (``_callgrind``), in an environment reduced to a few variables and a fixed hash seed, so two runs
of the same code start from the same heap. Its dumps go to a temporary folder of its own, removed with it.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

from critbench.engine._callgrind import callgrind_command, worker_environment
from critbench.engine._job import Job
from critbench.engine._worker_process import _CRITBENCH_SRC, WorkerProcess
from critbench.model import BenchTarget


class CountingWorkerProcess(WorkerProcess):
    """A worker process counting instructions under callgrind; its dump folder goes when it is closed."""

    def __init__(self, target: BenchTarget, job: Job) -> None:
        # A fixed-length name (mkdtemp's suffix is always 8 characters): paths end up in the worker's argv,
        # and a longer one would move the heap the benchmarks are counted in.
        self.out_dir = Path(tempfile.mkdtemp(prefix="critbench-cg-"))
        command = [
            *worker_environment(_CRITBENCH_SRC),
            *callgrind_command(self.out_dir, cache_simulation=job.settings.cache_simulation),
            "-m",
            "critbench.engine._counting_worker",
            "--out-dir",
            str(self.out_dir),
        ]
        command[command.index("valgrind")] = shutil.which("valgrind") or "valgrind"
        try:
            super().__init__(target, job, command)
        except BaseException:
            shutil.rmtree(self.out_dir, ignore_errors=True)
            raise

    def close(self) -> None:
        try:
            super().close()
        finally:
            with contextlib.suppress(OSError):
                shutil.rmtree(self.out_dir)
