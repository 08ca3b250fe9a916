"""DESIGN.md rule 3: only storage and runtime import the Rust extension (import-linter cannot see a .so)."""

from __future__ import annotations

import ast
import os

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "python", "podpy")
ALLOWED = ("storage", "runtime")


def _imports_native(path: str) -> bool:
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.module == "podpy._native" or (node.module == "podpy" and
                                                  any(a.name == "_native" for a in node.names)):
                return True
        elif isinstance(node, ast.Import) and any(a.name == "podpy._native" for a in node.names):
            return True
    return False


def test_only_storage_and_runtime_import_native() -> None:
    offenders = []
    for dirpath, _dirs, files in os.walk(PACKAGE):
        rel = os.path.relpath(dirpath, PACKAGE)
        top = rel.split(os.sep)[0]
        for name in files:
            if name.endswith(".py") and top not in ALLOWED and _imports_native(os.path.join(dirpath, name)):
                offenders.append(os.path.join(rel, name))
    assert offenders == []
