"""Options the manifest verbs share: what an entry records about its platform, and registry access."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.engine.entities import ManifestAddOptions, RegistryOptions


def platform_options(*, os_features: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def wrap(f: Callable[..., Any]) -> Callable[..., Any]:
        opts = [
            click.option("--annotation", "annotations", multiple=True, metavar="annotation",
                         help="set an annotation for the specified image"),
            click.option("--arch", default="", metavar="architecture",
                         help="override the architecture of the specified image"),
            click.option("--features", multiple=True, metavar="features",
                         help="override the features of the specified image"),
            click.option("--os", "os_", default="", metavar="OS", help="override the OS of the specified image"),
            click.option("--os-version", default="", metavar="version",
                         help="override the OS version of the specified image"),
            click.option("--variant", default="", metavar="Variant",
                         help="override the Variant of the specified image"),
        ]
        if os_features:
            opts.append(click.option("--os-features", multiple=True, metavar="features",
                                     help="override the OS features of the specified image"))
        for opt in reversed(opts):
            f = opt(f)
        return f

    return wrap


def _split(values: tuple[str, ...]) -> list[str]:
    return [part for value in values for part in value.split(",") if part]


def _annotations(items: tuple[str, ...]) -> dict[str, str]:
    from podpy.errors import UsageError

    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f'no value given for annotation "{key}"')
        out[key] = value
    return out


def add_options(params: dict[str, Any], registry: RegistryOptions | None = None) -> ManifestAddOptions:
    from podpy.engine.entities import ManifestAddOptions, RegistryOptions

    return ManifestAddOptions(
        registry=registry or RegistryOptions(), all=bool(params.get("all_", False)),
        os=params.get("os_", ""), arch=params.get("arch", ""), variant=params.get("variant", ""),
        os_version=params.get("os_version", ""), os_features=_split(params.get("os_features", ())),
        features=_split(params.get("features", ())), annotations=_annotations(params.get("annotations", ())))


def registry_options(params: dict[str, Any]) -> RegistryOptions:
    from podpy.engine.entities import RegistryOptions

    return RegistryOptions(tls_verify=params.get("tls_verify"), authfile=params.get("authfile", ""),
                           cert_dir=params.get("cert_dir", ""), creds=params.get("creds", ""))


def creds_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--creds", default="", metavar="[username[:password]]",
                        help="use [username[:password]] for accessing the registry")(f)
