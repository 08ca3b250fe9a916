"""What the pod verbs over several names share: names or --all, one report line per pod."""

from __future__ import annotations

from podpy.errors import UsageError


def names_or_all(names: tuple[str, ...], all_pods: bool) -> None:
    if all_pods and names:
        raise UsageError("when using the --all switch, you may not pass any pod names or IDs")
    if not all_pods and not names:
        raise UsageError("you must provide at least one name or id")


def with_id_files(names: tuple[str, ...], id_files: tuple[str, ...]) -> tuple[str, ...]:
    """--pod-id-file: the IDs those files hold, after the names given."""
    read = []
    for path in id_files:
        try:
            with open(path) as f:
                read.append(f.read().strip())
        except OSError as e:
            raise UsageError(f"reading pod ID file {path}: {e.strerror}") from None
    return (*names, *read)
