"""Where the current request came from, for audit rows written deep inside services.

Set by ``RequestContextMiddleware`` for the length of one request; empty elsewhere (commands,
tests calling services directly).
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    user_agent: str = ""
    path: str = ""


_EMPTY = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("openiop_request", default=None)


def current() -> RequestContext:
    return _current.get() or _EMPTY


def activate(context: RequestContext):
    return _current.set(context)


def deactivate(token) -> None:
    _current.reset(token)
