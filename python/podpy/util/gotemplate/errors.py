"""The one error type of the template engine."""

from __future__ import annotations

from podpy.errors import PodpyError


class TemplateError(PodpyError):
    """A --format template that does not parse or fails on the data (Podman exits 125).

    The message follows Go's text/template wording so that scripts matching
    Podman's errors keep working.
    """

    code = "template"
