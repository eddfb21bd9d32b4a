"""chuyende: carrying out a union campaign plan across the whole union hierarchy.

`__version__` has one source, the `version` of pyproject.toml's [project] table (semantic
versioning; the policy and the changes of each version are in CHANGELOG.md). In a source tree
(a checkout, or an editable install such as `make`'s) pyproject.toml itself is read, so a version
bumped there is never hidden by the metadata an earlier install left behind; an installed wheel
has no pyproject.toml beside the package and reads its own metadata (importlib.metadata).
"""

from __future__ import annotations

from pathlib import Path

UNKNOWN = "0+unknown"


def _source_tree_version() -> str | None:
    import tomllib

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        with open(pyproject, "rb") as handle:
            project = tomllib.load(handle).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    if project.get("name") != "chuyende":  # another project's file, not ours
        return None
    return project.get("version") or None


def _installed_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chuyende")
    except PackageNotFoundError:
        return None


__version__ = _source_tree_version() or _installed_version() or UNKNOWN
