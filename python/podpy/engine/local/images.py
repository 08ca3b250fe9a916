"""Image verbs of the local engine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from podpy.engine.entities import ImageSummary, InspectReport, LoadReport
from podpy.errors import PodpyError

if TYPE_CHECKING:
    from podpy.engine.local.engine import LocalEngine


class ImagesEngine:
    def __init__(self, engine: LocalEngine) -> None:
        self.engine = engine

    def list_images(self, *, all: bool = False) -> list[ImageSummary]:
        from podpy.engine.local.reports import image_summaries

        rt = self.engine.runtime
        images = rt.store.images.list()
        images.sort(key=lambda i: i.created, reverse=True)
        return image_summaries(rt, images)

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
