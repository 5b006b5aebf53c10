"""Shipped persona declarations (YAML); `directory()` is the folder that holds them."""

from __future__ import annotations

import pathlib
from importlib import resources


def directory() -> pathlib.Path:
    """The folder holding core.yaml and the persona files, in a source tree or an installed copy."""
    # str() then Path: files() returns a Traversable; for a regular package on disk that is a real folder.
    return pathlib.Path(str(resources.files(__name__)))
