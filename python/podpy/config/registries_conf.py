"""registries.conf (v2, with v1 tables converted) and its drop-ins, merged as containers/image does.

Merge rules for each drop-in, in order: ``[[registry]]`` entries replace
earlier ones with the same prefix; ``unqualified-search-registries`` and
``short-name-mode`` replace the earlier value when set; ``[aliases]`` are
merged per name and an empty value removes an alias.  Only pulling needs
this, so it is loaded on demand, never at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping

from podpy.config.locations import ConfigScope, registries_conf_files
from podpy.config.toml_files import TomlTable, read_toml
from podpy.util.record import field, record

SHORT_NAME_MODES = ("enforcing", "permissive", "disabled")
PULL_FROM_MIRROR = ("", "all", "digest-only", "tag-only")
_V1_TABLES = {"search": "unqualified", "insecure": "insecure", "block": "blocked"}


@record
class Mirror:
    location: str
    insecure: bool = False
    pull_from_mirror: str = ""  # "" or "all": tags and digests; "digest-only"; "tag-only"


@record
class Registry:
    prefix: str  # "example.com/ns", or "*.example.com" for a subdomain wildcard
    location: str  # "" only with a wildcard prefix: pull from the reference's own host
    insecure: bool = False
    blocked: bool = False
    mirror_by_digest_only: bool = False
    mirrors: tuple[Mirror, ...] = ()


@record
class RegistriesConf:
    unqualified_search_registries: tuple[str, ...] = ()
    short_name_mode: str = "permissive"
    registries: tuple[Registry, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)  # short name -> fully qualified name
    alias_files: Mapping[str, str] = field(default_factory=dict)  # short name -> file that defined it
    files: tuple[str, ...] = ()

    def find_registry(self, ref: str) -> Registry | None:
        """The registry whose prefix matches ``ref`` (host[/path][:tag|@digest]) longest, as c/image does."""
        best: Registry | None = None
        best_len = 0
        for reg in self.registries:
            length = _match_prefix(ref, reg.prefix)
            if length > best_len:
                best, best_len = reg, length
        return best


def _match_prefix(ref: str, prefix: str) -> int:
    if prefix.startswith("*."):
        index = ref.find(prefix[1:])
        if index == -1 or "/" in ref[:index]:
            return -1
        index += len(prefix) - 1
        return index if index == len(ref) or ref[index] in ":/@" else -1
    if ref == prefix:
        return len(prefix)
    if ref.startswith(prefix) and len(ref) > len(prefix) and ref[len(prefix)] in ":/@":
        return len(prefix)
    return -1


def _location(table: TomlTable, key: str) -> str:
    value = (table.get_str(key) or "").rstrip("/")
    if value.startswith(("http://", "https://")):
        raise table.error(key, f"invalid location {value!r}: URI schemes are not supported")
    return value


def _mirror(table: TomlTable, digest_only: bool) -> Mirror:
    location = _location(table, "location")
    if not location:
        raise table.error("location", "invalid condition: mirror location is unset")
    mode = table.get_str("pull-from-mirror") or ""
    if mode not in PULL_FROM_MIRROR:
        raise table.error("pull-from-mirror", f"unsupported pull-from-mirror value {mode!r}")
    if mode and digest_only:
        raise table.error("pull-from-mirror", "cannot be combined with mirror-by-digest-only")
    return Mirror(location=location, insecure=bool(table.get_bool("insecure")), pull_from_mirror=mode)


def _registry(table: TomlTable) -> Registry:
    location = _location(table, "location")
    prefix = _location(table, "prefix")
    if not prefix:
        if not location:
            raise table.error("prefix", "invalid condition: both location and prefix are unset")
        prefix = location
    elif not location and not prefix.startswith("*."):
        raise table.error("location", "invalid condition: location is unset and prefix is not "
                                      "in the format: *.example.com")
    digest_only = bool(table.get_bool("mirror-by-digest-only"))
    mirrors = tuple(_mirror(m, digest_only) for m in table.tables("mirror") or ())
    return Registry(prefix=prefix, location=location, insecure=bool(table.get_bool("insecure")),
                    blocked=bool(table.get_bool("blocked")), mirror_by_digest_only=digest_only,
                    mirrors=mirrors)


@record(frozen=False)
class _Merged:
    search: tuple[str, ...] = ()
    mode: str = "permissive"
    registries: dict[str, Registry] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    alias_files: dict[str, str] = field(default_factory=dict)

    def add_v1(self, doc: TomlTable, v1: TomlTable) -> None:
        if "registry" in doc or "unqualified-search-registries" in doc:
            raise doc.error("registries", "mixing sysregistry v1/v2 is not supported")
        for name, kind in _V1_TABLES.items():
            sub = v1.table(name)
            hosts = (sub.str_list("registries") if sub is not None else None) or ()
            if kind == "unqualified":
                self.search = hosts
                continue
            for host in hosts:
                old = self.registries.get(host) or Registry(prefix=host, location=host)
                self.registries[host] = Registry(prefix=host, location=host,
                                                 insecure=old.insecure or kind == "insecure",
                                                 blocked=old.blocked or kind == "blocked")

    def add(self, doc: TomlTable) -> None:
        v1 = doc.table("registries")
        if v1 is not None:
            self.add_v1(doc, v1)
        search = doc.str_list("unqualified-search-registries")
        if search is not None:
            self.search = search
        mode = doc.get_str("short-name-mode")
        if mode:
            if mode not in SHORT_NAME_MODES:
                raise doc.error("short-name-mode", f"invalid short name mode {mode!r}: "
                                                   f"want enforcing, permissive or disabled")
            self.mode = mode
        for table in doc.tables("registry") or ():
            reg = _registry(table)
            self.registries[reg.prefix] = reg
        for name, value in (doc.str_map("aliases") or {}).items():
            if value:
                self.aliases[name] = value
                self.alias_files[name] = doc.path
            else:
                self.aliases.pop(name, None)
                self.alias_files.pop(name, None)


def load_registries_conf(scope: ConfigScope) -> RegistriesConf:
    located = registries_conf_files(scope)
    merged = _Merged()
    read: list[str] = []
    for index, path in enumerate(located.files):
        doc = read_toml(path, required=located.explicit and index == 0)
        if doc is not None:
            merged.add(doc)
            read.append(path)
    return RegistriesConf(
        unqualified_search_registries=merged.search, short_name_mode=merged.mode,
        registries=tuple(merged.registries[p] for p in sorted(merged.registries)),
        aliases=merged.aliases, alias_files=merged.alias_files, files=tuple(read))
