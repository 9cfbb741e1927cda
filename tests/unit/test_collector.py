"""The worker's garbage-collector setting (``workers.programme.settle_collector``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from workers.programme import settle_collector


@pytest.fixture
def restored() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored")
def test_a_settled_worker_skips_what_it_imported_at_cpythons_thresholds() -> None:
    threshold = gc.get_threshold()
    settle_collector()
    assert gc.get_threshold() == threshold  # a raised one let the heap grow past the cache
    assert gc.get_freeze_count() > 0  # the modules and classes already loaded
    assert gc.isenabled()  # cyclic garbage is still collected


@pytest.mark.usefixtures("restored")
def test_cycles_made_after_it_are_still_collected() -> None:
    settle_collector()

    class Node:
        other: object = None

    a, b = Node(), Node()
    a.other, b.other = b, a
    del a, b
    assert gc.collect() > 0
