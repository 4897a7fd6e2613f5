"""Node names and claim owners: what `EntityGraph.workload` finds through its precomputed
lookups is what a scan of every node and workload finds, also after the graph has grown."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from opslens.analysis.entities import EntityGraph
from opslens.events import Entity


def _scan_node(graph: EntityGraph, host: str) -> str:
    if host in graph.nodes or "." in host:
        return host
    longer = sorted(n for n in graph.nodes if n.startswith(host + "."))
    return longer[0] if len(longer) == 1 else host


def _scan_claim(graph: EntityGraph, claim: Entity) -> Entity:
    base, _, ordinal = claim.name.rpartition("-")
    if base and ordinal.isdigit():
        for ns, kind, name in sorted(graph.known_workloads, key=str):
            if kind == "StatefulSet" and ns in (claim.namespace, None) and base.endswith("-" + name):
                return Entity(kind, name, ns)
    return claim


def test_a_short_host_name_is_the_one_node_it_abbreviates() -> None:
    graph = EntityGraph(nodes={"ip-10-1-2-3.eu-west-1.compute.internal", "ip-10-1-2-4.eu-west-1.compute.internal"})
    assert graph.workload(Entity("Node", "ip-10-1-2-3")) == Entity("Node", "ip-10-1-2-3.eu-west-1.compute.internal")
    graph.nodes.add("ip-10-1-2-3.us-east-1.compute.internal")  # now it abbreviates two
    assert graph.workload(Entity("Node", "ip-10-1-2-3")) == Entity("Node", "ip-10-1-2-3")


def test_a_claim_belongs_to_a_statefulset_learnt_after_the_first_lookup() -> None:
    graph = EntityGraph()
    claim = Entity("PersistentVolumeClaim", "data-es-data-1", "logging")
    assert graph.workload(claim) == claim
    graph.note(Entity("StatefulSet", "es-data", "logging"))
    assert graph.workload(claim) == Entity("StatefulSet", "es-data", "logging")


NAMES = st.sampled_from(["ip-10-0-0-1", "ip-10-0-0-2", "worker-1", "es-data", "data-es-data", "cache", "db"])
DOMAINS = st.sampled_from(["", ".eu-west-1.compute.internal", ".us-east-1.compute.internal", ".lan"])
NAMESPACES = st.sampled_from([None, "shop", "logging"])


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(
        st.one_of(
            st.tuples(st.just("node"), st.tuples(NAMES, DOMAINS).map("".join)),
            st.tuples(st.just("workload"), st.tuples(NAMESPACES, st.sampled_from(["StatefulSet", "Deployment"]), NAMES)),
            st.tuples(st.just("host"), NAMES),
            st.tuples(st.just("claim"), st.tuples(st.sampled_from(["data-", "www-", ""]), NAMES, st.integers(0, 3), NAMESPACES)),
        ),
        max_size=30,
    )
)
def test_lookups_agree_with_a_scan_as_the_graph_grows(steps: list[tuple[str, object]]) -> None:
    graph = EntityGraph()
    for step, value in steps:
        if step == "node":
            graph.nodes.add(value)  # type: ignore[arg-type]
        elif step == "workload":
            graph.known_workloads.add(value)  # type: ignore[arg-type]
        elif step == "host":
            assert graph.node_name(value) == _scan_node(graph, value)  # type: ignore[arg-type]
        else:
            prefix, name, ordinal, ns = value  # type: ignore[misc]
            claim = Entity("PersistentVolumeClaim", f"{prefix}{name}-{ordinal}", ns)
            assert graph.workload(claim) == _scan_claim(graph, claim)
