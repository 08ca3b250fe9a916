"""`ps` rows of pod members: the pod's ID and name, and whether the container is the pod's infra container."""

from __future__ import annotations

from collections.abc import Sequence

from podpy.engine.entities import ListContainer
from podpy.errors import NoSuchPod
from podpy.runtime.runtime import Runtime
from podpy.util.record import replace


def with_pods(rt: Runtime, rows: list[ListContainer], pod_ids: list[str]) -> list[ListContainer]:
    """``pod_ids``: each row's pod ("" for none), in the order of ``rows``."""
    pods = {p.id: p for p in rt.state.list_pods()}
    out = []
    for row, pod_id in zip(rows, pod_ids, strict=True):
        pod = pods.get(pod_id)
        if pod is not None:
            row = replace(row, Pod=pod.id, PodName=pod.name, IsInfra=pod.infra_id == row.ID)
        out.append(row)
    return out


def pod_ids(rt: Runtime, names: Sequence[str]) -> list[str]:
    """`ps --filter pod=`: pods by name, ID or ID prefix (one that matches nothing matches no container)."""
    out = []
    for name in names:
        try:
            out.append(rt.state.lookup_pod(name).id)
        except NoSuchPod:
            out.append("")
    return out
