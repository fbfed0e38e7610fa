"""Which revisions must be built, read from their files (critbench.engine._builds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from critbench.engine import build_reason, compiled_modules


def _package(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"pyproject.toml": '[project]\nname = "pure"\n'}, None),
        ({"setup.py": "from setuptools import setup\nsetup()\n"}, None),
        ({"setup.py": "setup(ext_modules=[Extension('m', ['m.c'])])\n"}, "its setup.py builds extension modules"),
        ({"setup.py": "setup(ext_modules=cythonize('m.pyx'))\n"}, "its setup.py builds extension modules"),
        ({"pyproject.toml": '[build-system]\nbuild-backend = "maturin"\n'}, "its build system (maturin) compiles it"),
        ({"pyproject.toml": '[build-system]\nrequires = ["meson-python"]\n'}, "its build system (meson-python)"),
        ({"pyproject.toml": '[build-system]\nrequires = ["scikit-build-core>=0.5"]\n'}, "its build system"),
        ({"pyproject.toml": "[[tool.setuptools.ext-modules]]\nname = 'm'\n"}, "its [tool.setuptools] ext-modules"),
        ({"pyproject.toml": "[broken\n"}, None),
    ],
)
def test_a_package_is_built_when_its_files_say_it_compiles(
    tmp_path: Path, files: dict[str, str], reason: str | None
) -> None:
    found = build_reason(_package(tmp_path, files))
    if reason is None:
        assert found is None
    else:
        assert found is not None
        assert found.startswith(reason)


def test_compiled_modules_are_named_without_their_abi_tag_and_environments_are_passed_over(tmp_path: Path) -> None:
    _package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/_speed.cpython-311-x86_64-linux-gnu.so": "",
            "pkg/sub/_fast.abi3.so": "",
            ".venv/lib/numpy/core.so": "",
            "build/lib/pkg/_speed.so": "",
            "benches/helper.so": "",
        },
    )
    assert compiled_modules([tmp_path]) == {"pkg/_speed", "pkg/sub/_fast"}
