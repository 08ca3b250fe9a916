"""Pod logic that needs no containers: status from member states, share parsing, ps filters, spec joins."""

from __future__ import annotations

import pytest

from podpy.define.states import ContainerStatus
from podpy.engine.entities import ListPod, PodContainerInfo, PodCreateOptions
from podpy.engine.local.pod_filters import matches, parse_filters
from podpy.engine.local.pods import _share, pod_config
from podpy.errors import UsageError
from podpy.runtime.pod import status
from podpy.specgen.generator import NamespaceSpec, NetworkSpec, SpecGenerator
from podpy.state.pods import Pod, PodConfig
from podpy.state.records import Container, ContainerConfig, ContainerState


def _ctr(cid: str, st: ContainerStatus) -> Container:
    cfg = ContainerConfig(id=cid, name=cid, image_id="i", image_name="i", created_at="", command=[], entrypoint=[],
                          args=[], env=[], workdir="/", user="", hostname="h", network_mode="private")
    return Container(cfg, ContainerState(status=st))


POD = Pod(PodConfig(id="p" * 64, name="p", created_at=""))
R, E, C, P = ContainerStatus.RUNNING, ContainerStatus.EXITED, ContainerStatus.CREATED, ContainerStatus.PAUSED


@pytest.mark.parametrize(("states", "expected"), [
    ([], "Created"), ([R, R], "Running"), ([R, E], "Degraded"), ([P, P], "Paused"), ([E, E], "Exited"),
    ([E, C], "Stopped"), ([C, C], "Created"),
])
def test_status(states: list[ContainerStatus], expected: str) -> None:
    assert status(POD, [_ctr(str(i), s) for i, s in enumerate(states)]) == expected


def test_share() -> None:
    assert _share(PodCreateOptions()) == ["ipc", "net", "uts"]
    assert _share(PodCreateOptions(infra=False)) == []
    assert _share(PodCreateOptions(share="+pid")) == ["ipc", "net", "pid", "uts"]
    assert _share(PodCreateOptions(share="net,uts")) == ["net", "uts"]
    assert _share(PodCreateOptions(share="none")) == []
    with pytest.raises(UsageError, match="invalid kernel namespace"):
        _share(PodCreateOptions(share="mnt"))
    with pytest.raises(UsageError, match="without an infra container"):
        _share(PodCreateOptions(infra=False, share="net"))


def test_pod_config_validation() -> None:
    cfg = pod_config(PodCreateOptions(name="ok", memory="32m", cpus="1.5", pids_limit=10), "a" * 64)
    assert cfg.resources == {"memory": 32 * 1024 * 1024, "cpus": 1.5, "pids_limit": 10}
    assert cfg.cgroup_parent == "/podpy/pod-" + "a" * 64
    with pytest.raises(UsageError, match="names must match"):
        pod_config(PodCreateOptions(name="b@d"), "a" * 64)
    with pytest.raises(UsageError, match="exit policy"):
        pod_config(PodCreateOptions(exit_policy="later"), "a" * 64)


def test_ps_filters() -> None:
    row = ListPod(Id="abc123", Name="web", Status="Running", Created="", InfraId="i", Labels={"a": "b"},
                  Containers=[PodContainerInfo("c1", "srv", "running"), PodContainerInfo("c2", "infra", "running")])
    assert matches(row, parse_filters(["name=web", "label=a=b", "ctr-number=2", "status=running"]))
    assert matches(row, parse_filters(["id=abc", "ctr-names=srv", "ctr-status=running"]))
    assert not matches(row, parse_filters(["status=exited"]))
    assert matches(row, parse_filters(["name=nope", "name=we"]))  # values of one key are ORed
    with pytest.raises(UsageError):
        parse_filters(["bogus=1"])
    with pytest.raises(UsageError):
        parse_filters(["status=sleeping"])


def test_namespace_modes_validated() -> None:
    gen = SpecGenerator()
    gen.basic.image = "img"
    gen.namespaces = NamespaceSpec(modes={"ipc": "container:x", "uts": "host", "pid": "ns:/proc/1/ns/pid"})
    gen.validate()
    gen.namespaces = NamespaceSpec(modes={"ipc": "bogus"})
    with pytest.raises(UsageError, match="invalid --ipc"):
        gen.validate()
    gen.namespaces = NamespaceSpec()
    gen.network = NetworkSpec(mode="container:")
    with pytest.raises(UsageError, match="invalid network mode"):
        gen.validate()
    gen.network = NetworkSpec(mode="ns:/run/netns/x")
    gen.validate()
