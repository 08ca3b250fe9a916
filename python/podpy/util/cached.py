"""`cached_property` without `functools`.

`functools` imports `collections` (for one namedtuple), and the two cost a listing command about
1.5 ms. Type checkers see `functools.cached_property`; at run time this minimal non-data descriptor
does the same for podpy's uses: compute on first access, then the instance attribute shadows it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from functools import cached_property as cached_property
else:

    class cached_property:  # noqa: N801 - functools' name
        def __init__(self, func):
            self.func = func
            self.attrname = func.__name__
            self.__doc__ = func.__doc__

        def __set_name__(self, owner, name):
            self.attrname = name

        def __get__(self, instance, owner=None):
            if instance is None:
                return self
            value = self.func(instance)
            instance.__dict__[self.attrname] = value
            return value
