from __future__ import annotations

import os
from pathlib import Path

from podpy.util.fs import remove_tree


def test_remove_tree_does_not_follow_symlinks(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").write_text("x")
    tree = tmp_path / "tree"
    (tree / "a" / "b").mkdir(parents=True)
    (tree / "a" / "b" / "f").write_text("x")
    os.symlink(outside, tree / "a" / "link")
    os.symlink(outside / "keep", tree / "filelink")
    os.chmod(tree / "a" / "b", 0o000)
    remove_tree(str(tree))
    assert not tree.exists()
    assert (outside / "keep").read_text() == "x"
    remove_tree(str(tree))  # missing: no error
    single = tmp_path / "single"
    single.write_text("x")
    remove_tree(str(single))
    assert not single.exists()
