"""Every command of docs/benchmarking.md, run as written from the root of a copy of the repository.

The copy shares this checkout's .venv (so nothing is installed) and adds quick settings to the example
workspace's ``[tool.critbench]``, so the guide's full runs take seconds. Each command's outcome is checked
the way a user reading the guide would judge it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "benchmarking.md"
QUICK = """
quick = true
measurement-time = 0.02
nresamples = 1000
"""
PACKAGES = ("llmspell-kernel", "llmspell-tools", "llmspell-bridge", "llmspell-workflows")
TARGETS = (
    "kernel_performance",
    "tool_initialization",
    "tool_operations",
    "session_bench",
    "workflow_bridge_bench",
    "workflow_bench",
)


def guide_commands() -> list[str]:
    """The guide's shell blocks, split into commands (an if/fi block stays one command)."""
    commands: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", GUIDE.read_text(), flags=re.S):
        pending: list[str] = []
        for line in block.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if pending or line.startswith("if "):
                pending.append(line)
                if line.strip() == "fi":
                    commands.append("\n".join(pending))
                    pending = []
                continue
            commands.append(line.strip())
    return commands


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("repo")
    for name in ("scripts", "examples", "docs"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("target", "__pycache__"))
    for name in ("dev.py", "pyproject.toml", "README.md"):
        shutil.copy(REPO / name, root / name)
    (root / ".venv").symlink_to(REPO / ".venv")
    (root / "src").symlink_to(REPO / "src")
    config = root / "examples" / "llmspell" / "pyproject.toml"
    config.write_text(config.read_text().replace("[tool.critbench]\n", "[tool.critbench]\n" + QUICK, 1))
    return root


def _saved_baselines(root: Path) -> set[str]:
    folder = root / "target" / "criterion"
    return {p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != "report"}


def test_the_guide_has_the_seeds_commands() -> None:
    commands = guide_commands()
    assert "./scripts/testing/kernel-benchmark.sh --list" in commands
    assert "./scripts/testing/kernel-benchmark.sh -p llmspell-kernel kernel_performance -- --bench startup" in commands
    assert 'ls -1 target/criterion/ | grep -v "^report$"' in commands
    assert len(commands) > 20


def test_every_command_of_the_guide_works(repo_copy: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    saved: set[str] = set()
    for command in guide_commands():
        opener = re.match(r"(xdg-)?open (\S+)", command)
        if opener:
            assert (repo_copy / opener.group(2)).is_file(), f"{command}: the report is not there"
            continue
        done = subprocess.run(
            ["bash", "-c", command], cwd=repo_copy, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        output = done.stdout + done.stderr
        where = f"{command}\n--- exit {done.returncode} ---\n{output[-3000:]}"
        save = re.search(r"-b (\S+)", command)
        compare = re.search(r"-c (\S+)", command)
        if command.endswith("--list"):
            assert done.returncode == 0, where
            for name in (*PACKAGES, *TARGETS):
                assert name in done.stdout, f"{name} missing from --list\n{where}"
            assert "target < 2.0000 s" in done.stdout, where
            assert "memory < 50.0 MB" in done.stdout, where
        elif command.endswith("--help"):
            assert done.returncode == 0, where
            assert "-p, --package PACKAGE" in done.stdout, where
        elif command.startswith("ls -1"):
            expected = saved if "grep -v" in command else saved | {"report"}
            assert set(done.stdout.split()) == expected, where
        elif command.startswith("if grep"):
            assert done.returncode in (0, 1), where
            assert ("regression detected" in done.stdout) == (done.returncode == 1), where
        elif compare and "bench-output.txt" in command:
            assert done.returncode == 0, where  # `|| true`: the gate is the grep that follows
            text = (repo_copy / "bench-output.txt").read_text()
            assert "Summary:" in text, where
        elif compare:
            assert done.returncode in (0, 1), where
            assert f"vs {compare.group(1)}:" in done.stdout, where
            assert "change:" in done.stdout, where
            if done.returncode == 1:
                assert "regressed" in done.stdout, where
        elif save:
            assert done.returncode == 0, where
            saved.add(save.group(1))
            assert (repo_copy / "target" / "criterion" / save.group(1) / "run.json").is_file(), where
            assert _saved_baselines(repo_copy) == saved, where
        else:
            assert done.returncode == 0, where
            assert "Summary:" in done.stdout, where
            if "--bench startup" in command:
                ids = re.findall(r"^(\S+/\S+)\s", done.stdout, flags=re.M)
                assert ids, where
                assert all("startup" in i for i in ids), where
    assert _saved_baselines(repo_copy) == saved


def test_script_errors_are_clear(repo_copy: Path) -> None:
    script = "./scripts/testing/kernel-benchmark.sh"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([script, *args], cwd=repo_copy, capture_output=True, text=True, timeout=300, check=False)

    both = run("-b", "x", "-c", "y")
    assert both.returncode == 2
    assert "cannot be used together" in both.stderr
    bad = run("-b", "../escape")
    assert bad.returncode == 2
    assert "invalid baseline name" in bad.stderr
    missing = run("-c", "never-saved")
    assert missing.returncode == 2
    assert "Baseline 'never-saved' must exist" in missing.stderr
    assert "saved baselines:" in missing.stderr
    unknown = run("-p", "no-such-package")
    assert unknown.returncode == 2
    assert "no package named 'no-such-package'" in unknown.stderr
    assert "llmspell-kernel" in unknown.stderr
