#!/usr/bin/env python3
"""The tables of experiments/verdicts/README.md from results/<name>.jsonl (standard library only).

    python3 experiments/verdicts/summarize.py experiments/verdicts/results/main.jsonl
    python3 experiments/verdicts/summarize.py experiments/verdicts/results/neighbours.jsonl --trials

Caught = the verdict "regressed" (Performance has regressed.) on a comparison with a true slowdown; a false
alarm = "regressed" on unchanged code. "Calibrated" counts, among the comparisons with a true slowdown whose
printed detectable change ("could detect changes ≥ X%") was at most that slowdown, the share caught.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from pathlib import Path

WARNING = re.compile(r"(Warning|Note): the machine was (\d+)% slower during ([^:]+):")


def pct(value: float) -> str:
    return f"{value:+.1%}"


def load(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def loads_of(trial: dict) -> list[float]:  # type: ignore[type-arg]
    """The 1-minute load average at the start and end of each of a trial's runs."""
    found = [trial["baseline"]["load_before"], trial["baseline"]["load_after"]]
    return found + [run[key] for run in trial["comparisons"] for key in ("load_before", "load_after")]


def table(trials: list[dict]) -> None:  # type: ignore[type-arg]
    names = list(trials[0]["comparisons"][0]["comparisons"])
    slowdowns = sorted({run["slowdown"] for trial in trials for run in trial["comparisons"]})
    print(f"{len(trials)} trials; critbench {trials[0]['critbench_commit'][:10]}; options {trials[0]['args']}")
    print()
    print(
        "| workload | slowdown | regressed | measured change: median (min … max) | printed detectable: median (min … max) | statistic, noise floor |"
    )
    print("|---|---|---|---|---|---|")
    calibrated = [0, 0]
    totals: dict[float, list[int]] = {s: [0, 0] for s in slowdowns}
    for name in names:
        for slowdown in slowdowns:
            rows = [
                run["comparisons"][name]
                for trial in trials
                for run in trial["comparisons"]
                if run["slowdown"] == slowdown
            ]
            regressed = sum(row["verdict"] == "regressed" for row in rows)
            totals[slowdown][0] += regressed
            totals[slowdown][1] += len(rows)
            changes = [row["change"] for row in rows if row["change"] is not None]
            detect = [row["min_detectable_change"] for row in rows if row["min_detectable_change"] is not None]
            kinds = sorted({f"{row['process_statistic']}, τ {row['noise_floor']:.0%}" for row in rows})
            if slowdown > 0:
                for row in rows:
                    if row["min_detectable_change"] is not None and row["min_detectable_change"] <= slowdown:
                        calibrated[1] += 1
                        calibrated[0] += row["verdict"] == "regressed"
            print(
                f"| {name} | {slowdown:.0%} | {regressed}/{len(rows)} | {pct(statistics.median(changes))} "
                f"({pct(min(changes))} … {pct(max(changes))}) | {statistics.median(detect):.1%} "
                f"({min(detect):.1%} … {max(detect):.1%}) | {'; '.join(kinds)} |"
            )
    print()
    for slowdown, (regressed, count) in totals.items():
        print(f"- all workloads, slowdown {slowdown:.0%}: regressed {regressed}/{count}")
    improved = sum(
        c["verdict"] == "improved"
        for trial in trials
        for run in trial["comparisons"]
        if run["slowdown"] == 0
        for c in run["comparisons"].values()
    )
    if 0.0 in slowdowns:
        print(f"- unchanged code called improved: {improved}")
    false_trials = sum(
        any(
            c["verdict"] == "regressed"
            for run in trial["comparisons"]
            if run["slowdown"] == 0
            for c in run["comparisons"].values()
        )
        for trial in trials
    )
    if 0.0 in slowdowns:
        print(f"- trials whose unchanged comparison called any workload regressed: {false_trials}/{len(trials)}")
    if calibrated[1]:
        print(
            f"- calibrated: of {calibrated[1]} comparisons whose printed detectable change was ≤ the true slowdown, "
            f"{calibrated[0]} caught ({calibrated[0] / calibrated[1]:.0%})"
        )
    loads = [value for trial in trials for value in loads_of(trial)]
    print(
        f"- 1-minute load average at the runs' starts and ends: {min(loads):.1f} … {max(loads):.1f} "
        f"(median {statistics.median(loads):.1f}) on 2 CPUs"
    )
    walls = [trial["baseline"]["wall_s"] for trial in trials] + [
        run["wall_s"] for trial in trials for run in trial["comparisons"]
    ]
    print(
        f"- wall time per run: {min(walls):.0f} … {max(walls):.0f} s (median {statistics.median(walls):.0f} s); "
        f"{trials[0]['started']} … {trials[-1]['started']} (trial starts, UTC)"
    )


def per_trial(trials: list[dict]) -> None:  # type: ignore[type-arg]
    print()
    print(
        "| trial | start (UTC) | load: baseline → comparison | slowdown | neighbours | regressed | machine-speed line |"
    )
    print("|---|---|---|---|---|---|---|")
    for trial in trials:
        for run in trial["comparisons"]:
            regressed = [name for name, c in run["comparisons"].items() if c["verdict"] == "regressed"]
            found = WARNING.search(run["stderr"])
            line = f"{found.group(1)}: {found.group(2)}% slower during {found.group(3)}" if found else "—"
            print(
                f"| {trial['trial']} | {trial['started'][11:16]} | {trial['baseline']['load_before']:.1f}–"
                f"{trial['baseline']['load_after']:.1f} → {run['load_before']:.1f}–{run['load_after']:.1f} | "
                f"{run['slowdown']:.0%} | {run['neighbours']} | {', '.join(regressed) or 'none'} | {line} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("results", type=Path, nargs="+", help="one or more results files, read as one set of trials")
    parser.add_argument("--trials", action="store_true", help="also one row per comparison run")
    parser.add_argument(
        "--load",
        type=float,
        nargs=2,
        metavar=("LOW", "HIGH"),
        help="only trials whose every run started and ended at a 1-minute load average within [LOW, HIGH]",
    )
    options = parser.parse_args()
    trials = [trial for path in options.results for trial in load(path)]
    if options.load:
        low, high = options.load
        kept = [trial for trial in trials if all(low <= value <= high for value in loads_of(trial))]
        print(f"{len(kept)} of {len(trials)} trials ran at a load average within {low:g}–{high:g} throughout")
        print()
        trials = kept
    table(trials)
    if options.trials:
        per_trial(trials)


if __name__ == "__main__":
    main()
