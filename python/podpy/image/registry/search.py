"""`search` against v2 registries: the catalog filtered by the term, or one repository's tags.

A term naming a registry (``host/``, ``host/part``) is looked up there only; any other term
in each unqualified-search registry of registries.conf. The v2 API has no search endpoint:
as containers/image does, the catalog is listed and the repositories whose name contains
the term are kept; registries give no descriptions, stars or official marks.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable

from podpy.config.registries_conf import RegistriesConf
from podpy.errors import PodpyError, RegistryError, UsageError
from podpy.image.registry.client import RegistryClient
from podpy.image.registry.manifests import parse_json
from podpy.image.registry.options import ClientOptions
from podpy.util.record import record

DEFAULT_LIMIT = 25
_PAGE = 1000
_MAX_PAGES = 1000


@record
class Hit:
    index: str  # the registry
    name: str  # registry/repository
    description: str = ""
    stars: int = 0
    official: bool = False
    automated: bool = False


@record
class TagList:
    name: str  # registry/repository
    tags: list[str]


def _looks_like_registry(part: str) -> bool:
    return "." in part or ":" in part or part == "localhost"


def split_term(term: str) -> tuple[str, str]:
    """``host/query`` → (host, query); a term without a registry → ("", term)."""
    first, sep, rest = term.partition("/")
    if sep and _looks_like_registry(first):
        return first, rest
    return "", term


def _pages(client: RegistryClient, path: str, repo: str, what: str, key: str, limit: int) -> list[str]:
    """The strings under ``key`` across the paginated replies (Link rel="next")."""
    out: list[str] = []
    for _ in range(_MAX_PAGES):
        reply = client.get_json(path, repo=repo, what=what)
        data = parse_json(reply.body, what)
        out += [str(v) for v in data.get(key) or []]
        link = reply.headers.get("link", "")
        if (limit and len(out) >= limit) or 'rel="next"' not in link:
            break
        target = link.split(";")[0].strip().strip("<>")
        parts = urllib.parse.urlsplit(target)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
    return out


class Searcher:
    def __init__(self, opts: ClientOptions, conf_loader: Callable[[], RegistriesConf]) -> None:
        self.opts = opts
        self._conf_loader = conf_loader
        self._clients: list[RegistryClient] = []

    def _client(self, registry: str, conf: RegistriesConf) -> RegistryClient:
        from podpy.image.registry.resolve import insecure_registry

        client = RegistryClient(registry, self.opts, insecure=insecure_registry(registry, conf))
        self._clients.append(client)
        return client

    def close(self) -> None:
        for client in self._clients:
            client.close()

    def _registries(self, registry: str, conf: RegistriesConf) -> list[str]:
        if registry:
            return [registry]
        if not conf.unqualified_search_registries:
            files = ", ".join(conf.files) or "/etc/containers/registries.conf"
            raise RegistryError(f"no registries to search: no unqualified-search registries are defined in {files}",
                                hint="name the registry in the term, e.g. quay.io/NAME")
        return list(conf.unqualified_search_registries)

    def search(self, term: str, limit: int) -> list[Hit]:
        conf = self._conf_loader()
        registry, query = split_term(term)
        limit = limit if limit > 0 else DEFAULT_LIMIT
        hits: list[Hit] = []
        errors: list[PodpyError] = []
        registries = self._registries(registry, conf)
        for reg in registries:
            if reg in ("docker.io", "index.docker.io"):
                errors.append(RegistryError(f"{reg}: searching Docker Hub is not supported (no v1 search API)"))
                continue
            client = self._client(reg, conf)
            what = f"searching registry {reg}"
            try:
                repos = _pages(client, f"/v2/_catalog?n={_PAGE}", "", what, "repositories", 0)
            except RegistryError as e:
                errors.append(e)
                continue
            found = [Hit(reg, f"{reg}/{repo}") for repo in repos if query in repo]
            hits += found[:limit]
        if errors and len(errors) == len(registries):
            if len(errors) == 1:
                raise errors[0]
            raise RegistryError("; ".join(str(e) for e in errors))
        return hits

    def list_tags(self, term: str, limit: int) -> list[TagList]:
        from podpy.image.references import parse
        from podpy.image.registry.resolve import candidates, stdin_is_tty

        conf = self._conf_loader()
        registry, query = split_term(term)
        if registry and not query:
            raise UsageError(f'reference "{term}" must name a repository to list its tags')
        ref = parse(term)
        if ref.digest or (ref.tag != "latest" or term.endswith(":latest")):
            raise UsageError(f'reference "{term}" must be a repository without a tag or digest to list its tags')
        out: list[TagList] = []
        for cand in candidates(term, conf, interactive=stdin_is_tty()):
            client = self._client(cand.ref.domain, conf)
            what = f"getting repository tags: fetching tags list of {cand.ref.repository}"
            tags = _pages(client, f"/v2/{cand.ref.path}/tags/list", cand.ref.path, what, "tags", limit)
            out.append(TagList(cand.ref.repository, tags[:limit] if limit > 0 else tags))
        return out
