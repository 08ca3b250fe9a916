"""Images shipped inside the podpy package (``hello``, the pods' infra image), loaded into the store on first use."""

from __future__ import annotations

import os

from podpy import __version__
from podpy.errors import UsageError
from podpy.image.oci_layout import OciLayout
from podpy.image.references import parse
from podpy.storage.records import Image
from podpy.storage.store import Store

_IMAGES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "images")
PAUSE_IMAGE = f"localhost/podpy-pause:{__version__}"
_EMBEDDED = {"localhost/hello:latest": "hello", PAUSE_IMAGE: "pause"}


def embedded_layout(name: str) -> str | None:
    """The layout directory of the embedded image ``name`` refers to, if any."""
    try:
        ref = parse(name)
    except UsageError:
        return None
    if ref.digest or ref.domain not in ("", "localhost"):
        return None
    key = f"localhost/{ref.path}:{ref.tag}"
    sub = _EMBEDDED.get(key)
    if sub is None:
        return None
    path = os.path.join(_IMAGES_DIR, sub)
    return path if os.path.isdir(path) else None


def load_embedded(store: Store, name: str) -> Image | None:
    layout_dir = embedded_layout(name)
    if layout_dir is None:
        return None
    layout = OciLayout(layout_dir)
    loaded = [layout.load_into(store, entry) for entry in layout.manifests()]
    return loaded[0] if loaded else None
