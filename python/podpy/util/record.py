"""`record`: frozen dataclass-like classes that cost almost nothing to define.

Python 3.11's ``dataclasses`` compiles several methods per class with ``exec``
(about 0.6-1 ms per class here); podpy defines some fifty such classes on the
path of every `podpy run`, which made class creation a fifth of its start-up.
A record builds one shared ``__init__`` from the field list instead, and offers
the few dataclasses helpers podpy uses (``fields``, ``asdict``, ``replace``).
Type checkers see it as a dataclass through ``dataclass_transform``.

Even that work is deferred: the decorator only marks the class, and the field
list and methods are built when the first instance is made (or ``fields`` is
asked), so the many records a command never instantiates cost nothing.
"""

from __future__ import annotations

from _thread import allocate_lock

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar, dataclass_transform, overload

    T = TypeVar("T")
else:
    # Importing typing costs several milliseconds of every command's start; at run time these two
    # decorators only have to leave the function alone.
    def overload(func):
        return func

    def dataclass_transform(**_kwargs):
        return lambda func: func

_MISSING: Any = object()
FIELDS_ATTR = "__record_fields__"
_PENDING_ATTR = "__record_pending__"  # in a decorated class's own __dict__ until it is built: its `frozen`
_BUILD_LOCK = allocate_lock()


class FrozenInstanceError(AttributeError):
    pass


class Field:
    __slots__ = ("name", "default", "default_factory", "metadata")

    def __init__(self, default: Any = _MISSING, default_factory: Any = _MISSING,
                 metadata: dict[str, Any] | None = None) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.metadata = metadata or {}


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] | Any = _MISSING,
          metadata: dict[str, Any] | None = None, repr: bool = True) -> Any:
    del repr  # accepted for dataclasses compatibility
    return Field(default, default_factory, metadata)


def _own_fields(cls: type) -> list[Field]:
    out = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = cls.__dict__.get(name, _MISSING)
        spec = value if isinstance(value, Field) else Field(default=value)
        spec.name = name
        if isinstance(value, Field):
            if value.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, value.default)
        out.append(spec)
    return out


def _make_init(specs: tuple[Field, ...], post_init: bool) -> Callable[..., None]:
    names = tuple(f.name for f in specs)
    known = frozenset(names)
    setter = object.__setattr__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__}() takes {len(names)} positional arguments but {len(args)} "
                            "were given")
        for index, value in enumerate(args):
            if names[index] in kwargs:
                raise TypeError(f"{type(self).__name__}() got multiple values for argument {names[index]!r}")
            setter(self, names[index], value)
        for key in kwargs:
            if key not in known:
                raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument {key!r}")
        for spec in specs[len(args):]:
            if spec.name in kwargs:
                setter(self, spec.name, kwargs[spec.name])
            elif spec.default is not _MISSING:
                setter(self, spec.name, spec.default)
            elif spec.default_factory is not _MISSING:
                setter(self, spec.name, spec.default_factory())
            else:
                raise TypeError(f"{type(self).__name__}() missing required argument: {spec.name!r}")
        if post_init:
            self.__post_init__()

    return __init__


def _values(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, f.name) for f in getattr(self, FIELDS_ATTR))


def _repr(self: Any) -> str:
    inner = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in getattr(self, FIELDS_ATTR))
    return f"{type(self).__qualname__}({inner})"


def _eq(self: Any, other: Any) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented  # type: ignore[no-any-return]
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _build(cls: type[T], frozen: bool) -> type[T]:
    inherited: list[Field] = []
    for base in reversed(cls.__mro__[1:]):
        inherited.extend(getattr(base, FIELDS_ATTR, ()))
    own = _own_fields(cls)
    merged: dict[str, Field] = {f.name: f for f in inherited}
    merged.update({f.name: f for f in own})
    specs = tuple(merged.values())
    methods: dict[str, Any] = {
        FIELDS_ATTR: specs,
        "__init__": _make_init(specs, hasattr(cls, "__post_init__")),
        "__repr__": _repr,
        "__eq__": _eq,
        "__match_args__": tuple(f.name for f in specs),
        "__hash__": _hash if frozen else None,
    }
    if frozen:
        methods["__setattr__"] = _frozen_setattr
        methods["__delattr__"] = _frozen_delattr
    for name, value in methods.items():
        setattr(cls, name, value)
    return cls


def _defer(cls: type[T], frozen: bool) -> type[T]:
    setattr(cls, _PENDING_ATTR, frozen)
    setattr(cls, "__init__", _first_init)  # noqa: B010 - mypy refuses assigning to a method
    return cls


def _ensure_built(cls: type) -> None:
    """Build every still-pending record class of ``cls``'s MRO, bases first."""
    if not any(_PENDING_ATTR in c.__dict__ for c in cls.__mro__):
        return
    with _BUILD_LOCK:
        for c in reversed(cls.__mro__):
            if _PENDING_ATTR in c.__dict__:
                frozen = c.__dict__[_PENDING_ATTR]
                delattr(c, _PENDING_ATTR)
                _build(c, frozen)


def _first_init(self: Any, *args: Any, **kwargs: Any) -> None:
    cls = type(self)
    _ensure_built(cls)
    cls.__init__(self, *args, **kwargs)


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, frozen: bool = True) -> Callable[[type[T]], type[T]]: ...  # noqa: F811


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(cls: type[T] | None = None, /, *, frozen: bool = True) -> type[T] | Callable[[type[T]], type[T]]:  # noqa: F811
    if cls is None:
        return lambda c: _defer(c, frozen)
    return _defer(cls, frozen)


def is_record(obj: object) -> bool:
    return hasattr(type(obj), FIELDS_ATTR) and not isinstance(obj, type)


def fields(obj: object) -> tuple[Field, ...]:
    _ensure_built(obj if isinstance(obj, type) else type(obj))
    return tuple(getattr(obj, FIELDS_ATTR))


def asdict(obj: object) -> dict[str, Any]:
    return {f.name: _plain(getattr(obj, f.name)) for f in fields(obj)}


def _plain(value: Any) -> Any:
    if is_record(value):
        return asdict(value)
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def replace(obj: T, /, **changes: Any) -> T:
    values = {f.name: getattr(obj, f.name) for f in fields(obj)}
    values.update(changes)
    return type(obj)(**values)
