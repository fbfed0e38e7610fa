"""For experiments only: change critbench ab's sample length in its workers without changing critbench.

With this folder on PYTHONPATH and CRITBENCH_EXPERIMENT_SAMPLE_MS set, every Python process (the workers
included) sets ``critbench.engine._paired.SAMPLE_TIME_NS`` to that many milliseconds at start-up.
"""

import os

if os.environ.get("CRITBENCH_EXPERIMENT_SAMPLE_MS"):
    try:
        import critbench.engine._paired as paired
    except ImportError:
        pass
    else:
        paired.SAMPLE_TIME_NS = float(os.environ["CRITBENCH_EXPERIMENT_SAMPLE_MS"]) * 1e6
