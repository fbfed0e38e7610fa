"""What the plugin loads into a pytest session that runs no benchmark (its cost: docs/pytest-benchmark.md)."""

from __future__ import annotations

from tests.pytest_plugin.conftest import Project

NO_BENCHMARK = """
    import json
    import sys
    from pathlib import Path


    def test_record_critbench_modules():
        loaders = {
            name: type(module.__spec__.loader).__name__
            for name, module in sys.modules.items()
            if name == "critbench" or name.startswith("critbench.")
        }
        Path("modules.json").write_text(json.dumps(loaders))


    def test_assertions_still_explained():
        assert [1, 2] == [1, 3]
"""


def test_a_session_without_benchmarks_loads_the_options_and_hooks_unrewritten(project: Project) -> None:
    project.write("test_plain.py", NO_BENCHMARK)
    session = project.pytest("-q")
    assert session.returncode == 1, session.stdout + session.stderr
    # the test file's own asserts are still rewritten by pytest
    assert "At index 1 diff: 2 != 3" in session.stdout
    loaders = project.json("modules.json")
    plugin = "critbench.pytest_plugin"
    assert set(loaders) == {"critbench", plugin, f"{plugin}._options", f"{plugin}._serving", f"{plugin}._shim"}
    # the modules imported after the plugin's registration do not go through pytest's rewriting hook
    rewritten = {name for name, loader in loaders.items() if loader == "AssertionRewritingHook"}
    assert rewritten <= {"critbench", plugin}, rewritten
