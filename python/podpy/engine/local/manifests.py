"""Manifest list verbs of the local engine (`podpy manifest ...`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from podpy.engine.entities import ManifestAddOptions, ManifestPushOptions, RegistryOptions, RmiReport
from podpy.errors import NotImplementedYet, PodpyError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from podpy.engine.local.engine import LocalEngine
    from podpy.image.manifest_list import Instance, PlatformChanges
    from podpy.image.manifest_remote import RemoteManifests

_OTHER_TRANSPORTS = ("dir:", "oci:", "oci-archive:", "docker-archive:", "docker-daemon:")


def _changes(opts: ManifestAddOptions) -> PlatformChanges:
    from podpy.image.manifest_list import PlatformChanges

    return PlatformChanges(os=opts.os, architecture=opts.arch, variant=opts.variant, os_version=opts.os_version,
                           os_features=list(opts.os_features), features=list(opts.features),
                           annotations=dict(opts.annotations))


def _remote(registry: RegistryOptions) -> RemoteManifests:
    from podpy.config.loader import load_registries
    from podpy.engine.local.images import client_options
    from podpy.image.manifest_remote import RemoteManifests

    return RemoteManifests(client_options(registry), load_registries)


class ManifestsEngine:
    def __init__(self, engine: LocalEngine) -> None:
        self.engine = engine

    def _instances(self, names: Sequence[str], opts: ManifestAddOptions) -> list[Instance]:
        """The entries each name gives: a local image (or list) first, else the registry's manifest."""
        from podpy.image.lookup import find_image
        from podpy.image.manifest_list import apply_changes, local_instances
        from podpy.image.registry.manifests import host

        store = self.engine.runtime.store
        remote: RemoteManifests | None = None
        found: list[Instance] = []
        try:
            for name in names:
                if name.startswith(_OTHER_TRANSPORTS):
                    raise NotImplementedYet(f"{name}: only docker:// and containers-storage: references can be "
                                            "added to a manifest list")
                local = None
                if not name.startswith("docker://"):
                    local = find_image(store.images, name.removeprefix("containers-storage:"))
                    if local is None and name.startswith("containers-storage:"):
                        from podpy.errors import NoSuchImage

                        raise NoSuchImage(f"{name.removeprefix('containers-storage:')}: image not known")
                if local is not None:
                    found += local_instances(store, local, all_instances=opts.all)
                    continue
                remote = remote or _remote(opts.registry)
                found += remote.instances(name, all_instances=opts.all, platform=host())
        finally:
            if remote is not None:
                remote.close()
        changes = _changes(opts)
        return [apply_changes(inst, changes) for inst in found]

    def create(self, name: str, images: Sequence[str], opts: ManifestAddOptions, *, amend: bool) -> str:
        from podpy.image import manifest_list

        return manifest_list.create(self.engine.runtime.store, name, self._instances(images, opts), amend=amend)

    def add(self, name: str, images: Sequence[str], opts: ManifestAddOptions) -> str:
        from podpy.image import manifest_list

        store = self.engine.runtime.store
        manifest_list.require_list(store, name)  # a missing list is reported before any registry is asked
        return manifest_list.add(store, name, self._instances(images, opts))

    def annotate(self, name: str, digest: str, opts: ManifestAddOptions) -> str:
        from podpy.image import manifest_list

        return manifest_list.annotate(self.engine.runtime.store, name, digest, _changes(opts))

    def remove_instance(self, name: str, digest: str) -> str:
        from podpy.image import manifest_list

        return manifest_list.remove(self.engine.runtime.store, name, digest)

    def inspect(self, name: str, registry: RegistryOptions) -> dict[str, Any]:
        """A local list as Podman shows it; a name that is no local list is looked up in its registry."""
        from podpy.image import manifest_list
        from podpy.image.lookup import find_image

        image = None if name.startswith("docker://") else find_image(self.engine.runtime.store.images, name)
        if image is not None and manifest_list.is_list(image):
            return manifest_list.inspect_document(manifest_list.load(image).instances)
        remote = _remote(registry)
        try:
            return manifest_list.inspect_document(remote.index(name))
        finally:
            remote.close()

    def exists(self, name: str) -> bool:
        from podpy.image import manifest_list

        return manifest_list.find_list(self.engine.runtime.store, name) is not None

    def remove(self, names: Sequence[str]) -> list[RmiReport]:
        """Each list is deleted with all its names; the images it names stay."""
        from podpy.image import manifest_list

        store = self.engine.runtime.store
        reports = []
        for name in names:
            try:
                image = manifest_list.find_list(store, name)
                if image is None:
                    reports.append(RmiReport(name, error=f"{name}: image not known", reason="no_such_image"))
                    continue
                store.remove_image(image.id)
                reports.append(RmiReport(name, untagged=list(image.names), deleted=[image.id]))
            except PodpyError as e:
                reports.append(RmiReport(name, error=str(e), reason=e.code))
        return reports

    def push(self, name: str, destination: str, opts: ManifestPushOptions, progress: TextIO | None = None) -> str:
        from podpy.config.loader import load_registries
        from podpy.engine.local.images import client_options
        from podpy.errors import UsageError
        from podpy.image import manifest_list
        from podpy.image.manifest_push import ListPushSettings, push_list
        from podpy.image.progress import for_stream

        if opts.format not in ("", "oci", "v2s2"):
            raise UsageError(f"unknown format {opts.format!r}. Choose one of the supported formats: 'oci' or 'v2s2'")
        store = self.engine.runtime.store
        image = manifest_list.require_list(store, name)
        settings = ListPushSettings(client=client_options(opts.registry), all=opts.all, format=opts.format,
                                    compression=opts.compression_format or "gzip",
                                    remove_signatures=opts.remove_signatures)
        digest = push_list(store, image, destination, settings, for_stream(None if opts.quiet else progress),
                           load_registries)
        if opts.digestfile:
            with open(opts.digestfile, "w") as f:
                f.write(digest)
        if opts.remove:
            store.remove_image(image.id)
        return digest
