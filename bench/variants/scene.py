"""A variant's cluster scene: ingress, healthy apps, chronic noise, decoy change, history.

`setup()` creates the workloads; the variant then decides each one's request outcomes and
calls `run()`, which writes traffic, ingress lines and service metrics for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.variants import applog, background
from bench.variants.bundle import Bundle
from bench.variants.kubectl import rollout_history
from bench.variants.workload import Outcome, Workload, add_workload, rollout, traffic


@dataclass(frozen=True)
class App:
    """A workload of the scene: namespace, name, stack, image tag, replicas, requests/min."""

    ns: str
    name: str
    stack: str
    tag: str
    replicas: int = 2
    per_min: float = 6.0
    paths: tuple[tuple[str, str], ...] = (("GET", "/api/items"), ("GET", "/healthz"))
    exposed: bool = True
    cri: bool = True
    kind: str = "Deployment"
    port: int = 8080


@dataclass
class Scene:
    """The workloads of a bundle, by name, and the ingress in front of the exposed ones."""

    ing: Workload
    ing_kind: str
    apps: dict[str, Workload]
    specs: dict[str, App]
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Workload:
        return self.apps[name]


def setup(b: Bundle, ingress_kind: str, apps: list[App], chronic: tuple[str, str, str, str],
          standing: int, cron: tuple[str, str, int]) -> Scene:
    """Ingress, apps, node chatter, the chronic unready workload, standing alerts, a CronJob."""
    ing = background.ingress(b, ingress_kind)
    made = {}
    for k, a in enumerate(apps):
        made[a.name] = add_workload(b, a.ns, a.name, a.stack, a.tag, a.replicas, a.cri, list(a.paths), a.port,
                                    a.kind, node_offset=k)
    background.node_noise(b)
    background.chronic_unready(b, *chronic)
    background.standing_alerts(b, standing)
    ns, name, every = cron
    background.cronjob(b, ns, name, every, b.image(f"jobs/{name}", "2024.11.3"))
    return Scene(ing, ingress_kind, made, {a.name: a for a in apps})


def run(b: Bundle, sc: Scene, err: dict | None = None, p99: dict | None = None) -> None:
    """Traffic and service metrics for every app (outcomes default to healthy)."""
    for name, w in sc.apps.items():
        spec = sc.specs[name]
        if not spec.per_min:  # data stores and controllers: the variant writes their lines
            continue
        ing = (sc.ing, sc.ing_kind) if spec.exposed else None
        traffic(b, w, spec.per_min, sc.outcomes.get(name), ing)
        if spec.exposed:
            background.service_metrics(b, w, spec.per_min / 60 * 8, (err or {}).get(name, lambda t: 0.0),
                                       (p99 or {}).get(name, lambda t: 0.12))


def decoy(b: Bundle, sc: Scene, name: str, tag: str, t: float) -> Workload:
    """An unrelated rollout inside the window: ScalingReplicaSet events and new pods booting."""
    old = sc.apps[name]
    spec = sc.specs[name]

    def boot(w: Workload, i: int, started: float) -> None:
        for ts, line in applog.startup(w.stack, w.name, tag, started):
            w.log(b, i).add(ts, line, w.stream)

    new = rollout(b, old, tag, t, boot)
    ing = (sc.ing, sc.ing_kind) if spec.exposed else None
    traffic(b, old, spec.per_min, sc.outcomes.get(name), ing)
    sc.apps[name] = new
    return new


def history(b: Bundle, entries: list[tuple[str, int, list[str | None]]]) -> None:
    """rollout-history.txt: `kubectl rollout history` of several deployments, no times."""
    b.file("rollout-history.txt", "".join(rollout_history(d, first, causes) for d, first, causes in entries))


def set_cause(image: str, deploy: str, container: str) -> str:
    """A CHANGE-CAUSE as `kubectl set image --record` left it."""
    return f"kubectl set image deployment/{deploy} {container}={image}"
