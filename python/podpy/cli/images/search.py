"""podpy search: repositories of v2 registries matching a term, or a repository's tags."""

from __future__ import annotations

import click

from podpy.cli.images.registry_flags import RegistryCommand, authfile_option, tls_verify_option
from podpy.cli.state import cli_state

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_DEFAULT = "table {{.Name}}\t{{.Description}}"
_COMPATIBLE = "table {{.Name}}\t{{.Description}}\t{{.Stars}}\t{{.Official}}\t{{.Automated}}"
_TAGS = "table {{.Name}}\t{{.Tag}}"


@click.command("search", cls=RegistryCommand, help="Search registry for image")
@authfile_option
@click.option("--cert-dir", "cert_dir", default="", hidden=True)
@click.option("--compatible", is_flag=True, help="List stars, official and automated columns (Docker compatibility)")
@click.option("-f", "--filter", "filters", multiple=True, help="Filter output based on conditions provided")
@click.option("--format", "fmt", default=None, help="Change the output format to JSON or a Go template")
@click.option("--limit", type=int, default=0, help="Limit the number of results")
@click.option("--list-tags", is_flag=True, help="List the tags of the input registry")
@click.option("--no-trunc", is_flag=True, help="Do not truncate the output")
@tls_verify_option
@click.argument("term")
def search(term: str, **params: Any) -> int:
    import sys

    from podpy.cli.render import is_json, render, render_json
    from podpy.engine.entities import RegistryOptions, SearchOptions, SearchTags

    filters: dict[str, list[str]] = {}
    for item in params["filters"]:
        key, _, value = item.partition("=")
        filters.setdefault(key, []).append(value)
    registry = RegistryOptions(tls_verify=params["tls_verify"], authfile=params["authfile"],
                               cert_dir=params["cert_dir"])
    opts = SearchOptions(registry=registry, limit=params["limit"], list_tags=params["list_tags"], filters=filters,
                         no_trunc=params["no_trunc"])
    results = cli_state().engine.images.search(term, opts)
    fmt = params["fmt"]
    if opts.list_tags:
        if is_json(fmt):
            render_json(results, out=sys.stdout)
            return 0
        rows = [{"Name": r.Name, "Tag": tag} for r in results if isinstance(r, SearchTags) for tag in r.Tags]
        if rows:
            render(rows, None, default_format=_TAGS, out=sys.stdout)
        return 0
    if not results and not is_json(fmt):
        return 0
    render(results, fmt, default_format=_COMPATIBLE if params["compatible"] else _DEFAULT, out=sys.stdout)
    return 0
