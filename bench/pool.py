"""Run one coroutine per item, a bounded number at a time (the same bound for both sides)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def each(items: Iterable[T], concurrency: int, work: Callable[[T], Awaitable[R]]) -> list[R]:
    """``work(item)`` for every item, at most ``concurrency`` at once; results in order."""
    gate = asyncio.Semaphore(concurrency)

    async def one(item: T) -> R:
        async with gate:
            return await work(item)

    return list(await asyncio.gather(*(one(item) for item in items)))
