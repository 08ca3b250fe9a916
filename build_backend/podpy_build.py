"""PEP 517 backend: build the helper binaries and the hello image, then let maturin pack the wheel."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import maturin

_HELPERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers.py")


def _build_helpers() -> None:
    subprocess.run([sys.executable, _HELPERS, "--profile", "release"], check=True)


def build_wheel(wheel_directory: str, config_settings: Any = None, metadata_directory: Any = None) -> str:
    _build_helpers()
    return str(maturin.build_wheel(wheel_directory, config_settings, metadata_directory))


def build_editable(wheel_directory: str, config_settings: Any = None, metadata_directory: Any = None) -> str:
    _build_helpers()
    return str(maturin.build_editable(wheel_directory, config_settings, metadata_directory))


build_sdist = maturin.build_sdist
get_requires_for_build_wheel = maturin.get_requires_for_build_wheel
get_requires_for_build_sdist = maturin.get_requires_for_build_sdist
get_requires_for_build_editable = maturin.get_requires_for_build_editable
prepare_metadata_for_build_wheel = maturin.prepare_metadata_for_build_wheel
prepare_metadata_for_build_editable = maturin.prepare_metadata_for_build_editable
