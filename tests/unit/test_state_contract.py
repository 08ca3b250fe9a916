"""The State contract: every implementation must behave the same."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

from podpy.define.states import ContainerStatus
from podpy.errors import NameInUse, NoSuchContainer, NoSuchPod
from podpy.state.base import State
from podpy.state.memory import MemoryState
from podpy.state.pods import PodConfig
from podpy.state.records import ContainerConfig, ContainerState
from podpy.state.sqlite import SqliteState
from podpy.util.record import replace
from podpy.util.sqlitedb import Database


@pytest.fixture(params=["memory", "sqlite"])
def state(request: pytest.FixtureRequest) -> Iterator[State]:
    if request.param == "memory":
        yield MemoryState()
        return
    with tempfile.TemporaryDirectory() as tmp:
        st = SqliteState(Database(os.path.join(tmp, "db", "podpy.db")))
        yield st
        st.close()


def _config(cid: str, name: str) -> ContainerConfig:
    return ContainerConfig(id=cid, name=name, image_id="img", image_name="localhost/img:latest",
                           created_at="2026-01-01T00:00:00.000000000Z", command=["true"], entrypoint=[],
                           args=["true"], env=[], workdir="/", user="", hostname="h", network_mode="none")


def test_add_and_lookup(state: State) -> None:
    state.add_container(_config("a" * 64, "one"), ContainerState())
    assert state.lookup_container("one").id == "a" * 64
    assert state.lookup_container("a" * 64).name == "one"
    assert state.lookup_container("aaaa").name == "one"
    with pytest.raises(NoSuchContainer):
        state.lookup_container("two")


def test_name_in_use(state: State) -> None:
    state.add_container(_config("a" * 64, "one"), ContainerState())
    with pytest.raises(NameInUse):
        state.add_container(_config("b" * 64, "one"), ContainerState())
    assert len(state.list_containers()) == 1


def test_ambiguous_prefix(state: State) -> None:
    state.add_container(_config("ab" + "0" * 62, "one"), ContainerState())
    state.add_container(_config("ac" + "0" * 62, "two"), ContainerState())
    with pytest.raises(NoSuchContainer, match="more than one"):
        state.lookup_container("a")
    assert state.lookup_container("ab").name == "one"


def test_save_state_and_remove(state: State) -> None:
    state.add_container(_config("a" * 64, "one"), ContainerState())
    st = ContainerState(status=ContainerStatus.RUNNING, pid=42, boot_id="boot1")
    state.save_state("a" * 64, st)
    got = state.get_container("a" * 64)
    assert got is not None and got.state.status is ContainerStatus.RUNNING and got.state.pid == 42
    assert state.remove_container("a" * 64)
    assert not state.remove_container("a" * 64)
    with pytest.raises(NoSuchContainer):
        state.save_state("a" * 64, st)
    state.add_container(_config("c" * 64, "one"), ContainerState())  # the name is free again


def test_refresh_after_reboot(state: State) -> None:
    state.add_container(_config("a" * 64, "one"),
                        ContainerState(status=ContainerStatus.RUNNING, pid=5, rootfs="/m", boot_id="old"))
    state.add_container(_config("b" * 64, "two"), ContainerState(status=ContainerStatus.CREATED, boot_id="new"))
    assert state.refresh_after_reboot("new") == 1
    one = state.lookup_container("one")
    assert one.state.status is ContainerStatus.EXITED and one.state.pid == 0 and one.state.rootfs == ""
    assert state.lookup_container("two").state.status is ContainerStatus.CREATED


def test_rename(state: State) -> None:
    state.add_container(_config("a" * 64, "one"), ContainerState())
    state.add_container(_config("b" * 64, "two"), ContainerState())
    state.rename_container("a" * 64, "uno")
    assert state.lookup_container("uno").id == "a" * 64
    with pytest.raises(NoSuchContainer):
        state.lookup_container("one")
    with pytest.raises(NameInUse):
        state.rename_container("a" * 64, "two")
    state.add_container(_config("c" * 64, "one"), ContainerState())  # the old name is free


def test_update_config(state: State) -> None:
    state.add_container(_config("a" * 64, "one"), ContainerState())
    config = state.lookup_container("one").config
    state.update_config("a" * 64, replace(config, resources={"memory": 1 << 26}))
    assert state.lookup_container("one").config.resources == {"memory": 1 << 26}
    with pytest.raises(NoSuchContainer):
        state.update_config("b" * 64, replace(config, id="b" * 64))
    with pytest.raises(ValueError):
        state.update_config("a" * 64, replace(config, name="other"))


def test_exit_codes_of_removed_containers(state: State) -> None:
    assert state.removed_exit_code("gone") is None
    state.record_exit_code("d" * 64, "gone", 7)
    assert state.removed_exit_code("gone") == 7
    assert state.removed_exit_code("d" * 64) == 7
    assert state.removed_exit_code("ddd") == 7


def _pod(pid: str, name: str) -> PodConfig:
    return PodConfig(id=pid, name=name, created_at="2026-01-01T00:00:00.000000000Z", hostname=name,
                     share=["ipc", "net", "uts"], labels={"k": "v"})


def test_pod_add_lookup_remove(state: State) -> None:
    state.add_pod(_pod("c" * 64, "p1"))
    assert state.lookup_pod("p1").id == "c" * 64
    assert state.lookup_pod("cccc").name == "p1"
    assert state.lookup_pod("p1").config.labels == {"k": "v"}
    assert state.get_pod("d" * 64) is None
    with pytest.raises(NoSuchPod):
        state.lookup_pod("p2")
    state.set_pod_infra("c" * 64, "e" * 64)
    assert state.lookup_pod("p1").infra_id == "e" * 64
    assert [p.name for p in state.list_pods()] == ["p1"]
    assert state.remove_pod("c" * 64)
    assert not state.remove_pod("c" * 64)
    assert state.list_pods() == []
    with pytest.raises(NoSuchPod):
        state.set_pod_infra("c" * 64, "")


def test_pods_and_containers_share_names(state: State) -> None:
    state.add_pod(_pod("c" * 64, "same"))
    with pytest.raises(NameInUse):
        state.add_container(_config("a" * 64, "same"), ContainerState())
    with pytest.raises(NameInUse):
        state.add_pod(_pod("d" * 64, "same"))
    state.add_container(_config("a" * 64, "ctr"), ContainerState())
    with pytest.raises(NameInUse):
        state.add_pod(_pod("d" * 64, "ctr"))
    with pytest.raises(NameInUse):
        state.rename_container("a" * 64, "same")
    with pytest.raises(NoSuchPod):
        state.lookup_pod("ctr")
    with pytest.raises(NoSuchContainer):
        state.lookup_container("same")
    assert [p.name for p in state.list_pods()] == ["same"]
    state.remove_pod("c" * 64)
    state.add_container(_config("b" * 64, "same"), ContainerState())
