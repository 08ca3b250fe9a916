"""Image verbs of the local engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from podpy.engine.entities import HistoryEntry, ImageSummary, InspectReport, LoadReport, RmiReport
from podpy.errors import PodpyError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.engine.local.engine import LocalEngine


def _matched_name(names: Sequence[str], text: str) -> str | None:
    """Which of an image's names ``text`` refers to (None when it is an ID)."""
    from podpy.errors import UsageError
    from podpy.image.references import parse

    try:
        ref = parse(text)
    except UsageError:
        return None
    tagged = f"{ref.repository}:{ref.tag}"
    return next((n for n in names if n == tagged or n.endswith("/" + tagged)), None)


class ImagesEngine:
    def __init__(self, engine: LocalEngine) -> None:
        self.engine = engine

    def list_images(self, *, all: bool = False, filters: Mapping[str, Sequence[str]] | None = None
                    ) -> list[ImageSummary]:
        from podpy.engine.local.reports import image_summaries

        rt = self.engine.runtime
        images = rt.store.images.list()
        images.sort(key=lambda i: i.created, reverse=True)
        summaries = image_summaries(rt, images)
        if filters:
            from podpy.engine.local.image_filters import build

            keep = build(filters, summaries)
            summaries = [s for s in summaries if keep(s)]
        return summaries

    def load(self, path: str) -> LoadReport:
        """An OCI layout directory, or an oci-archive or docker-archive (compressed or not, file or stream)."""
        import os

        rt = self.engine.runtime
        if not os.path.isdir(path):
            from podpy.image.archives import load_archive

            return LoadReport(load_archive(rt.store, path))
        from podpy.image.oci_layout import OciLayout

        layout = OciLayout(path)
        names: list[str] = []
        for entry in layout.manifests():
            image = layout.load_into(rt.store, entry)
            names.extend(image.names or [f"sha256:{image.id}"])
        return LoadReport(names)

    def inspect(self, names: Sequence[str]) -> list[InspectReport]:
        from podpy.engine.local.reports import inspect_image
        from podpy.image.lookup import find_image

        rt = self.engine.runtime
        reports = []
        for name in names:
            try:
                image = find_image(rt.store.images, name)
            except PodpyError as e:
                reports.append(InspectReport(name, None, str(e)))
                continue
            if image is None:
                reports.append(InspectReport(name, None, f"{name}: image not known"))
            else:
                reports.append(InspectReport(name, inspect_image(rt, image)))
        return reports

    def exists(self, name: str) -> bool:
        from podpy.image.lookup import find_image

        return find_image(self.engine.runtime.store.images, name) is not None

    def tag(self, source: str, targets: Sequence[str]) -> None:
        from podpy.image.lookup import require_image
        from podpy.image.references import local_name

        store = self.engine.runtime.store
        image = require_image(store.images, source)
        for target in targets:
            store.images.tag(image.id, local_name(target))

    def untag(self, name: str, targets: Sequence[str]) -> None:
        from podpy.errors import NotFoundError
        from podpy.image.lookup import require_image
        from podpy.image.references import local_name

        store = self.engine.runtime.store
        image = require_image(store.images, name)
        for target in targets or list(image.names):
            full = target if target in image.names else local_name(target)
            if not store.images.untag(image.id, full):
                raise NotFoundError(f"{target}: tag not known")

    def remove(self, names: Sequence[str], *, force: bool, all_images: bool) -> list[RmiReport]:
        """Podman's rmi: a name of a many-named image only untags it; an ID or last name deletes it."""
        from podpy.image.lookup import find_image

        rt = self.engine.runtime
        store = rt.store
        targets = [i.id for i in store.images.list()] if all_images else list(names)
        reports = []
        for name in targets:
            try:
                image = find_image(store.images, name)
                if image is None:
                    reports.append(RmiReport(name, error=f"{name}: image not known", reason="no_such_image"))
                    continue
                matched = _matched_name(image.names, name)
                if matched and len(image.names) > 1:
                    store.images.untag(image.id, matched)
                    reports.append(RmiReport(name, untagged=[matched]))
                    continue
                if force:
                    self._remove_containers_of(image.id)
                store.remove_image(image.id)
                reports.append(RmiReport(name, untagged=list(image.names), deleted=[image.id]))
            except PodpyError as e:
                reports.append(RmiReport(name, error=str(e), reason=e.code))
        return reports

    def _remove_containers_of(self, image_id: str) -> None:
        from podpy.runtime.container import remove

        rt = self.engine.runtime
        for ctr in rt.state.list_containers():
            if ctr.config.image_id == image_id:
                remove(rt, ctr.id, force=True)

    def history(self, name: str) -> list[HistoryEntry]:
        from podpy.engine.local.history import image_history
        from podpy.image.lookup import require_image

        rt = self.engine.runtime
        return image_history(rt, require_image(rt.store.images, name))

    def prune(self, *, all_images: bool, filters: Mapping[str, Sequence[str]] | None = None) -> list[str]:
        """Remove dangling images (every unused one with ``all_images``) that no container uses; their IDs."""
        rt = self.engine.runtime
        used = {c.config.image_id for c in rt.state.list_containers()}
        candidates = self.list_images(filters=filters)
        removed = []
        for image in candidates:
            if image.ID in used or (not all_images and not image.Dangling):
                continue
            rt.store.remove_image(image.ID)
            removed.append(image.ID)
        return removed

    def import_(self, path: str, *, reference: str, changes: Sequence[str], message: str) -> str:
        """A tarball (file, or `-` for stdin, streamed) as a one-layer image; its ID."""
        from podpy.errors import UsageError
        from podpy.image.importer import import_tarball

        if "://" in path:
            raise UsageError(f"{path}: importing from a URL is not supported yet")
        import os

        from podpy.errors import NotFoundError

        if path != "-" and not os.path.isfile(path):
            raise NotFoundError(f"stat {path}: no such file or directory")
        source = "/dev/stdin" if path == "-" else path
        image = import_tarball(self.engine.runtime.store, source, reference=reference, changes=list(changes),
                               message=message)
        return image.id
