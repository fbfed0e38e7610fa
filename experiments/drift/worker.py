"""One worker process of a drift-experiment run: times every benchmark and the references, prints JSON.

    python worker.py '{"process": 3, "warm_up_s": 0.3, "measurement_s": 0.5, ...}'

What one process does, in this order (all timings with ``perf_counter_ns`` around a ``repeat`` loop, as
critbench's ``Bencher.iter`` does):

1. Builds every benchmark's and reference's data.
2. ``block 0``: each reference (ref_py, ref_c, ref_mem) is calibrated once (doubling to ~30 ms), then timed
   in one discarded sample and ``block_samples`` samples of ~``block_sample_ms``.
3. For each benchmark in a fixed order: the **plain** measurement exactly as critbench's worker share does
   (doubling warm-up to ``warm_up_s``, then ``samples`` linear samples i·d over ``measurement_s``), followed
   by the next reference **block**. So every benchmark has a reference block just before and just after it
   (designs 1 and 2).
4. For each benchmark again: the **interleaved** phase, pinned to the CPU the process is on (as
   ``critbench ab`` pins its worker): ``rounds`` rounds, each timing one ~``inter_w_ms`` benchmark sample and
   one ~``inter_ref_ms`` sample of each reference in a random order (design 3).

Raw per-iteration times go to stdout as one JSON object; the driver stores them.
"""

from __future__ import annotations

import gc
import json
import math
import os
import random
import sys
import time
from collections.abc import Callable
from itertools import repeat
from pathlib import Path
from time import perf_counter_ns

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workloads import REFERENCES, WORKLOADS

Routine = Callable[[], object]


def timed(routine: Routine, iters: int) -> int:
    start = perf_counter_ns()
    for _ in repeat(None, iters):
        routine()
    return perf_counter_ns() - start


def calibrate(routine: Routine, limit_ns: float) -> tuple[int, int]:
    """Criterion's doubling warm-up: (iterations run, nanoseconds taken)."""
    total_iters, total_ns, n = 0, 0, 1
    while True:
        total_ns += timed(routine, n)
        total_iters += n
        if total_ns > limit_ns:
            return total_iters, total_ns
        n *= 2


WINDOW_NS = 100_000


def timed_windows(routine: Routine, iters: int, window: int) -> tuple[int, float]:
    """A sample timed in windows of ``window`` iterations, as critbench's ``Bencher.iter`` does: (total ns,
    fastest window's ns per iteration)."""
    total, best, remaining = 0, math.inf, iters
    while remaining > 0:
        chunk = min(window, remaining)
        start = perf_counter_ns()
        for _ in repeat(None, chunk):
            routine()
        elapsed = perf_counter_ns() - start
        total += elapsed
        if elapsed > 0:
            best = min(best, elapsed / chunk)
        remaining -= chunk
    return total, best if math.isfinite(best) else total / iters


def plain(routine: Routine, warm_up_s: float, measurement_s: float, samples: int) -> dict[str, object]:
    """critbench's share of one benchmark in one process: warm-up, then linear sampling, each sample timed
    in ~0.1 ms windows (critbench's ``fastest_ns``; runs before 2026-12-06 19:56 UTC lack them)."""
    warm_iters, warm_ns = calibrate(routine, warm_up_s * 1e9)
    met = warm_ns / warm_iters
    d = max(1, math.ceil(measurement_s * 1e9 / met / (samples * (samples + 1) / 2)))
    iters = [d * i for i in range(1, samples + 1)]
    window = max(1, int(WINDOW_NS / met))
    times, fastest = [], []
    for n in iters:
        total, best = timed_windows(routine, n, window)
        times.append(total)
        fastest.append(round(best, 3))
        window = max(1, int(WINDOW_NS * n / total)) if total > 0 else n
    return {"warm_iters": warm_iters, "warm_ns": warm_ns, "iters": iters, "times_ns": times, "fastest_ns": fastest}


def cpu_now() -> int:
    fields = Path("/proc/thread-self/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[36])


def main() -> int:
    cfg = json.loads(sys.argv[1])
    rng = random.Random(cfg.get("seed"))
    t0 = perf_counter_ns()
    out: dict[str, object] = {"process": cfg["process"], "pid": os.getpid(), "wall_start": time.time()}

    routines = {name: build() for name, build in WORKLOADS.items()}
    refs = {name: build() for name, build in REFERENCES.items()}
    names = [w for w in WORKLOADS if w in cfg.get("only", WORKLOADS)]
    # The big data of memwalk and ref_mem (lists of millions of ints) would otherwise be traversed by every
    # full collection, making allocation-heavy benchmarks pay for the harness's data.
    gc.collect()
    gc.freeze()
    out["build_ns"] = perf_counter_ns() - t0

    # Reference calibration: iterations for a block sample and for an interleaved sample.
    k_block, k_inter = {}, {}
    for name, routine in refs.items():
        calibrate(routine, 30e6)
        n = 1
        while timed(routine, n) < 2e6:  # the per-iteration time of a ~2 ms sample, once warm
            n *= 2
        met = min(timed(routine, n) for _ in range(3)) / n
        k_block[name] = max(1, round(cfg["block_sample_ms"] * 1e6 / met))
        k_inter[name] = max(1, round(cfg["inter_ref_ms"] * 1e6 / met))
    out["k_block"], out["k_inter"] = k_block, k_inter

    def block() -> dict[str, object]:
        start = perf_counter_ns()
        result: dict[str, object] = {}
        for name, routine in refs.items():
            k = k_block[name]
            timed(routine, k)  # one discarded sample: the benchmark before may have evicted the caches
            result[name] = [round(timed(routine, k) / k, 2) for _ in range(cfg["block_samples"])]
        result["ns"] = perf_counter_ns() - start
        return result

    blocks = [block()]
    plains: dict[str, object] = {}
    for name in names:
        start = perf_counter_ns()
        res = plain(routines[name], cfg["warm_up_s"], cfg["measurement_s"], cfg["samples"])
        res["ns"] = perf_counter_ns() - start
        plains[name] = res
        blocks.append(block())
    out["blocks"], out["plain"] = blocks, plains

    inter: dict[str, object] = {}
    allowed = os.sched_getaffinity(0)
    try:
        cpu = cpu_now()
        os.sched_setaffinity(0, {cpu})
    except (OSError, ValueError, IndexError):
        cpu = -1
    out["pinned_cpu"] = cpu
    codes = {"W": None, **{ref[4]: ref for ref in refs}}  # W, p(y), c, m(em)
    for name in names:
        start = perf_counter_ns()
        routine = routines[name]
        plain_res = plains[name]
        assert isinstance(plain_res, dict)
        met = sorted(t / n for t, n in zip(plain_res["times_ns"], plain_res["iters"], strict=True))[5]
        k_w = max(1, round(cfg["inter_w_ms"] * 1e6 / met))
        timed(routine, k_w)  # re-warm after the previous benchmark
        orders, w_ns = [], []
        ref_ns: dict[str, list[float]] = {ref: [] for ref in refs}
        for _ in range(cfg["rounds"]):
            order = list(codes)
            rng.shuffle(order)
            orders.append("".join(order))
            for code in order:
                ref = codes[code]
                if ref is None:
                    w_ns.append(round(timed(routine, k_w) / k_w, 3))
                else:
                    ref_ns[ref].append(round(timed(refs[ref], k_inter[ref]) / k_inter[ref], 2))
        inter[name] = {"k": k_w, "order": orders, "w": w_ns, **ref_ns, "ns": perf_counter_ns() - start}
    os.sched_setaffinity(0, allowed)
    out["inter"] = inter
    out["total_ns"] = perf_counter_ns() - t0
    json.dump(out, sys.stdout, separators=(",", ":"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
