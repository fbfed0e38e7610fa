"""Finding a workspace, its packages and bench targets from pyproject files (critbench.discovery)."""

from __future__ import annotations

from pathlib import Path

import pytest

from critbench.discovery import (
    DiscoveryError,
    Workspace,
    WorkspaceConfig,
    find_workspace_root,
    load_workspace,
    parse_config,
    select_targets,
)
from critbench.errors import ConfigError


def _pyproject(folder: Path, text: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pyproject.toml"
    path.write_text(text)
    return path


def _package(folder: Path, name: str | None = None, *targets: str, src: bool = False, extra: str = "") -> Path:
    """A package folder: a pyproject (``[project].name`` when ``name``), ``benches/<target>.py`` files."""
    project = f'[project]\nname = "{name}"\n' if name is not None else ""
    _pyproject(folder, project + extra)
    (folder / "benches").mkdir(exist_ok=True)
    for target in targets:
        (folder / "benches" / f"{target}.py").write_text("")
    if src:
        (folder / "src").mkdir(exist_ok=True)
    return folder


def _names(workspace: Workspace) -> list[str]:
    return [package.name for package in workspace.packages]


# --- the workspace root ------------------------------------------------------------------------------


def test_the_root_is_the_nearest_folder_up_with_a_critbench_table(tmp_path: Path) -> None:
    _pyproject(tmp_path, "[tool.critbench]\n")
    _package(tmp_path / "crates" / "one", "one")  # a package's own pyproject, without [tool.critbench]
    start = tmp_path / "crates" / "one" / "benches"
    assert find_workspace_root(start) == tmp_path.resolve()
    assert find_workspace_root(tmp_path) == tmp_path.resolve()


def test_the_nearest_critbench_table_wins(tmp_path: Path) -> None:
    _pyproject(tmp_path, "[tool.critbench]\n")
    _pyproject(tmp_path / "inner", "[tool.critbench]\nsample-size = 10\n")
    assert find_workspace_root(tmp_path / "inner") == (tmp_path / "inner").resolve()


@pytest.mark.parametrize("tool", ['tool = "critbench"', "tool = 3", "[tool.other]\ncritbench = 1"])
def test_only_a_critbench_table_under_tool_marks_a_root(tmp_path: Path, tool: str) -> None:
    _pyproject(tmp_path, tool + "\n")
    (tmp_path / "sub").mkdir()
    assert find_workspace_root(tmp_path / "sub") == (tmp_path / "sub").resolve()
    assert load_workspace(tmp_path).config == WorkspaceConfig()


def test_without_a_critbench_table_anywhere_the_start_folder_is_the_root(tmp_path: Path) -> None:
    _pyproject(tmp_path, '[project]\nname = "plain"\n')
    start = tmp_path / "a" / "b"
    start.mkdir(parents=True)
    assert find_workspace_root(start) == start.resolve()


def test_an_invalid_pyproject_on_the_way_up_is_an_error_not_a_reason_to_look_elsewhere(tmp_path: Path) -> None:
    broken = _pyproject(tmp_path, "[tool.critbench\nmembers = [")
    _package(tmp_path / "pkg", "pkg", "speed", extra="[tool.critbench]\n")
    _package(tmp_path / "lib", "lib", "speed")
    with pytest.raises(DiscoveryError) as caught:
        find_workspace_root(tmp_path / "lib" / "benches")
    message = str(caught.value)
    assert str(broken) in message
    assert "not valid TOML" in message
    assert "line 1" in message, "the TOML error's position is in the message"
    assert caught.value.exit_status == 2
    # A valid critbench table below the broken file is found first, as before: the broken one is not read.
    assert find_workspace_root(tmp_path / "pkg") == (tmp_path / "pkg").resolve()


def test_an_invalid_pyproject_in_the_start_folder_is_an_error(tmp_path: Path) -> None:
    _pyproject(tmp_path, "= oops")
    with pytest.raises(DiscoveryError, match=r"pyproject\.toml: not valid TOML"):
        find_workspace_root(tmp_path)


def test_a_missing_workspace_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match="does not exist"):
        load_workspace(tmp_path / "nowhere")


# --- packages found by walking ---------------------------------------------------------------------------


def test_packages_are_the_folders_with_a_pyproject_and_benches(tmp_path: Path) -> None:
    _package(tmp_path, "root-pkg", "root_bench", extra="[tool.critbench]\n")
    _package(tmp_path / "crates" / "a", "a", "x")
    _package(tmp_path / "crates" / "b", "b", "y")
    (tmp_path / "no_pyproject" / "benches").mkdir(parents=True)
    _pyproject(tmp_path / "no_benches", '[project]\nname = "no-benches"\n')
    workspace = load_workspace(tmp_path)
    assert workspace.root == tmp_path.resolve()
    assert _names(workspace) == ["root-pkg", "a", "b"]
    assert workspace.config == WorkspaceConfig()


@pytest.mark.parametrize(
    "skipped",
    ["node_modules", "target", "build", "dist", "site-packages", "__pycache__", "venv", "env", ".venv", ".git"],
)
def test_tool_and_hidden_folders_are_not_searched(tmp_path: Path, skipped: str) -> None:
    _pyproject(tmp_path, "[tool.critbench]\n")
    _package(tmp_path / skipped / "vendored", "vendored", "bench")
    _package(tmp_path / "kept", "kept", "bench")
    assert _names(load_workspace(tmp_path)) == ["kept"]


def test_packages_are_found_four_folders_deep_and_no_deeper(tmp_path: Path) -> None:
    _pyproject(tmp_path, "[tool.critbench]\n")
    _package(tmp_path / "1" / "2" / "3" / "4", "four", "bench")
    _package(tmp_path / "a" / "b" / "c" / "d" / "e", "five", "bench")
    assert _names(load_workspace(tmp_path)) == ["four"]


def test_a_package_is_named_by_project_name_else_by_its_folder(tmp_path: Path) -> None:
    _pyproject(tmp_path, "[tool.critbench]\n")
    _package(tmp_path / "named", "the-name", "bench")
    _package(tmp_path / "anonymous", None, "bench")
    _package(tmp_path / "odd", None, "bench", extra="[project]\nname = 3\n")
    assert sorted(_names(load_workspace(tmp_path))) == ["anonymous", "odd", "the-name"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pyproject.toml": '[tool.poetry]\nname = "poetic"\n'}, "poetic"),
        ({"pyproject.toml": '[tool.flit.metadata]\nmodule = "flitted"\n'}, "flitted"),
        ({"pyproject.toml": '[tool.flit.metadata]\nmodule = "m"\ndist-name = "dist"\n'}, "dist"),
        ({"pyproject.toml": "[build-system]\n", "setup.cfg": "[metadata]\nname = configured\n"}, "configured"),
        ({"pyproject.toml": '[project]\nname = "pep621"\n[tool.poetry]\nname = "old"\n'}, "pep621"),
        ({"pyproject.toml": "[tool.poetry]\nname = 3\n"}, "libs/nameless"),
    ],
)
def test_a_package_is_named_by_its_build_tools_name_else_by_its_path_in_the_workspace(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    """Poetry 1, flit before PEP 621 and setup.cfg name a package too; a checkout of an old revision in a
    temporary folder must find the same name as the working tree does."""
    _pyproject(tmp_path, "[tool.critbench]\n")
    folder = _package(tmp_path / "libs" / "nameless", None, "bench")
    for name, text in files.items():
        (folder / name).write_text(text)
    assert _names(load_workspace(tmp_path)) == [expected]


def test_a_nameless_root_package_is_named_by_its_place_not_its_folder(tmp_path: Path) -> None:
    checkout = tmp_path / "critbench-ab-123" / "w0"
    _package(checkout, None, "bench", extra="[tool.critbench]\n")
    assert _names(load_workspace(checkout)) == ["."]


def test_two_packages_with_one_name_are_an_error_naming_both_folders(tmp_path: Path) -> None:
    _pyproject(tmp_path, "[tool.critbench]\n")
    first = _package(tmp_path / "a", "same", "bench")
    second = _package(tmp_path / "b", "same", "bench")
    with pytest.raises(DiscoveryError, match="two packages are named 'same'") as caught:
        load_workspace(tmp_path)
    assert str(first) in str(caught.value)
    assert str(second) in str(caught.value)


def test_an_invalid_package_pyproject_is_an_error_naming_it(tmp_path: Path) -> None:
    _pyproject(tmp_path, "[tool.critbench]\n")
    bad = _package(tmp_path / "bad", "bad", "bench") / "pyproject.toml"
    bad.write_text("[project\n")
    with pytest.raises(DiscoveryError, match="not valid TOML") as caught:
        load_workspace(tmp_path)
    assert str(bad) in str(caught.value)


def test_description_comes_from_the_project_table(tmp_path: Path) -> None:
    _pyproject(tmp_path, "[tool.critbench]\n")
    _package(tmp_path / "a", "a", "bench", extra='description = "Fast things"\n')
    _package(tmp_path / "b", "b", "bench", extra="description = 7\n")
    assert [p.description for p in load_workspace(tmp_path).packages] == ["Fast things", ""]


# --- bench targets and import paths -------------------------------------------------------------------------


def test_targets_are_the_public_python_files_of_benches_sorted(tmp_path: Path) -> None:
    _package(tmp_path, "pkg", "zeta", "alpha", "_helpers", extra="[tool.critbench]\n")
    (tmp_path / "benches" / ".hidden.py").write_text("")
    (tmp_path / "benches" / "notes.txt").write_text("")
    (tmp_path / "benches" / "folder.py").mkdir()
    (package,) = load_workspace(tmp_path).packages
    assert [target.name for target in package.targets] == ["alpha", "zeta"]
    target = package.targets[0]
    assert target.package == "pkg"
    assert target.path == tmp_path.resolve() / "benches" / "alpha.py"
    assert target.package_root == tmp_path.resolve()


def test_import_paths_put_the_benches_then_the_own_package_then_its_neighbours(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    _pyproject(root, "[tool.critbench]\n")
    _package(root / "flat", "flat", "bench")
    _package(root / "layered", "layered", "bench", src=True)
    _package(root / "third", "third", "bench", src=True)
    packages = {package.name: package for package in load_workspace(root).packages}
    (layered,) = packages["layered"].targets
    assert layered.import_paths == (
        str(root / "layered" / "benches"),
        str(root / "layered" / "src"),
        str(root / "flat"),
        str(root / "third" / "src"),
    )
    (flat,) = packages["flat"].targets
    assert flat.import_paths[:2] == (str(root / "flat" / "benches"), str(root / "flat"))
    assert set(flat.import_paths[2:]) == {str(root / "layered" / "src"), str(root / "third" / "src")}


# --- members and excludes ------------------------------------------------------------------------------------


def test_members_globs_list_the_packages_in_their_order(tmp_path: Path) -> None:
    _pyproject(tmp_path, '[tool.critbench]\nmembers = ["libs/*", "tools/b", "libs/a"]\n')
    _package(tmp_path / "libs" / "a", "a", "bench")
    _package(tmp_path / "libs" / "c", "c", "bench")
    _package(tmp_path / "tools" / "b", "b", "bench")
    _package(tmp_path / "unlisted", "unlisted", "bench")
    workspace = load_workspace(tmp_path)
    assert _names(workspace) == ["a", "c", "b"], "each folder once, in the order the globs name them"
    assert workspace.config.members == ("libs/*", "tools/b", "libs/a")


def test_a_member_without_benches_is_a_package_with_no_targets(tmp_path: Path) -> None:
    _pyproject(tmp_path, '[tool.critbench]\nmembers = ["lib"]\n')
    _pyproject(tmp_path / "lib", '[project]\nname = "lib"\n')
    (package,) = load_workspace(tmp_path).packages
    assert (package.name, package.targets) == ("lib", ())


def test_a_members_glob_matching_nothing_is_an_error(tmp_path: Path) -> None:
    _pyproject(tmp_path, '[tool.critbench]\nmembers = ["crates/*"]\n')
    with pytest.raises(DiscoveryError, match=r"members: 'crates/\*' matches no folder under"):
        load_workspace(tmp_path)


def test_a_member_without_a_pyproject_is_an_error(tmp_path: Path) -> None:
    _pyproject(tmp_path, '[tool.critbench]\nmembers = ["lib"]\n')
    (tmp_path / "lib" / "benches").mkdir(parents=True)
    with pytest.raises(DiscoveryError, match=r"members: .*lib has no pyproject\.toml"):
        load_workspace(tmp_path)


def test_excluded_folders_are_not_packages(tmp_path: Path) -> None:
    _pyproject(tmp_path, '[tool.critbench]\nexclude = ["crates/old", "missing"]\n')
    _package(tmp_path / "crates" / "old", "old", "bench")
    _package(tmp_path / "crates" / "new", "new", "bench")
    assert _names(load_workspace(tmp_path)) == ["new"]


def test_excludes_apply_to_members_too(tmp_path: Path) -> None:
    _pyproject(tmp_path, '[tool.critbench]\nmembers = ["crates/*"]\nexclude = ["crates/old"]\n')
    _package(tmp_path / "crates" / "old", "old", "bench")
    _package(tmp_path / "crates" / "new", "new", "bench")
    assert _names(load_workspace(tmp_path)) == ["new"]


# --- [tool.critbench] ---------------------------------------------------------------------------------------------


def test_a_full_config_is_read_and_its_settings_normalised(tmp_path: Path) -> None:
    _pyproject(
        tmp_path,
        "[tool.critbench]\n"
        'members = ["."]\nexclude = []\noutput-dir = "out"\nfail-on = "change"\nstore = "sqlite:///h.db"\n'
        'sample-size = 50\nmeasurement-time = "10s"\nsampling_mode = "flat"\n',
    )
    config = load_workspace(tmp_path).config
    assert config.members == (".",)
    assert (config.output_dir, config.fail_on, config.store) == ("out", "change", "sqlite:///h.db")
    assert config.settings["sample_size"] == 50
    assert config.settings["measurement_time"] == 10.0
    assert config.settings["sampling_mode"].value == "flat"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("members = 'libs/*'", r"\[tool.critbench\] members must be a list of strings, got 'libs/\*'"),
        ("members = ['a', 1]", r"members must be a list of strings, got \['a', 1\]"),
        ("exclude = 'old'", r"exclude must be a list of strings, got 'old'"),
        ("output-dir = 3", r"output-dir must be a string, got 3"),
        ("fail-on = ['regression']", r"fail-on must be a string, got \['regression'\]"),
        ("store = false", r"store must be a string, got False"),
        ("sample_sise = 10", r"unknown setting 'sample_sise' \(accepted: .*sample_size"),
        ("sample-size = 'many'", r"sample.size"),
        ("measurement-time = 'soon'", r"measurement.time"),
    ],
)
def test_bad_config_values_are_errors_naming_the_key(tmp_path: Path, table: str, message: str) -> None:
    _pyproject(tmp_path, f"[tool.critbench]\n{table}\n")
    with pytest.raises(DiscoveryError, match=message) as caught:
        load_workspace(tmp_path)
    assert isinstance(caught.value, ConfigError)


def test_a_config_that_is_not_a_table_is_an_error_naming_the_file(tmp_path: Path) -> None:
    pyproject = _pyproject(tmp_path, "[tool]\ncritbench = 3\n")
    with pytest.raises(DiscoveryError, match=r"\[tool.critbench\] must be a table") as caught:
        load_workspace(tmp_path)
    assert str(pyproject) in str(caught.value)


def test_parse_config_names_where_the_table_came_from() -> None:
    with pytest.raises(DiscoveryError, match=r"^somewhere: output-dir must be a string"):
        parse_config({"output-dir": 1}, "somewhere")
    assert parse_config({}, "somewhere") == WorkspaceConfig()


# --- selecting targets ---------------------------------------------------------------------------------------------


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    _pyproject(tmp_path, "[tool.critbench]\n")
    _package(tmp_path / "a", "a", "speed", "memory")
    _package(tmp_path / "b", "b", "speed")
    return load_workspace(tmp_path)


def test_select_every_target_by_default(workspace: Workspace) -> None:
    selected = select_targets(workspace, [], None)
    assert [(t.package, t.name) for t in selected] == [("a", "memory"), ("a", "speed"), ("b", "speed")]


def test_select_by_package_and_by_target(workspace: Workspace) -> None:
    assert [(t.package, t.name) for t in select_targets(workspace, ["b"], None)] == [("b", "speed")]
    assert [(t.package, t.name) for t in select_targets(workspace, [], "speed")] == [("a", "speed"), ("b", "speed")]
    assert [(t.package, t.name) for t in select_targets(workspace, ["a"], "memory")] == [("a", "memory")]


def test_an_unknown_package_is_an_error_listing_the_packages(workspace: Workspace) -> None:
    with pytest.raises(DiscoveryError, match=r"no package named 'c' in .* \(packages: a, b\)"):
        select_targets(workspace, ["c"], None)


def test_an_unknown_target_is_an_error_listing_the_targets_of_the_selection(workspace: Workspace) -> None:
    with pytest.raises(DiscoveryError, match=r"no bench target named 'memory' \(targets: speed\)"):
        select_targets(workspace, ["b"], "memory")
    with pytest.raises(DiscoveryError, match=r"no bench target named 'nope' \(targets: memory, speed\)"):
        select_targets(workspace, [], "nope")


def test_a_workspace_without_packages_says_so(tmp_path: Path) -> None:
    _pyproject(tmp_path, "[tool.critbench]\n")
    empty = load_workspace(tmp_path)
    assert empty.packages == ()
    assert select_targets(empty, [], None) == []
    with pytest.raises(DiscoveryError, match=r"packages: none"):
        select_targets(empty, ["x"], None)
    with pytest.raises(DiscoveryError, match=r"targets: none"):
        select_targets(empty, [], "x")


def test_a_benchmark_id_given_as_the_target_is_pointed_to_the_filter(workspace: Workspace) -> None:
    with pytest.raises(
        DiscoveryError,
        match=r"targets: memory, speed\); a benchmark id is a filter, after --: -- "
        r"'speed/parse'$",
    ):
        select_targets(workspace, [], "speed/parse")
