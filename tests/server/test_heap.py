"""`freeze_startup_heap`: what lives at startup is out of the collector's reach afterwards."""

from __future__ import annotations

import gc

from opslens.server.heap import freeze_startup_heap


def test_objects_alive_at_startup_are_frozen_and_later_ones_are_not() -> None:
    before = [object() for _ in range(10)] + [[n] for n in range(1000)]
    try:
        frozen = freeze_startup_heap()
        assert frozen >= len(before)
        tracked_before = {id(o) for o in gc.get_objects()}
        assert not tracked_before & {id(o) for o in before}  # a full collection skips them
        after = [[n] for n in range(100)]
        tracked = {id(o) for o in gc.get_objects()}
        assert {id(o) for o in after} <= tracked
    finally:
        gc.unfreeze()
