"""Change dating: a rollout revision counts as "before the onset" only when something dates it."""

from __future__ import annotations

from opslens.analysis.changes import HISTORY_KIND, collect_changes, rank_changes
from opslens.events import Entity, Event, EventKind, Origin

T0 = 1_750_000_000.0


def _revision(n: int, cause: str | None = None, template_hash: str | None = None, images: list[str] | None = None) -> Event:
    attrs = {"change_kind": "rollout-revision", "resource": "deployment.apps/web", "revision": str(n),
             "change_cause": cause, "images": images or []}
    if template_hash:
        attrs["pod_template_hash"] = template_hash
    return Event(None, EventKind.CHANGE, "rollout-history", Origin("h.txt", n), f"deployment.apps/web revision {n}",
                 f"{n}  {cause or '<none>'}", entity=Entity("Deployment", "web"), attrs=attrs)


def _scaled(t: float, rs: str) -> Event:
    return Event(t, EventKind.EVENT, "k8s-events", Origin("ev.json", 1), f"Scaled up replica set {rs} to 1", "x",
                 entity=Entity("Deployment", "web", "shop"), namespace="shop", attrs={"reason": "ScalingReplicaSet", "type": "Normal"})


def _sync(t: float, image: str) -> Event:
    return Event(t, EventKind.CHANGE, "argocd", Origin("app.json", 3), "sync web", "x", entity=Entity("Application", "web"),
                 attrs={"change_kind": "argocd-sync", "revision": "abc123", "images": [image]})


def test_undated_history_is_one_context_entry_that_never_scores() -> None:
    changes = collect_changes([_revision(1), _revision(2, "bump"), _revision(3, "bump again")], [])
    assert [c.kind for c in changes] == [HISTORY_KIND]
    assert "revisions 1-3" in changes[0].summary and changes[0].time is None
    ranked = rank_changes(changes, onset=T0, affected={("shop", "web")})
    assert ranked[0].score == 0.0


def test_latest_revision_is_dated_by_its_replicaset_and_merged_into_the_rollout() -> None:
    revisions = [_revision(1, template_hash="aaaaa11111"), _revision(2, "set image web=web:2", template_hash="bbbbb22222")]
    changes = collect_changes(revisions, [_scaled(T0 - 3600 * 5, "web-aaaaa11111"), _scaled(T0 - 120, "web-bbbbb22222")])
    rollouts = [c for c in changes if c.kind == "k8s-ScalingReplicaSet"]
    assert any(c.revision == "2" and "set image web=web:2" in c.summary and c.time == T0 - 120 for c in rollouts)
    history = [c for c in changes if c.kind == HISTORY_KIND]
    assert len(history) == 1 and "revision 1" in history[0].summary  # the older revision stays context


def test_an_older_revision_is_never_dated_even_when_its_replicaset_is() -> None:
    revisions = [_revision(1, template_hash="aaaaa11111"), _revision(2)]
    changes = collect_changes(revisions, [_scaled(T0 - 60, "web-aaaaa11111")])
    assert not [c for c in changes if c.kind == "rollout-revision"]


def test_latest_revision_is_dated_by_a_sync_of_the_same_image() -> None:
    revisions = [_revision(1), _revision(2, "set image", images=["registry/web:2.0"])]
    changes = collect_changes([*revisions, _sync(T0 - 300, "registry/web:2.0")], [])
    dated = [c for c in changes if c.kind == "rollout-revision"]
    assert len(dated) == 1 and dated[0].time == T0 - 300 and dated[0].revision == "2"
