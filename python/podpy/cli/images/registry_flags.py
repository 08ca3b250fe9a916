"""Flags shared by the verbs that talk to registries (pull, login; push and search later).

Go's boolean flags take a value only with ``=`` (``--tls-verify=false``); a bare ``--tls-verify``
never swallows the next argument. RegistryCommand rewrites the bare form to ``=true`` before
click parses, so ``pull --tls-verify IMAGE`` means what it means to Podman.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

GO_BOOLS = ("--tls-verify",)


class RegistryCommand(click.Command):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        out = []
        for n, arg in enumerate(args):
            if arg == "--":
                out += args[n:]
                break
            out.append(f"{arg}=true" if arg in GO_BOOLS else arg)
        return super().parse_args(ctx, out)


def tls_verify_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--tls-verify", "tls_verify", type=click.BOOL, default=None,
                        help="Require HTTPS and verify certificates when contacting registries (default true)")(f)


def authfile_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--authfile", default="",
                        help="Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable "
                             "to override")(f)


def cert_dir_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--cert-dir", "cert_dir", default="", metavar="Pathname",
                        help="Pathname of a directory containing TLS certificates and keys")(f)
