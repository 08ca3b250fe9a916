"""`images --filter`: Podman's image filters. Values of one key are OR'ed, keys are AND'ed."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping, Sequence

from podpy.engine.entities import ImageSummary
from podpy.errors import UsageError

Predicate = Callable[[ImageSummary], bool]


def _reference(value: str) -> Predicate:
    def match(image: ImageSummary) -> bool:
        for name in image.Names:
            repo = name.rsplit(":", 1)[0]
            for candidate in (name, repo, name.split("/", 1)[-1], repo.split("/", 1)[-1]):
                if fnmatch.fnmatch(candidate, value) or fnmatch.fnmatch(candidate, value + ":*"):
                    return True
        return False
    return match


def _label(value: str) -> Predicate:
    key, sep, wanted = value.partition("=")
    return (lambda i: i.Labels.get(key) == wanted) if sep else (lambda i: key in i.Labels)


def build(filters: Mapping[str, Sequence[str]], images: Sequence[ImageSummary]) -> Predicate:
    def relative(value: str, newer: bool) -> Predicate:
        ref = next((i for i in images if i.ID.startswith(value.removeprefix("sha256:")) or value in i.Names
                    or any(n.endswith("/" + value) or n.endswith("/" + value + ":latest") for n in i.Names)),
                   None)
        if ref is None:
            raise UsageError(f"{value}: image not known")
        return (lambda i: i.Created > ref.Created) if newer else (lambda i: i.Created < ref.Created)

    makers: dict[str, Callable[[str], Predicate]] = {
        "dangling": lambda v: (lambda i: i.Dangling == (v.lower() in ("true", "1"))),
        "label": _label,
        "reference": _reference,
        "readonly": lambda v: (lambda i: i.ReadOnly == (v.lower() in ("true", "1"))),
        "id": lambda v: (lambda i: i.ID.startswith(v.removeprefix("sha256:"))),
        "before": lambda v: relative(v, False),
        "since": lambda v: relative(v, True),
    }
    groups: list[list[Predicate]] = []
    for key, values in filters.items():
        maker = makers.get(key)
        if maker is None:
            raise UsageError(f"{key} is an invalid filter")
        groups.append([maker(v) for v in values])
    return lambda i: all(any(p(i) for p in group) for group in groups)
