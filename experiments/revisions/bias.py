#!/usr/bin/env python3
"""Does ``critbench ab`` report a biased change? Rounds of ab and of the independent harness, interleaved.

Each round runs every configuration once, in a random order, so they share the machine's moods; rows go to a
JSON-lines file as they come. The configurations:

    ab            critbench ab REV_A REV_B (defaults), in a checkout of REPO whose working tree holds the
                  bench file (see docs/revisions.md)
    independent   experiments/revisions/independent.py with its defaults (main thread, direct call, 2 ms)
    <name>        independent.py with the options given in --variant NAME="OPTIONS"

    python3 experiments/revisions/bias.py /tmp/tomli 1.0.3 1.0.4 --rounds 6 \\
        --variant ab-like="--threads --lambda --sample-ms 5 --pin --pairs 100" \\
        --out experiments/revisions/results/bias.jsonl
    python3 experiments/revisions/bias.py --summarize experiments/revisions/results/bias.jsonl
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CRITBENCH = [sys.executable, "-m", "critbench"]


def _load() -> float:
    return os.getloadavg()[0]


def run_ab(repo: Path, rev_a: str, rev_b: str, extra: list[str]) -> dict[str, float]:
    """``critbench ab``; options ``sample-ms:N`` set its sample length through ``patch/sitecustomize.py``."""
    env = dict(os.environ)
    for option in [option for option in extra if option.startswith("sample-ms:")]:
        extra.remove(option)
        env["CRITBENCH_EXPERIMENT_SAMPLE_MS"] = option.split(":", 1)[1]
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE / "patch"), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "ab.json"
        subprocess.run(
            [*CRITBENCH, "ab", rev_a, rev_b, "--noplot", "--json", str(out), *extra],
            cwd=repo,
            capture_output=True,
            check=False,
            env=env,
        )
        change = json.loads(out.read_text())["benchmarks"][0]["comparison"]["change"]["mean"]
    return {"change": change["point"], "lower": change["lower"], "upper": change["upper"]}


def run_independent(
    repo: Path, revisions: tuple[str, str], options: list[str], *, data: str, package: str
) -> dict[str, float]:
    command = [
        sys.executable,
        str(HERE / "independent.py"),
        str(repo),
        *revisions,
        "--package",
        package,
        "--data",
        data,
        *options,
    ]
    line = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = re.search(r"change ([-+\d.]+)% \[([-+\d.]+)% ([-+\d.]+)%\]", line)
    assert found is not None, line
    point, lower, upper = (float(x) / 100 for x in found.groups())
    return {"change": point, "lower": lower, "upper": upper}


def summarize(paths: list[Path]) -> None:
    rows = [json.loads(line) for path in paths for line in path.read_text().splitlines() if line.strip()]
    by_config: dict[str, list[float]] = {}
    for row in rows:
        by_config.setdefault(row["config"], []).append(row["change"])
    print("| configuration | runs | mean change | sd between runs | runs |")
    print("|---|---|---|---|---|")
    for config, changes in sorted(by_config.items()):
        sd = statistics.stdev(changes) * 100 if len(changes) > 1 else math.nan
        listed = " ".join(f"{c * 100:+.1f}" for c in changes)
        print(f"| {config} | {len(changes)} | {statistics.mean(changes) * 100:+.2f}% | {sd:.2f} | {listed} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", type=Path, nargs="?")
    parser.add_argument("rev_a", nargs="?")
    parser.add_argument("rev_b", nargs="?")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--variant", action="append", default=[], metavar='NAME="OPTIONS"')
    parser.add_argument("--ab-variant", action="append", default=[], metavar='NAME="ab options"')
    parser.add_argument("--package", default="tomli")
    parser.add_argument("--data", default="benchmark/data.toml")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "bias.jsonl")
    parser.add_argument("--summarize", nargs="*", type=Path)
    args = parser.parse_args()
    if args.summarize is not None:
        summarize(args.summarize or [args.out])
        return 0
    configs: dict[str, tuple[str, list[str]]] = {"ab": ("ab", []), "independent": ("independent", [])}
    for variant in args.variant:
        name, _, options = variant.partition("=")
        configs[name] = ("independent", shlex.split(options))
    for variant in args.ab_variant:
        name, _, options = variant.partition("=")
        configs[name] = ("ab", shlex.split(options))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(
        ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    for round_index in range(args.rounds):
        names = list(configs)
        random.shuffle(names)
        for name in names:
            kind, options = configs[name]
            load = _load()
            started = time.time()
            if kind == "ab":
                row = run_ab(args.repo, args.rev_a, args.rev_b, list(options))
            else:
                seeded = [*options, "--seed", str(round_index + 1)]
                revisions = (args.rev_a, args.rev_b)
                row = run_independent(args.repo, revisions, seeded, data=args.data, package=args.package)
            row.update(
                config=name,
                round=round_index,
                load=load,
                seconds=time.time() - started,
                critbench=commit.stdout.strip(),
                revisions=f"{args.rev_a}..{args.rev_b}",
            )
            with args.out.open("a") as handle:
                handle.write(json.dumps(row) + "\n")
            print(f"round {round_index} {name:>16}: {row['change'] * 100:+.2f}% (load {load:.1f})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
