"""Finds workspace packages and bench targets from pyproject files; never imports user code."""

from critbench.discovery._workspace import (
    DiscoveryError,
    Workspace,
    WorkspaceConfig,
    find_workspace_root,
    load_workspace,
    package_name,
    parse_config,
    pytest_target,
    select_targets,
)

__all__ = [
    "DiscoveryError",
    "Workspace",
    "WorkspaceConfig",
    "find_workspace_root",
    "load_workspace",
    "package_name",
    "parse_config",
    "pytest_target",
    "select_targets",
]
