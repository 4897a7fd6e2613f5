"""Save and load a miner's state as versioned JSON, so a long-running server keeps its templates.

The state holds the groups (template tokens, counts, times, samples), the union-find parents and
the config. Derived indexes (length buckets, families, rendered templates) are rebuilt on load,
and the shape cache is not saved at all: shapes are found again through their groups.
Sample origins are saved as strings.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any

from opslens.analysis.mining.model import Group, MinerConfig

if TYPE_CHECKING:
    from opslens.analysis.mining.miner import TemplateMiner

FORMAT = "opslens.template-miner"


def dump(miner: TemplateMiner) -> str:
    """The JSON text of `miner`'s state."""
    groups = [
        {
            "tokens": g.tokens,
            "count": g.count,
            "first": g.first,
            "last": g.last,
            "samples": [[None if o is None else str(o), t] for o, t in g.samples],
            "matchable": g.matchable,
        }
        for g in miner._groups
    ]
    state = {
        "format": FORMAT,
        "version": miner.STATE_VERSION,
        "config": asdict(miner.config),
        "groups": groups,
        "parent": list(miner._parent),
        "catch_all": miner._catch_all,
    }
    return json.dumps(state, separators=(",", ":"))


def load(cls: type[TemplateMiner], text: str) -> TemplateMiner:
    """A miner rebuilt from `dump()` output. ValueError names what is wrong with the state."""
    try:
        state = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"miner state is not JSON ({exc.msg})") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ValueError("not a template-miner state")
    version = state.get("version")
    if version != cls.STATE_VERSION:
        raise ValueError(f"miner state version {version!r} is not supported (expected {cls.STATE_VERSION})")
    try:
        known = {f.name for f in fields(MinerConfig)}
        config = MinerConfig(**{k: v for k, v in state["config"].items() if k in known})
        miner = cls(config)
        for raw in state["groups"]:
            group = Group([str(t) for t in raw["tokens"]])
            group.count = int(raw["count"])
            group.first = _float(raw["first"])
            group.last = _float(raw["last"])
            group.samples = [(o, str(t)) for o, t in raw["samples"]]
            group.matchable = bool(raw["matchable"])
            miner._groups.append(group)
        parent = [int(p) for p in state["parent"]]
        catch_all = state["catch_all"]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"miner state is malformed ({exc})") from None
    if len(parent) != len(miner._groups) or any(not 0 <= p < len(parent) for p in parent):
        raise ValueError("miner state is malformed (parents do not match groups)")
    _rebuild(miner, parent, catch_all)
    return miner


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _rebuild(miner: TemplateMiner, parent: list[int], catch_all: int | None) -> None:
    miner._parent.extend(parent)
    miner._catch_all = catch_all
    for gid, group in enumerate(miner._groups):
        root = miner.canonical(gid)
        miner._members.setdefault(root, []).append(gid)
        if group.matchable:
            miner._lookup.add(gid)
    evicted = len(miner._members.get(miner.canonical(catch_all), ())) if catch_all is not None else 0
    miner._live = len(miner._groups) - evicted
    for root in miner._members:
        miner._by_text.setdefault(miner.template(root), root)
