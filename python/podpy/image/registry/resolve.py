"""From what the user typed to the places to pull from, as registries.conf(5) v2 says.

A short name becomes its alias, else one candidate per unqualified-search registry;
each candidate reference is then mapped through its ``[[registry]]`` entry: blocked,
insecure, ``location`` rewriting of the matched ``prefix``, and mirrors tried first.
"""

from __future__ import annotations

import os

from podpy.config.registries_conf import RegistriesConf, Registry
from podpy.errors import RegistryError, UsageError
from podpy.image.references import Reference, docker_normalized, parse
from podpy.util.record import record


@record
class Candidate:
    ref: Reference  # fully qualified: the name the image gets
    note: str = ""  # a line to print before trying ("Resolved "x" as an alias (file)")


@record
class Source:
    ref: Reference  # where to fetch it from (a mirror or the rewritten location)
    insecure: bool = False
    mirror: bool = False


def qualified(ref: Reference) -> Reference:
    return docker_normalized(ref) if ref.domain in ("docker.io", "index.docker.io") else ref


def _with_tag(base: str, ref: Reference) -> Reference:
    full = parse(base)
    return qualified(Reference(full.domain, full.path, ref.tag if ref.tag or ref.digest else full.tag, ref.digest))


def candidates(name: str, conf: RegistriesConf, *, interactive: bool = False) -> list[Candidate]:
    """The fully qualified references ``name`` may mean, in the order to try them."""
    ref = parse(name)
    if not ref.is_short:
        return [Candidate(qualified(ref))]
    alias = conf.aliases.get(ref.path)
    if alias:
        where = conf.alias_files.get(ref.path, "")
        return [Candidate(_with_tag(alias, ref), f'Resolved "{ref.path}" as an alias ({where})')]
    search = conf.unqualified_search_registries
    files = ", ".join(conf.files) or "/etc/containers/registries.conf"
    if not search:
        raise RegistryError(f'short-name "{name}" did not resolve to an alias and no unqualified-search registries '
                            f'are defined in "{files}"',
                            hint="add unqualified-search-registries or an [aliases] entry to registries.conf, "
                                 "or use a fully qualified name such as docker.io/library/NAME")
    if conf.short_name_mode == "enforcing" and len(search) > 1 and not interactive:
        raise RegistryError(f'short-name resolution enforced but cannot prompt without a TTY: "{name}" could be '
                            f'any of {", ".join(search)} (short-name-mode = "enforcing" in {files})')
    where = conf.files[0] if conf.files else files
    found = [Candidate(qualified(Reference(registry, ref.path, ref.tag, ref.digest)),
                       f'Resolving "{ref.path}" using unqualified-search registries ({where})' if n == 0 else "")
             for n, registry in enumerate(search)]
    return found


def _rewrite(ref: Reference, reg: Registry, location: str) -> Reference:
    if reg.prefix.startswith("*."):
        return ref
    text = str(ref)
    rest = text[len(reg.prefix):]
    try:
        return parse(location + rest)
    except UsageError as e:
        raise RegistryError(f"rewriting {text} with the registries.conf location {location!r}: {e}") from e


def sources(ref: Reference, conf: RegistriesConf) -> list[Source]:
    """Mirrors (those that apply to a tag or a digest) first, then the primary location."""
    reg = conf.find_registry(str(ref))
    if reg is None:
        return [Source(ref)]
    if reg.blocked:
        files = " or ".join(conf.files) or "registries.conf"
        raise RegistryError(f"registry {ref.domain} is blocked in {files}")
    found = []
    for mirror in reg.mirrors:
        mode = mirror.pull_from_mirror
        if ref.digest and mode == "tag-only":
            continue
        if not ref.digest and (mode == "digest-only" or (not mode and reg.mirror_by_digest_only)):
            continue
        found.append(Source(_rewrite(ref, reg, mirror.location), mirror.insecure, True))
    primary = _rewrite(ref, reg, reg.location) if reg.location else ref
    found.append(Source(primary, reg.insecure))
    return found


def insecure_registry(host: str, conf: RegistriesConf) -> bool:
    reg = conf.find_registry(host)
    return bool(reg and reg.insecure)


def stdin_is_tty() -> bool:
    try:
        return os.isatty(0) and os.isatty(1)
    except OSError:
        return False
