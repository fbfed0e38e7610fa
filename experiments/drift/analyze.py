#!/usr/bin/env python3
"""Analyse the drift experiment: how much does a reference workload correct the drift between runs?

    .venv/bin/python experiments/drift/analyze.py [--pairs KIND] [--ref ref_py|ref_c|ref_mem|ref_all]
    .venv/bin/python experiments/drift/analyze.py --by-pairs | --predict-all | --condensed-timeline | --window-gap
    .venv/bin/python experiments/drift/analyze.py --results experiments/drift/results/phase2 --validation

KIND is all, quiet (neither run had our neighbours), b2b (consecutive runs), 5min, 15min (12-20 min), hour+,
quiet-busy (baseline without, comparison with our two neighbours) or quiet-busy1 (one neighbour).

Reads ``results/run-*.json.gz`` (written by drive.py), computes every run's statistic for every benchmark
under each design, pairs the runs up (every pair is two runs of unchanged code, so every change is noise),
and prints, per benchmark × design:

- ``rms``: the spread of the between-run log change Δ about zero (√mean Δ², in %), the figure a noise floor
  has to cover, with ``√2·sd`` of the run statistics and its 90% interval from resampling runs; ``p95``: the
  95th percentile of |Δ| (%); ``bias``: the mean Δ (later minus earlier run);
- ``fp at τ=3%``: the share of pairs today's test (bootstrap SE over processes plus 2τ², τ = 3%) calls changed;
- ``r with ref``: the correlation of Δ with the reference's own change (faster half of its adjacent blocks);
- ``τ needed``: the noise floor τ the design needs so that at most 5% of unchanged pairs are called significant at
  α = 0.05 (two-sided), i.e. the 95th percentile over pairs of √(max(0, (Δ/1.96)² − se²)/2);
- ``mdc``: the median minimum detectable change at that τ (80% power), ``(1.96 + 0.84)·√(se² + 2τ²)``, and
  ``+10% caught``: the share of pairs that would call a true +10% significant at that τ (Δ shifted by log 1.1);
- ``cost``: the wall time the design adds per benchmark, summed over the 10 processes (s), and as a share
  of the plain measurement's wall time (warm-up and samples).

and, for the plain statistic and the fastest windows, how well the reference's between-run change predicts
each benchmark's: the correlation r, the least-squares slope β and the residual spread.

Designs (S is a run's statistic; "faster half" is the mean of the lower half of the per-process log values,
critbench's run statistic; ``R`` the chosen reference):

- ``plain``      today: faster half of the per-process fastest time per iteration.
- ``run/adj``    design 1: plain − faster half of the per-process fastest R in the two blocks beside the benchmark.
- ``run/all``    design 1 with R taken over every block of the process (shared by all its benchmarks).
- ``proc/half``  design 2: faster half of log(fastest W / fastest R in the adjacent blocks), per process.
- ``proc/mean``  design 2, but the mean of all processes (the normalisation should already remove slow ones).
- ``run/plainref``, ``proc/plainref``  designs 1 and 2 with a reference sampled exactly like a benchmark
  (10 linear samples of 9–90 ms): the plain statistic of loop_20us (of call_tiny for loop_20us itself).
- ``int/med``    design 3: per process the median over rounds of log(W/R) (samples a few ms apart, same
  CPU), mean over processes.
- ``int/xover``  design 3 summarised as critbench ab does: per process the mean of the median of the rounds
  where R ran before W and of those where it ran after.
- ``int/min``    design 3 with fastest samples: per process log(fastest W sample / fastest R sample) of the
  interleaved phase, faster half.
- ``plain/win``  no reference: the faster half of the per-process fastest ~0.1 ms window of the plain samples
  (critbench's ``fastest_ns``; only runs recorded with windows).
- ``plain/winmed``  as plain/win, but each process's value is the median of its samples' fastest windows.
- ``win/run``, ``win/proc``  the windows corrected by R as designs 1 and 2 correct the plain statistic.
- ``int/noref``  control for design 3: the faster half of the per-process fastest *interleaved* W sample,
  with no reference at all (shows what the short samples alone do).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
REFS = ("ref_py", "ref_c", "ref_mem")
PLAIN_REF, PLAIN_REF_ALT = "loop_20us", "call_tiny"  # a reference sampled exactly like the benchmarks
Z = 1.959963984540054
Z_POWER = 0.8416212335729143
BOOT = 1000
Array = npt.NDArray[np.float64]


def load_runs(folder: Path = RESULTS) -> list[dict[str, object]]:
    runs = []
    for path in sorted(folder.glob("run-*.json.gz")):
        with gzip.open(path, "rt") as fh:
            run = json.load(fh)
        run["file"] = path.name
        runs.append(run)
    runs.sort(key=lambda r: float(r["wall_start"]))  # type: ignore[arg-type]
    return runs


def faster_half(values: Array) -> Array:
    """Mean of the lower half (rounded up) along the last axis."""
    ordered = np.sort(values, axis=-1)
    keep = (ordered.shape[-1] + 1) // 2
    result: Array = ordered[..., :keep].mean(axis=-1)
    return result


def ref_log(block: dict[str, list[float]], ref: str) -> float:
    """log of a block's fastest sample of ``ref``; ``ref_all`` is the mean log of the three references."""
    if ref == "ref_all":
        return float(np.mean([math.log(min(block[r])) for r in REFS]))
    return math.log(min(block[ref]))


def inter_ref(inter: dict[str, object], ref: str) -> Array:
    if ref == "ref_all":
        return np.mean([np.log(np.asarray(inter[r], dtype=float)) for r in REFS], axis=0)  # type: ignore[no-any-return]
    return np.log(np.asarray(inter[ref], dtype=float))


@dataclass
class ProcessData:
    """Per-process inputs of one run × benchmark, from which every design's statistic is computed."""

    plain: Array  # log fastest W per iteration (plain phase)
    ref_adj: Array  # log fastest R in the blocks just before and after the plain phase
    ref_all: Array  # log fastest R over all blocks of the process
    ratio_med: Array  # median over rounds of log(W/R) in the interleaved phase
    ratio_xover: Array  # crossover: mean of medians of R-before-W and R-after-W rounds
    ratio_min: Array  # log(min W) − log(min R) in the interleaved phase
    inter_min: Array  # log fastest interleaved W
    window: Array  # log fastest ~0.1 ms window of the plain samples (NaN in runs recorded without windows)
    plain_ref: Array  # log fastest W per iteration of PLAIN_REF (sampled like a benchmark), same process
    window_med: Array  # log of the median over the process's samples of each sample's fastest window


def process_data(run: dict[str, object], bench: str, ref: str, rounds: int | None = None) -> ProcessData:
    workers = run["workers"]
    assert isinstance(workers, list)
    plain, adj, allb, rmed, rx, rmin, imin, win, pref, wmed = [], [], [], [], [], [], [], [], [], []
    other = PLAIN_REF if bench != PLAIN_REF else PLAIN_REF_ALT
    code = "W"
    for w in workers:
        names = list(w["plain"])
        i = names.index(bench)
        p = w["plain"][bench]
        plain.append(math.log(min(t / n for t, n in zip(p["times_ns"], p["iters"], strict=True))))
        win.append(math.log(min(p["fastest_ns"])) if "fastest_ns" in p else math.nan)
        wmed.append(math.log(float(np.median(p["fastest_ns"]))) if "fastest_ns" in p else math.nan)
        q = w["plain"].get(other)
        pref.append(math.log(min(t / n for t, n in zip(q["times_ns"], q["iters"], strict=True))) if q else math.nan)
        blocks = w["blocks"]
        adj.append(min(ref_log(blocks[i], ref), ref_log(blocks[i + 1], ref)))
        allb.append(min(ref_log(b, ref) for b in blocks))
        inter = w["inter"][bench]
        lw = np.log(np.asarray(inter["w"], dtype=float))
        lr = inter_ref(inter, ref)
        orders = inter["order"]
        if rounds is not None:
            lw, lr, orders = lw[:rounds], lr[:rounds], orders[:rounds]
        d = lw - lr
        rmed.append(float(np.median(d)))
        # R before W: for ref_all use ref_py's position (the three references are shuffled together).
        letter = "p" if ref == "ref_all" else ref[4]
        before = np.asarray([o.index(letter) < o.index(code) for o in orders])
        if before.all() or (~before).all():
            rx.append(float(np.median(d)))
        else:
            rx.append(float((np.median(d[before]) + np.median(d[~before])) / 2))
        rmin.append(float(lw.min() - lr.min()))
        imin.append(float(lw.min()))
    if any(math.isnan(v) for v in win):  # a run recorded partly without windows (run 6) does not count
        win = wmed = [math.nan] * len(win)
    return ProcessData(*(np.asarray(v) for v in (plain, adj, allb, rmed, rx, rmin, imin, win, pref, wmed)))


def _mean(values: Array) -> Array:
    result: Array = values.mean(axis=-1)
    return result


# Each design: a function of (ProcessData, index array of shape (..., n_processes)) -> statistic(s).
Design = Callable[[ProcessData, npt.NDArray[np.intp]], Array]
DESIGNS: dict[str, Design] = {
    "plain": lambda d, ix: faster_half(d.plain[ix]),
    "plain/win": lambda d, ix: faster_half(d.window[ix]),
    "plain/winmed": lambda d, ix: faster_half(d.window_med[ix]),
    "win/run": lambda d, ix: faster_half(d.window[ix]) - faster_half(d.ref_adj[ix]),
    "win/proc": lambda d, ix: faster_half(d.window[ix] - d.ref_adj[ix]),
    "run/adj": lambda d, ix: faster_half(d.plain[ix]) - faster_half(d.ref_adj[ix]),
    "run/all": lambda d, ix: faster_half(d.plain[ix]) - faster_half(d.ref_all[ix]),
    "proc/half": lambda d, ix: faster_half(d.plain[ix] - d.ref_adj[ix]),
    "proc/mean": lambda d, ix: _mean(d.plain[ix] - d.ref_adj[ix]),
    "run/plainref": lambda d, ix: faster_half(d.plain[ix]) - faster_half(d.plain_ref[ix]),
    "proc/plainref": lambda d, ix: faster_half(d.plain[ix] - d.plain_ref[ix]),
    "int/med": lambda d, ix: _mean(d.ratio_med[ix]),
    "int/xover": lambda d, ix: _mean(d.ratio_xover[ix]),
    "int/min": lambda d, ix: faster_half(d.ratio_min[ix]),
    "int/noref": lambda d, ix: faster_half(d.inter_min[ix]),
}


def statistic_and_se(data: ProcessData, design: Design, rng: np.random.Generator) -> tuple[float, float]:
    n = data.plain.size
    point = float(design(data, np.arange(n)))
    boot = design(data, rng.integers(0, n, size=(BOOT, n)))
    return point, float(np.std(boot, ddof=1))


def pair_indices(runs: list[dict[str, object]], which: str) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j in time order, of the kind asked for."""
    pairs = []
    for i in range(len(runs)):
        for j in range(i + 1, len(runs)):
            gap_min = (float(runs[j]["wall_start"]) - float(runs[i]["wall_start"])) / 60  # type: ignore[arg-type]
            quiet = (runs[i]["neighbours"] == 0, runs[j]["neighbours"] == 0)
            if which == "all":
                ok = True
            elif which == "quiet":
                ok = all(quiet)
            elif which == "b2b":
                ok = j == i + 1
            elif which == "5min":
                ok = 4 <= gap_min < 8
            elif which == "15min":
                ok = 12 <= gap_min < 20
            elif which == "hour+":
                ok = gap_min >= 60
            elif which == "quiet-busy":  # a baseline on a quiet machine, the comparison beside 2 neighbours
                ok = runs[i]["neighbours"] == 0 and runs[j]["neighbours"] == 2
            elif which == "quiet-busy1":
                ok = runs[i]["neighbours"] == 0 and runs[j]["neighbours"] == 1
            else:
                raise SystemExit(f"unknown pair set {which!r}")
            if ok:
                pairs.append((i, j))
    return pairs


def tau_needed(deltas: Array, ses: Array, share: float = 0.05) -> float:
    """The smallest τ for which at most ``share`` of the pairs have |Δ| > z·√(se² + 2τ²)."""
    per_pair = np.sqrt(np.maximum(0.0, (deltas / Z) ** 2 - ses**2) / 2)
    return float(np.quantile(per_pair, 1 - share, method="higher"))


def cost_seconds(runs: list[dict[str, object]], bench: str, ref: str) -> dict[str, float]:
    """Wall time per benchmark summed over a run's processes (mean over runs), by design."""
    plain, block, inter = [], [], []
    for run in runs:
        p_s = b_s = i_s = 0.0
        for w in run["workers"]:  # type: ignore[union-attr]
            p_s += w["plain"][bench]["ns"] / 1e9
            refs = [ref] if ref != "ref_all" else list(REFS)
            kb = w["k_block"]
            # one block per benchmark (the blocks between benchmarks are shared): 1 + block_samples samples
            nblock = 1 + len(w["blocks"][0][REFS[0]])
            b_s += sum(np.mean([min(b[r]) for b in w["blocks"]]) * kb[r] * nblock for r in refs) / 1e9
            phase = w["inter"][bench]
            ki = w["k_inter"]
            i_s += sum(float(np.sum(phase[r])) * ki[r] for r in refs) / 1e9
        plain.append(p_s)
        block.append(b_s)
        inter.append(i_s)
    return {"plain": float(np.mean(plain)), "block": float(np.mean(block)), "inter": float(np.mean(inter))}


def design_cost(design: str, costs: dict[str, float]) -> float:
    """Extra seconds per benchmark (all processes) over today's plain measurement."""
    if design in ("plain", "plain/win", "plain/winmed"):
        return 0.0  # critbench records the windows already
    if design.endswith("plainref"):
        return costs["plain"]  # a whole plain benchmark more
    if design.startswith(("run", "proc", "win/")):
        return costs["block"]
    if design == "int/noref":
        return costs["inter"]  # an upper bound: its W samples need no reference at all
    return costs["inter"]  # the interleaved phase on top of the plain one (its W samples could replace it)


def analyse(
    runs: list[dict[str, object]],
    which: str,
    ref: str,
    benches: list[str],
    designs: list[str],
    *,
    rounds: int | None = None,
    seed: int = 0,
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    rng = np.random.default_rng(seed)
    pairs = pair_indices(runs, which)
    rows: list[dict[str, object]] = []
    preds: list[dict[str, object]] = []
    for bench in benches:
        datas = [process_data(run, bench, ref, rounds) for run in runs]
        costs = cost_seconds(runs, bench, ref)
        stats = {
            d: [
                statistic_and_se(x, DESIGNS[d], np.random.default_rng([seed, zlib.crc32(f"{bench}/{d}".encode())]))
                for x in datas
            ]
            for d in designs
        }
        # the reference's own run statistic (for prediction): faster half of the adjacent blocks
        ref_stat = np.asarray([float(faster_half(x.ref_adj)) for x in datas])
        for d in designs:
            s = np.asarray([v[0] for v in stats[d]])
            se = np.asarray([v[1] for v in stats[d]])
            valid = [(a, b) for a, b in pairs if np.isfinite(s[a]) and np.isfinite(s[b])]
            if not valid:
                continue
            i, j = np.asarray(valid).T
            delta = s[j] - s[i]
            pse = np.sqrt(se[i] ** 2 + se[j] ** 2)
            tau = tau_needed(delta, pse)
            total = np.sqrt(pse**2 + 2 * tau**2)
            total3 = np.sqrt(pse**2 + 2 * 0.03**2)
            s_ok = s[np.isfinite(s)]
            if len(s_ok) >= 3:
                boot_runs = rng.integers(0, len(s_ok), size=(500, len(s_ok)))
                rms_ci = np.quantile(np.sqrt(2) * np.std(s_ok[boot_runs], axis=1, ddof=1), [0.05, 0.95])
            else:
                rms_ci = np.asarray([math.nan, math.nan])
            rows.append(
                {
                    "bench": bench,
                    "design": d,
                    "rms_all_ci": (float(rms_ci[0]), float(rms_ci[1])),
                    "run_sd": float(np.std(s_ok, ddof=1)) if len(s_ok) > 1 else math.nan,
                    "pairs": len(valid),
                    "rms": float(np.sqrt(np.mean(delta**2))),
                    "sd": float(np.std(delta, ddof=1)) if len(pairs) > 1 else float("nan"),
                    "bias": float(np.mean(delta)),
                    "p95": float(np.quantile(np.abs(delta), 0.95)),
                    "fp3": float(np.mean(np.abs(delta) / total3 > Z)),
                    "tau": tau,
                    "mdc": float(np.expm1((Z + Z_POWER) * np.median(total))),
                    "catch10": float(np.mean((delta + math.log(1.10)) / total > Z)),
                    "r_ref": float(np.corrcoef(delta, ref_stat[j] - ref_stat[i])[0, 1]) if len(delta) > 2 else math.nan,
                    "se": float(np.median(pse)),
                    "cost_s": design_cost(d, costs),
                    "cost_share": design_cost(d, costs) / costs["plain"],
                }
            )
        for base in ("plain", "plain/win"):
            if base not in stats or not pairs:
                continue
            s0 = np.asarray([v[0] for v in stats[base]])
            ok = [(a, b) for a, b in pairs if np.isfinite(s0[a]) and np.isfinite(s0[b])]
            if len(ok) < 3:
                continue
            i, j = np.asarray(ok).T
            y = s0[j] - s0[i]
            x = ref_stat[j] - ref_stat[i]
            r = float(np.corrcoef(x, y)[0, 1])
            beta = float(np.dot(x, y) / np.dot(x, x)) if np.dot(x, x) > 0 else float("nan")
            preds.append(
                {
                    "bench": bench,
                    "base": base,
                    "r": r,
                    "beta": beta,
                    "resid_beta": float(np.sqrt(np.mean((y - beta * x) ** 2))),
                    "resid_1": float(np.sqrt(np.mean((y - x) ** 2))),
                    "rms_y": float(np.sqrt(np.mean(y**2))),
                    "rms_x": float(np.sqrt(np.mean(x**2))),
                }
            )
    return rows, preds


def print_runs(runs: list[dict[str, object]]) -> None:
    print("| run | start (UTC) | neighbours | load start → end (1 min) | CPU busy | steal | wall (s) |")
    print("|---|---|---|---|---|---|---|")
    for k, run in enumerate(runs):
        ls, le = run["load_start"], run["load_end"]
        wall = float(run["wall_end"]) - float(run["wall_start"])  # type: ignore[arg-type]
        print(
            f"| {k} | {run['stamp']} | {run['neighbours']} | {ls[0]:.2f} → {le[0]:.2f} | "  # type: ignore[index]
            f"{float(run['cpu_busy_share']):.0%} | {float(run['steal_share']):.1%} | {wall:.0f} |"  # type: ignore[arg-type]
        )


def print_timeline(runs: list[dict[str, object]], benches: list[str], design: str, ref: str) -> None:
    """Each run's statistic under ``design``, as % off the median run, per benchmark; and the reference's."""
    rng = np.random.default_rng(0)
    table = np.asarray(
        [[statistic_and_se(process_data(run, b, ref), DESIGNS[design], rng)[0] for b in benches] for run in runs]
    )
    refs = np.asarray([[float(faster_half(process_data(run, benches[0], r).ref_all)) for r in REFS] for run in runs])
    table = table - np.nanmedian(table, axis=0)
    refs = refs - np.median(refs, axis=0)
    print(f"Each run's statistic ({design}) off the median run (%), and the references' (faster half, all blocks):")
    print()
    print("| run | min | nb | load | " + " | ".join(benches) + " | " + " | ".join(REFS) + " |")
    print("|---|---|---|---|" + "---|" * (len(benches) + len(REFS)))
    t0 = float(runs[0]["wall_start"])  # type: ignore[arg-type]
    for k, run in enumerate(runs):
        minutes = (float(run["wall_start"]) - t0) / 60  # type: ignore[arg-type]
        cells = " | ".join(f"{100 * math.expm1(v):+.1f}" for v in table[k])
        rcells = " | ".join(f"{100 * math.expm1(v):+.1f}" for v in refs[k])
        print(f"| {k} | {minutes:.0f} | {run['neighbours']} | {run['load_start'][0]:.1f} | {cells} | {rcells} |")  # type: ignore[index]
    print()


def print_condensed_timeline(runs: list[dict[str, object]], benches: list[str]) -> None:
    """Per run: how far the CPU-bound benchmarks (all but memwalk) and memwalk sit from their median run,
    under the plain statistic and the fastest windows, beside the three references."""
    rng = np.random.default_rng(0)

    def stat(run: dict[str, object], bench: str, design: str) -> float:
        return statistic_and_se(process_data(run, bench, "ref_py"), DESIGNS[design], rng)[0]

    plain = np.asarray([[stat(r, b, "plain") for b in benches] for r in runs])
    win = np.asarray([[stat(r, b, "plain/win") for b in benches] for r in runs])
    plain -= np.nanmedian(plain, axis=0)
    win -= np.nanmedian(win, axis=0)
    refs = np.asarray([[float(faster_half(process_data(r, benches[0], x).ref_all)) for x in REFS] for r in runs])
    refs -= np.median(refs, axis=0)
    mem = benches.index("memwalk") if "memwalk" in benches else None
    cpu = [k for k, b in enumerate(benches) if b != "memwalk"]

    def pct(v: float) -> str:
        return f"{100 * math.expm1(v):+.1f}%" if np.isfinite(v) else "–"

    print(
        "| run | start (UTC) | neighbours | load start → end | plain: CPU-bound, range | plain: memwalk "
        "| windows: CPU-bound, range | windows: memwalk | ref_py | ref_c | ref_mem |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for k, run in enumerate(runs):
        p, w = plain[k, cpu], win[k, cpu]
        wr = f"{pct(np.min(w))} … {pct(np.max(w))}" if np.all(np.isfinite(w)) else "–"
        pm = pct(plain[k, mem]) if mem is not None else "–"
        wm = pct(win[k, mem]) if mem is not None else "–"
        stamp = str(run["stamp"])
        ls, le = run["load_start"], run["load_end"]
        print(
            f"| {k} | {stamp[9:11]}:{stamp[11:13]} | {run['neighbours']} | {ls[0]:.1f} → {le[0]:.1f} | "  # type: ignore[index]
            f"{pct(np.min(p))} … {pct(np.max(p))} | {pm} | {wr} | {wm} | " + " | ".join(pct(v) for v in refs[k]) + " |"
        )
    print()


def print_validation(runs: list[dict[str, object]], benches: list[str], designs: list[str], ref: str) -> None:
    """Phase 2: runs alternate unchanged code and code doing 10% more work (``slowdown`` in the run file).
    Pairs of equal slowdown are unchanged; pairs of 0 and 0.1 carry a true change, taken as slow − base."""
    same = [
        (i, j) for i in range(len(runs)) for j in range(i + 1, len(runs)) if runs[i]["slowdown"] == runs[j]["slowdown"]
    ]
    changed = []
    for i in range(len(runs)):
        for j in range(i + 1, len(runs)):
            if runs[i]["slowdown"] != runs[j]["slowdown"]:
                changed.append((i, j) if float(runs[j]["slowdown"]) > float(runs[i]["slowdown"]) else (j, i))  # type: ignore[arg-type]
    print(f"{len(runs)} runs: {len(same)} unchanged pairs, {len(changed)} pairs with a true change (+10% work)")
    print()
    if not same or not changed:
        return
    print(
        "| benchmark | design | unchanged: rms Δ | change measured: median (min … max) "
        "| caught at τ = 3% | caught at τ = 1% | unchanged flagged at τ = 1% |"
    )
    print("|---|---|---|---|---|---|---|")
    for bench in benches:
        datas = [process_data(run, bench, ref) for run in runs]
        for d in designs:
            rng = np.random.default_rng([0, zlib.crc32(f"{bench}/{d}".encode())])
            st = [statistic_and_se(x, DESIGNS[d], rng) for x in datas]
            s = np.asarray([v[0] for v in st])
            se = np.asarray([v[1] for v in st])
            i, j = np.asarray(same).T
            d0 = s[j] - s[i]
            t1 = np.sqrt(se[i] ** 2 + se[j] ** 2 + 2 * 0.01**2)
            fp1 = float(np.mean(np.abs(d0) / t1 > Z))
            b, c = np.asarray(changed).T
            d1 = s[c] - s[b]
            pse = se[b] ** 2 + se[c] ** 2
            caught3 = float(np.mean(d1 / np.sqrt(pse + 2 * 0.03**2) > Z))
            caught1 = float(np.mean(d1 / np.sqrt(pse + 2 * 0.01**2) > Z))
            ch = np.expm1(d1)
            print(
                f"| {bench} | {d} | {np.sqrt(np.mean(d0**2)):.1%} | {np.median(ch):+.1%} ({ch.min():+.1%} … {ch.max():+.1%}) "
                f"| {caught3:.0%} | {caught1:.0%} | {fp1:.0%} |"
            )
    print()


def print_window_gap(runs: list[dict[str, object]], benches: list[str]) -> None:
    """The run-time signal of recommendation 4: per process, log(2nd fastest / fastest) of its samples' fastest
    windows; per run the median over processes; shown as the range over runs, beside the τ the windows
    statistic needed (all pairs) and the spread of the per-process window minima."""
    rows = {str(r["bench"]): r for r in analyse(runs, "all", "ref_py", benches, ["plain/win"])[0]}
    print("| benchmark | window gap per run: median (min … max) | process spread of window minima, median | τ needed |")
    print("|---|---|---|---|")
    for bench in benches:
        gaps, spread = [], []
        for run in runs:
            workers = run["workers"]
            assert isinstance(workers, list)
            if not all("fastest_ns" in w["plain"][bench] for w in workers):
                continue
            per = []
            for w in workers:
                f = sorted(w["plain"][bench]["fastest_ns"])
                per.append(math.log(f[1] / f[0]))
            gaps.append(float(np.median(per)))
            spread.append(float(np.std([math.log(min(w["plain"][bench]["fastest_ns"])) for w in workers], ddof=1)))
        if not gaps:
            continue
        tau = rows[bench]["tau"] if bench in rows else math.nan
        print(
            f"| {bench} | {np.median(gaps):.2%} ({min(gaps):.2%} … {max(gaps):.2%}) | {np.median(spread):.1%} | {tau:.1%} |"
        )
    print()


PAIR_SETS = ("all", "quiet", "b2b", "5min", "15min", "hour+", "quiet-busy", "quiet-busy1")


def print_by_pairs(runs: list[dict[str, object]], benches: list[str], designs: list[str], ref: str) -> None:
    """rms Δ of each design for every kind of pair, one row per benchmark × design."""
    results = {p: analyse(runs, p, ref, benches, designs)[0] for p in PAIR_SETS}
    counts = {p: (results[p][0]["pairs"] if results[p] else 0) for p in PAIR_SETS}
    print(
        "rms Δ (τ needed) by kind of pair; pairs per kind for the plain statistic: "
        + ", ".join(f"{p} {n}" for p, n in counts.items())
    )
    print()
    print("| benchmark | design | " + " | ".join(PAIR_SETS) + " |")
    print("|---|---|" + "---|" * len(PAIR_SETS))
    for bench in benches:
        for d in designs:
            cells = []
            for p in PAIR_SETS:
                row = next((r for r in results[p] if r["bench"] == bench and r["design"] == d), None)
                cells.append(f"{row['rms']:.1%} ({row['tau']:.1%})" if row else "-")
            print(f"| {bench} | {d} | " + " | ".join(cells) + " |")
    print()


def print_predict_all(runs: list[dict[str, object]], benches: list[str], which: str) -> None:
    """For every reference: r between its run-to-run change and the benchmark's, and what is left after
    dividing by it (β = 1), for the plain statistic and the fastest windows."""
    table: dict[tuple[str, str], dict[str, dict[str, object]]] = {}
    for ref in (*REFS, "ref_all"):
        for p in analyse(runs, which, ref, benches, ["plain", "plain/win"])[1]:
            table.setdefault((str(p["bench"]), str(p["base"])), {})[ref] = p
    refs = (*REFS, "ref_all")
    print(f"Reference change vs benchmark change ({which} pairs): r, and rms Δ after dividing by the reference (β = 1)")
    print()
    print("| benchmark | statistic | rms Δ uncorrected | " + " | ".join(f"{r}: r / rms after" for r in refs) + " |")
    print("|---|---|---|" + "---|" * len(refs))
    for (bench, base), cells in table.items():
        first = next(iter(cells.values()))
        row = " | ".join(f"{cells[r]['r']:+.2f} / {cells[r]['resid_1']:.1%}" for r in refs if r in cells)
        print(f"| {bench} | {base} | {first['rms_y']:.1%} | {row} |")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", default="all", help="all, quiet, b2b, 5min, 15min, hour+, quiet-busy, quiet-busy1")
    parser.add_argument("--ref", default="ref_py", choices=[*REFS, "ref_all"])
    parser.add_argument("--designs", nargs="*", default=list(DESIGNS))
    parser.add_argument("--bench", nargs="*", help="benchmarks (default: all)")
    parser.add_argument("--rounds", type=int, help="use only the first N interleaved rounds")
    parser.add_argument("--runs-table", action="store_true", help="print the list of runs too")
    parser.add_argument("--timeline", metavar="DESIGN", help="print each run's statistic under DESIGN and stop")
    parser.add_argument("--exclude-neighbours", action="store_true", help="drop runs that had neighbours")
    parser.add_argument("--window-gap", action="store_true", help="the run-time signal of recommendation 4")
    parser.add_argument("--validation", action="store_true", help="phase 2: unchanged vs +10%% pairs")
    parser.add_argument("--condensed-timeline", action="store_true", help="per run: plain vs windows vs references")
    parser.add_argument("--by-pairs", action="store_true", help="rms Δ of --designs for every kind of pair")
    parser.add_argument("--predict-all", action="store_true", help="how every reference predicts the drift")
    parser.add_argument("--max-load", type=float, help="keep runs whose 1-min load at start and end is at most this")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder of run files (default results/)")
    args = parser.parse_args()
    runs = load_runs(args.results)
    if args.max_load is not None:
        runs = [r for r in runs if max(r["load_start"][0], r["load_end"][0]) <= args.max_load]  # type: ignore[index]
    if args.exclude_neighbours:
        runs = [r for r in runs if r["neighbours"] == 0]
    if len(runs) < 2:
        print("fewer than two runs in results/")
        return 1
    if args.runs_table:
        print_runs(runs)
        print()
    benches = args.bench or list(runs[0]["workers"][0]["plain"])  # type: ignore[index]
    if args.window_gap:
        print_window_gap(runs, benches)
        return 0
    if args.validation:
        print_validation(runs, benches, args.designs, args.ref)
        return 0
    if args.condensed_timeline:
        print_condensed_timeline(runs, benches)
        return 0
    if args.by_pairs:
        print_by_pairs(runs, benches, args.designs, args.ref)
        return 0
    if args.predict_all:
        print_predict_all(runs, benches, args.pairs)
        return 0
    if args.timeline:
        print_timeline(runs, benches, args.timeline, args.ref)
        return 0
    rows, preds = analyse(runs, args.pairs, args.ref, benches, args.designs, rounds=args.rounds)
    loads = [float(r["load_start"][0]) for r in runs] + [float(r["load_end"][0]) for r in runs]  # type: ignore[index]
    print(
        f"{len(runs)} runs, {rows[0]['pairs'] if rows else 0} pairs ({args.pairs}), reference {args.ref}; "
        f"1-min load at run start/end: median {np.median(loads):.2f}, range {min(loads):.2f}-{max(loads):.2f}"
    )
    print()
    print(
        "| benchmark | design | rms Δ | √2·sd runs (90% CI) | p95 abs Δ | bias | r with ref | fp at τ=3% | τ needed "
        "| mdc at τ | +10% caught | extra s | extra |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        lo, hi = row["rms_all_ci"]  # type: ignore[misc]
        print(
            f"| {row['bench']} | {row['design']} | {row['rms']:.1%} | "
            f"{math.sqrt(2) * row['run_sd']:.1%} ({lo:.1%}-{hi:.1%}) | {row['p95']:.1%} | {row['bias']:+.1%} | {row['r_ref']:+.2f} | "
            f"{row['fp3']:.0%} | {row['tau']:.1%} | {row['mdc']:.1%} | {row['catch10']:.0%} | "
            f"{row['cost_s']:.2f} | {row['cost_share']:.0%} |"
        )
    print()
    print("Compact: rms Δ / τ needed, per benchmark (rows) and design (columns)")
    print()
    designs = list(dict.fromkeys(str(row["design"]) for row in rows))
    print("| benchmark | " + " | ".join(designs) + " |")
    print("|---|" + "---|" * len(designs))
    for bench in benches:
        cells = {str(r["design"]): r for r in rows if r["bench"] == bench}
        print(
            f"| {bench} | "
            + " | ".join(f"{cells[d]['rms']:.1%} / {cells[d]['tau']:.1%}" for d in designs if d in cells)
            + " |"
        )
    print()
    print(
        f"How well the reference's change ({args.ref}, adjacent blocks, faster half) predicts the benchmark's "
        "(plain statistic, and the fastest windows):"
    )
    print()
    print("| benchmark | statistic | rms Δ | rms Δ ref | r | slope β | residual rms (β) | residual rms (β = 1) |")
    print("|---|---|---|---|---|---|---|---|")
    for p in preds:
        print(
            f"| {p['bench']} | {p['base']} | {p['rms_y']:.1%} | {p['rms_x']:.1%} | {p['r']:.2f} | {p['beta']:.2f} | "
            f"{p['resid_beta']:.1%} | {p['resid_1']:.1%} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
