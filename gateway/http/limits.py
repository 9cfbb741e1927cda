"""What any caller may send: a rate per token, a rate of writes per programme, a body size.

The rate per token and the body size are checked before a route runs; the writes to a
programme are counted once the caller is known to be allowed to write and the body is
valid, so nobody without that right can use up a programme's budget. Answered in the
one error shape: 413 for a body over the limit, 429 with ``Retry-After`` past a rate.

The rates use the ``limits`` library's moving window in this process's memory, so each
API replica counts on its own: with N replicas a caller may reach N times the rate,
which still bounds what one programme can be sent.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass

from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.http.auth import bearer_token
from gateway.http.errors import ApiError

MAX_DEPTH = 32
"""Most levels of JSON arrays and objects a body may nest (the deepest request parcours
takes nests 4): deeper is refused with 422 before anything parses it, so no parser's
recursion limit is reached (a 200,000-deep array was a 500)."""
_PROGRAMME_WRITE = re.compile(r"^/v1/programmes/([^/]+)/[a-z]+$")
_UNLIMITED = ("/healthz",)


@dataclass(frozen=True)
class RequestLimits:
    """The limits, in the ``limits`` notation (``10/second;300/minute``)."""

    per_token: str = "50/second;1000/minute"
    per_programme: str = "5/second;120/minute"
    max_body_bytes: int = 1024 * 1024
    max_depth: int = MAX_DEPTH


class _Rates:
    def __init__(self, items: str) -> None:
        self.items = parse_many(items)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def refusal(self, what: str, *key: str) -> ApiError | None:
        """None while ``key`` is within every rate; else the 429 to answer."""
        for item in self.items:
            if not self.limiter.hit(item, *key):
                reset = self.limiter.get_window_stats(item, *key).reset_time
                retry = max(1, math.ceil(reset - time.time()))
                message = f"rate limit: at most {item} {what}; retry after {retry} s"
                return ApiError(429, "rate_limited", message, headers={"Retry-After": str(retry)})
        return None


class ProgrammeWrites:
    """Counts the writes to each programme (``/v1/programmes/{id}/...``)."""

    def __init__(self, limits: RequestLimits) -> None:
        self._rates = _Rates(limits.per_programme)

    def check(self, path: str) -> None:
        """Raise the 429 when a write to ``path``'s programme is one too many."""
        found = _PROGRAMME_WRITE.match(path)
        if found is not None:
            refusal = self._rates.refusal(f"to programme {found[1]}", found[1])
            if refusal is not None:
                raise refusal


class Limited:
    """ASGI middleware: the rate per token and the body size of ``RequestLimits``."""

    def __init__(self, app: ASGIApp, limits: RequestLimits) -> None:
        self.app = app
        self.max_body = limits.max_body_bytes
        self.max_depth = limits.max_depth
        self._per_token = _Rates(limits.per_token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _UNLIMITED:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v for k, v in scope["headers"]}
        refusal = self._rate_refusal(scope, headers.get("authorization"))
        if refusal is None and _declared_length(headers) > self.max_body:
            refusal = self._too_large()
        if refusal is not None:
            await refusal.response()(scope, receive, send)
            return
        body = b""
        more = True
        while more:  # read the whole body first: a route never sees half of one
            message = await receive()
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body:
                await self._too_large().response()(scope, receive, send)
                return
        if body.count(b"[") + body.count(b"{") > self.max_depth and depth(body) > self.max_depth:
            deep = f"body: nested deeper than {self.max_depth} levels of arrays and objects"
            await ApiError(422, "invalid", deep, "body").response()(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _rate_refusal(self, scope: Scope, authorization: bytes | None) -> ApiError | None:
        if not authorization:
            return None  # refused as unauthorised, at once
        # The token auth accepts, however its header is spelled; any other header as sent.
        header = authorization.decode("latin-1")
        caller = bearer_token(header) or header
        digest = hashlib.sha256(caller.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        return self._per_token.refusal("from one token", digest)

    def _too_large(self) -> ApiError:
        return ApiError(413, "too_large", f"body: at most {self.max_body} bytes", "body")


def depth(body: bytes) -> int:
    """How deep the JSON arrays and objects of ``body`` nest, outside its strings (a
    body that is not JSON counts what brackets it has: the parser refuses it anyway)."""
    deepest = level = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            level += 1
            deepest = max(deepest, level)
        elif byte in (0x5D, 0x7D):  # ] }
            level -= 1
    return deepest


def _declared_length(headers: dict[str, bytes]) -> int:
    try:
        return int(headers.get("content-length", b"0"))
    except ValueError:
        return 0


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # a disconnect, as the server reports it
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed
