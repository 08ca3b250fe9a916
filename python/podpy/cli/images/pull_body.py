"""podpy pull (the body shared by click and the fast path, podpy.cli.fastpath)."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from podpy.cli.state import CliState


def pull(state: CliState, *, all_tags: bool, arch: str, authfile: str, cert_dir: str, creds: str,
         disable_content_trust: bool, os_: str, platform: str, policy: str, quiet: bool, retry: int | None,
         retry_delay: str, signature_policy: str, tls_verify: bool | None, variant: str,
         names: tuple[str, ...]) -> int:
    from podpy.engine.entities import PullOptions, RegistryOptions
    from podpy.errors import UsageError

    del disable_content_trust
    if not names:
        raise UsageError("requires at least 1 arg(s), only received 0")
    opts = PullOptions(
        registry=RegistryOptions(tls_verify=tls_verify, authfile=authfile, cert_dir=cert_dir, creds=creds,
                                 retry=retry, retry_delay=retry_delay),
        all_tags=all_tags, platform=platform, arch=arch, os=os_, variant=variant, policy=policy.lower(),
        quiet=quiet, signature_policy=signature_policy)
    report = state.engine.images.pull(list(names), opts, sys.stderr)
    for image_id in report.images:
        sys.stdout.write(image_id + "\n")
    return 0
