"""Image verbs of the local engine."""

from __future__ import annotations

from podpy.engine.entities import (
    ChangesReport,
    HistoryEntry,
    ImageMountReport,
    ImageSummary,
    ImageTreeReport,
    InspectReport,
    ItemReport,
    LoadReport,
    LoginOptions,
    PullOptions,
    PullReport,
    PushOptions,
    PushReport,
    RegistryOptions,
    RmiReport,
    SaveOptions,
    SaveReport,
    SearchOptions,
    SearchResult,
    SearchTags,
    TreeLayer,
)
from podpy.errors import PodpyError, StorageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import BinaryIO, TextIO

    from podpy.engine.local.engine import LocalEngine
    from podpy.image.pull import Puller
    from podpy.image.registry.options import ClientOptions
    from podpy.runtime.runtime import Runtime
    from podpy.storage.records import Image


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
        from podpy.image.registry.manifests import INDEX_TYPES

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
                continue
            if image.manifest_media_type in INDEX_TYPES:  # a manifest list: the host's image it names
                from podpy.image.manifest_list import resolve_instance

                try:
                    image = resolve_instance(rt.store, image)
                except PodpyError as e:
                    reports.append(InspectReport(name, None, str(e)))
                    continue
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

    # --- registries -----------------------------------------------------------------------------------

    def pull(self, names: Sequence[str], opts: PullOptions, progress: TextIO | None = None) -> PullReport:
        """Pull each name in turn (Podman's order); the image IDs."""
        puller = make_puller(self.engine.runtime, opts, None if opts.quiet else progress)
        try:
            ids: list[str] = []
            for name in names:
                ids.extend(puller.pull(name))
            return PullReport(ids)
        finally:
            puller.close()

    def push(self, source: str, destination: str, opts: PushOptions, progress: TextIO | None = None
             ) -> PushReport:
        """Podman's push: to a registry (``docker://`` or a plain reference) or an archive transport."""
        from podpy.config.loader import load_registries
        from podpy.image.lookup import require_image
        from podpy.image.progress import for_stream
        from podpy.image.push import Pusher, PushSettings, destination_reference, push_to_archive, split_transport

        store = self.engine.runtime.store
        image = require_image(store.images, source)
        target = destination or _matched_name(image.names, source) or source
        transport, spec = split_transport(target)
        if transport != "docker":
            warnings = push_to_archive(store, image, transport, spec, compress=opts.compress,
                                       default_tag=_matched_name(image.names, source) or "")
            return PushReport("", warnings)
        settings = PushSettings(client=client_options(opts.registry), format=opts.format,
                                compression=opts.compression_format or "gzip", level=opts.compression_level,
                                remove_signatures=opts.remove_signatures)
        pusher = Pusher(store, settings, for_stream(None if opts.quiet else progress), load_registries)
        return PushReport(pusher.push(image, destination_reference(spec)))

    def login(self, opts: LoginOptions) -> str:
        """Check the credentials against the registry and store them; what to print."""
        from podpy.errors import AuthenticationError, NotFoundError, UsageError
        from podpy.image.registry import auth
        from podpy.image.registry.client import RegistryClient

        server = _login_server(opts.server)
        host = server.split("/", 1)[0]
        authfile = opts.registry.authfile or None
        if opts.get_login:
            found = auth.lookup(server, authfile)
            if found is None or not found.username:
                raise NotFoundError(f"not logged into {server}")
            return found.username
        base = client_options(opts.registry)
        insecure = _insecure(host)
        if not opts.username and opts.password is None:
            existing = auth.lookup(server, authfile)
            if existing is None:
                raise UsageError("cannot prompt for a username and password without a terminal: "
                                 "use --username and --password or --password-stdin")
            from podpy.util.record import replace

            RegistryClient(host, replace(base, creds=existing), insecure=insecure).check_login()
            return (f"Authenticating with existing credentials for {server}\n"
                    f"Existing credentials are valid. Already logged in to {host}")
        if not opts.username:
            raise UsageError("username is empty")
        if opts.password is None or opts.password == "":
            raise UsageError("password is empty")
        from podpy.image.registry.auth import Credentials
        from podpy.util.record import replace

        creds = Credentials(opts.username, opts.password)
        try:
            RegistryClient(host, replace(base, creds=creds), insecure=insecure).check_login()
        except AuthenticationError as e:
            raise AuthenticationError(f'logging into "{host}": invalid username/password', hint=str(e)) from e
        auth.store(server, creds, authfile)
        return "Login Succeeded!"

    def logout(self, server: str, *, all_servers: bool, authfile: str) -> str:
        from podpy.image.registry import auth

        if all_servers:
            auth.remove_all(authfile or None)
            return "Removed login credentials for all registries"
        key = _login_server(server)
        auth.remove(key, authfile or None)
        return f"Removed login credentials for {auth.normalize_key(key)}"


    def save(self, names: Sequence[str], options: SaveOptions, out: BinaryIO | None = None) -> SaveReport:
        """Podman's save: without -m, the first image with every name given as its tags."""
        from podpy.errors import UsageError
        from podpy.image.lookup import require_image
        from podpy.image.save import FORMATS, SaveItem, save

        fmt = options.format
        if fmt not in FORMATS:
            raise UsageError(f"format value must be one of {' '.join(FORMATS)}")
        if options.compress and fmt != "docker-dir":
            raise UsageError("--compress can only be set when --format is 'docker-dir'")
        if options.multi_image and len(names) > 1 and fmt != "docker-archive":
            raise UsageError(f'unsupported format "{fmt}" for saving multiple images (only docker-archive)')
        if fmt.endswith("-dir") and not options.output:
            raise UsageError(f"--output is required for the {fmt} format")
        store = self.engine.runtime.store
        found = [(name, require_image(store.images, name)) for name in names]
        tags = [_matched_name(image.names, name) for name, image in found]
        if options.multi_image:
            items = [SaveItem(image, [tag] if tag else []) for (_, image), tag in zip(found, tags, strict=True)]
        else:
            items = [SaveItem(found[0][1], list(dict.fromkeys(t for t in tags if t)))]
        out_fd = None
        if not options.output:
            if out is None:
                raise UsageError("no output given")
            out.flush()
            out_fd = out.fileno()
        return SaveReport(save(store, items, fmt, out_fd=out_fd, out_path=options.output,
                               compress=options.compress))

    def diff(self, name: str) -> ChangesReport:
        """The image's top layer against its parent."""
        from podpy.image.lookup import require_image

        store = self.engine.runtime.store
        image = require_image(store.images, name)
        if not image.top_layer:
            return ChangesReport()
        layer = store.layers.get(image.top_layer)
        lowers = store.layers.lower_dirs(layer.parent) if layer is not None and layer.parent else []
        return changes_report(store.layers.changes(store.layers.diff_dir(image.top_layer), lowers))

    def mount(self, names: Sequence[str], *, all_images: bool) -> list[ImageMountReport]:
        """Mount each image read-only (counting references); the mount points."""
        from podpy.image.lookup import find_image

        store = self.engine.runtime.store
        targets: list[tuple[str, Image | None]] = [(i.id, i) for i in store.images.list()] if all_images else [
            (name, None) for name in names]
        reports = []
        for name, image in targets:
            try:
                image = image or find_image(store.images, name)
                if image is None:
                    reports.append(ImageMountReport(name, error=f"{name}: image not known", reason="no_such_image"))
                    continue
                if not image.top_layer:
                    raise StorageError(f"image {image.id[:12]} has no layers to mount")
                path = store.image_mounts.mount(image.top_layer)
            except PodpyError as e:
                reports.append(ImageMountReport(name, error=str(e), reason=e.code))
                continue
            reports.append(_mount_report(image, path))
        return reports

    def mounted(self) -> list[ImageMountReport]:
        store = self.engine.runtime.store
        counts = store.image_mounts.mounted()
        return [_mount_report(image, store.image_mounts.mount_point(image.top_layer))
                for image in store.images.list() if image.top_layer in counts]

    def unmount(self, names: Sequence[str], *, all_images: bool, force: bool) -> list[ItemReport]:
        """Drop one mount reference per image (all of them with ``force``); only images that were mounted
        are reported, as Podman prints their IDs."""
        from podpy.image.lookup import find_image

        store = self.engine.runtime.store
        reports = []
        if all_images:
            counts = store.image_mounts.mounted()
            for each in store.images.list():
                if each.top_layer in counts and store.image_mounts.unmount(each.top_layer, force=True):
                    reports.append(ItemReport(each.id))
            return reports
        for name in names:
            try:
                image = find_image(store.images, name)
                if image is None:
                    reports.append(ItemReport(name, error=f"{name}: image not known", reason="no_such_image"))
                    continue
                if image.top_layer and store.image_mounts.unmount(image.top_layer, force=force):
                    reports.append(ItemReport(image.id))
            except PodpyError as e:
                reports.append(ItemReport(name, error=str(e), reason=e.code))
        return reports

    def tree(self, name: str, *, whatrequires: bool) -> ImageTreeReport:
        """Podman's `image tree`: the image's layers base first, each with the images it is the top of;
        with ``whatrequires``, its top layer and every layer built on it."""
        from podpy.image.lookup import require_image

        store = self.engine.runtime.store
        image = require_image(store.images, name)
        images = store.images.list()
        tops: dict[str, list[str]] = {}
        for other in images:
            if other.top_layer:
                tops.setdefault(other.top_layer, []).extend(other.names or ["<none>"])
        if whatrequires:
            children: dict[str, list[str]] = {}
            for other in images:
                for parent, child in zip(other.layers, other.layers[1:], strict=False):
                    if child not in children.setdefault(parent, []):
                        children[parent].append(child)
            ids: list[str] = []
            pending = [image.top_layer] if image.top_layer else []
            while pending:
                current = pending.pop()
                ids.append(current)
                pending.extend(reversed(children.get(current, [])))
        else:
            ids = list(image.layers)
        layers = []
        for layer_id in ids:
            layer = store.layers.get(layer_id)
            layers.append(TreeLayer(layer_id, layer.size if layer else 0, tops.get(layer_id, [])))
        return ImageTreeReport(image.id, list(image.names), image.size, layers)

    def search(self, term: str, opts: SearchOptions) -> list[SearchResult] | list[SearchTags]:
        """Podman's search against v2 registries (catalog or tags), filters applied after the limit."""
        from podpy.config.loader import load_registries
        from podpy.image.registry.search import Searcher

        searcher = Searcher(client_options(opts.registry), load_registries)
        try:
            if opts.list_tags:
                return [SearchTags(t.name, list(t.tags)) for t in searcher.list_tags(term, opts.limit)]
            hits = searcher.search(term, opts.limit)
        finally:
            searcher.close()
        keep = _search_filter(opts.filters)
        return [SearchResult(Index=h.index, Name=h.name, Description=_truncate(h.description, opts.no_trunc),
                             Stars=h.stars, Official="[OK]" if h.official else "",
                             Automated="[OK]" if h.automated else "")
                for h in hits if keep(h.stars, h.official, h.automated)]


def _mount_report(image: Image, path: str) -> ImageMountReport:
    return ImageMountReport(image.id, [image.digest] if image.digest else [], list(image.names), path)


def _truncate(text: str, no_trunc: bool) -> str:
    return text if no_trunc or len(text) <= 44 else text[:41] + "..."


def _search_filter(filters: Mapping[str, Sequence[str]]) -> Callable[[int, bool, bool], bool]:
    """stars=N (at least N), is-official[=BOOL], is-automated[=BOOL], as Podman's search filters."""
    from podpy.errors import UsageError

    min_stars = 0
    flags: dict[str, bool] = {}
    for key, values in filters.items():
        for value in values:
            if key == "stars":
                try:
                    min_stars = int(value)
                except ValueError:
                    raise UsageError(f"incorrect value type for stars filter: {value!r}") from None
            elif key in ("is-official", "is-automated"):
                if value.lower() not in ("", "true", "false"):
                    raise UsageError(f"incorrect value type for {key} filter: {value!r}")
                flags[key] = value.lower() != "false"
            else:
                raise UsageError(f'invalid filter type "{key}"')

    def keep(stars: int, official: bool, automated: bool) -> bool:
        return (stars >= min_stars and flags.get("is-official", official) == official
                and flags.get("is-automated", automated) == automated)

    return keep


def _login_server(server: str) -> str:
    """The auth.json key: as given (scheme and trailing slash dropped), else the first search registry."""
    from podpy.errors import UsageError

    text = server.strip()
    for scheme in ("https://", "http://"):
        text = text.removeprefix(scheme)
    text = text.rstrip("/")
    if text:
        return text
    from podpy.config.loader import load_registries

    search = load_registries().unqualified_search_registries
    if not search:
        raise UsageError("no registries found in registries.conf, a registry must be provided")
    return search[0]


def _insecure(host: str) -> bool:
    from podpy.config.loader import load_registries
    from podpy.image.registry.resolve import insecure_registry

    return insecure_registry(host, load_registries())


def parse_duration(text: str) -> float:
    """A Go duration ("1s", "500ms", "1m30s") in seconds; Go's error for anything else."""
    from podpy.errors import UsageError
    from podpy.util.timefmt import parse_go_duration

    try:
        return parse_go_duration(text)
    except ValueError:
        raise UsageError(f"time: invalid duration {text!r}") from None


def client_options(reg: RegistryOptions) -> ClientOptions:
    from podpy.errors import UsageError
    from podpy.image.registry.options import ClientOptions

    creds = None
    if reg.creds:
        from podpy.image.registry.auth import Credentials

        user, sep, password = reg.creds.partition(":")
        if not user:
            raise UsageError(f"invalid --creds {reg.creds!r}: the username is empty")
        if not sep:
            raise UsageError("--creds without a password: cannot prompt for it without a terminal; "
                             "use --creds USERNAME:PASSWORD")
        creds = Credentials(user, password)
    if reg.retry is not None and reg.retry < 0:
        raise UsageError("--retry must not be negative")
    return ClientOptions(tls_verify=reg.tls_verify, cert_dir=reg.cert_dir, authfile=reg.authfile or None,
                         creds=creds, retries=3 if reg.retry is None else reg.retry,
                         retry_delay=parse_duration(reg.retry_delay) if reg.retry_delay else 0.0)


def make_puller(rt: Runtime, opts: PullOptions, progress: TextIO | None) -> Puller:
    from podpy.config.loader import load_registries
    from podpy.errors import UsageError
    from podpy.image.progress import for_stream
    from podpy.image.pull import PULL_POLICIES, Puller, PullSettings
    from podpy.image.registry.manifests import wanted_platform

    if opts.policy not in PULL_POLICIES:
        raise UsageError(f'unsupported pull policy "{opts.policy}"')
    platform = wanted_platform(platform=opts.platform, os=opts.os, arch=opts.arch, variant=opts.variant)
    settings = PullSettings(platform=platform, client=client_options(opts.registry), policy=opts.policy,
                            all_tags=opts.all_tags, signature_policy=opts.signature_policy)
    return Puller(rt.store, settings, for_stream(progress), load_registries)


def pull_image(rt: Runtime, name: str, policy: str, progress: TextIO | None) -> Image | None:
    """`run --pull always|newer`: the registry's image (always fetched, or when it changed)."""
    puller = make_puller(rt, PullOptions(policy=policy), progress)
    try:
        ids = puller.pull(name)
    finally:
        puller.close()
    return rt.store.images.get(ids[0]) if ids else None


def pull_missing(rt: Runtime, name: str, progress: TextIO | None) -> Image | None:
    """`run`/`create` of an image that is not local: Podman's --pull=missing through a registry.

    Names that cannot be references (an ID prefix) are not pulled.
    """
    from podpy.errors import UsageError
    from podpy.image.references import parse
    from podpy.util.ids import is_id_prefix

    if is_id_prefix(name.removeprefix("sha256:")) and len(name.removeprefix("sha256:")) >= 12:
        return None
    try:
        parse(name)
    except UsageError:
        return None
    puller = make_puller(rt, PullOptions(policy="missing"), progress)
    try:
        ids = puller.pull(name)
    finally:
        puller.close()
    return rt.store.images.get(ids[0]) if ids else None


def changes_report(changes: list[tuple[str, str]]) -> ChangesReport:
    report = ChangesReport()
    lists = {"C": report.changed, "A": report.added, "D": report.deleted}
    for kind, path in changes:
        lists[kind].append(path)
    return report
