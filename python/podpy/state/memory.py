"""In-memory State for unit tests of the layers above; same contract as SqliteState."""

from __future__ import annotations

import copy

from podpy.define.states import ContainerStatus
from podpy.errors import NameInUse, NoSuchContainer, NoSuchPod
from podpy.state.pods import Pod, PodConfig, no_such_pod, pod_name_in_use
from podpy.state.records import Container, ContainerConfig, ContainerState
from podpy.util.record import replace


class MemoryState:
    def __init__(self) -> None:
        self._containers: dict[str, Container] = {}
        self._exit_codes: dict[str, tuple[str, int]] = {}
        self._pods: dict[str, Pod] = {}

    def _taken(self, name: str, id_: str) -> bool:
        return any(c.name == name or c.id == id_ for c in self._containers.values()) or any(
            p.name == name or p.id == id_ for p in self._pods.values())

    def add_container(self, config: ContainerConfig, state: ContainerState) -> None:
        if self._taken(config.name, config.id):
            raise NameInUse(f'the container name "{config.name}" is already in use by another '
                            "container or pod: that name is already in use")
        self._containers[config.id] = Container(config, copy.copy(state))

    def get_container(self, container_id: str) -> Container | None:
        found = self._containers.get(container_id)
        return None if found is None else Container(found.config, copy.copy(found.state))

    def lookup_container(self, name_or_id: str) -> Container:
        exact = [c for c in self._containers.values() if name_or_id in (c.id, c.name)]
        if not exact:
            exact = [c for c in self._containers.values() if name_or_id and c.id.startswith(name_or_id)]
            if len(exact) > 1:
                raise NoSuchContainer(f"more than one result for container ID {name_or_id}: "
                                      "multiple containers found")
        if not exact:
            raise NoSuchContainer(f"no container with name or ID \"{name_or_id}\" found: no such container")
        return Container(exact[0].config, copy.copy(exact[0].state))

    def list_containers(self) -> list[Container]:
        return [Container(c.config, copy.copy(c.state)) for c in self._containers.values()]

    def save_state(self, container_id: str, state: ContainerState) -> None:
        if container_id not in self._containers:
            raise NoSuchContainer(f"no container with ID {container_id} found: no such container")
        self._containers[container_id].state = copy.copy(state)

    def update_config(self, container_id: str, config: ContainerConfig) -> None:
        found = self._containers.get(container_id)
        if found is None:
            raise NoSuchContainer(f"no container with ID {container_id} found: no such container")
        if config.id != container_id or config.name != found.config.name:
            raise ValueError("update_config cannot change a container's ID or name")
        found.config = config

    def rename_container(self, container_id: str, new_name: str) -> None:
        found = self._containers.get(container_id)
        if found is None:
            raise NoSuchContainer(f"no container with ID {container_id} found: no such container")
        if any(c.name == new_name for c in self._containers.values() if c.id != container_id) or any(
                p.name == new_name for p in self._pods.values()):
            raise NameInUse(f'the container name "{new_name}" is already in use by another container or pod: '
                            "that name is already in use")
        found.config = replace(found.config, name=new_name)

    def record_exit_code(self, container_id: str, name: str, exit_code: int) -> None:
        self._exit_codes[container_id] = (name, exit_code)

    def removed_exit_code(self, name_or_id: str) -> int | None:
        for cid, (name, code) in reversed(self._exit_codes.items()):
            if name_or_id in (cid, name) or (name_or_id and cid.startswith(name_or_id)):
                return code
        return None

    def remove_container(self, container_id: str) -> bool:
        return self._containers.pop(container_id, None) is not None

    def refresh_after_reboot(self, boot_id: str) -> int:
        changed = 0
        for c in self._containers.values():
            if c.state.boot_id and c.state.boot_id != boot_id:
                if c.state.status in (ContainerStatus.RUNNING, ContainerStatus.PAUSED):
                    c.state.status = ContainerStatus.EXITED
                c.state.pid = c.state.monitor_pid = 0
                c.state.rootfs = ""
                c.state.boot_id = boot_id
                changed += 1
        return changed

    def add_pod(self, config: PodConfig) -> None:
        if self._taken(config.name, config.id):
            raise pod_name_in_use(config.name)
        self._pods[config.id] = Pod(config)

    def get_pod(self, pod_id: str) -> Pod | None:
        found = self._pods.get(pod_id)
        return None if found is None else Pod(found.config, found.infra_id)

    def lookup_pod(self, name_or_id: str) -> Pod:
        exact = [p for p in self._pods.values() if name_or_id in (p.id, p.name)]
        if not exact:
            exact = [p for p in self._pods.values() if name_or_id and p.id.startswith(name_or_id)]
            if len(exact) > 1:
                raise NoSuchPod(f"more than one result for pod ID {name_or_id}: multiple pods found")
        if not exact:
            raise no_such_pod(name_or_id)
        return Pod(exact[0].config, exact[0].infra_id)

    def list_pods(self) -> list[Pod]:
        return [Pod(p.config, p.infra_id) for p in self._pods.values()]

    def set_pod_infra(self, pod_id: str, infra_id: str) -> None:
        if pod_id not in self._pods:
            raise no_such_pod(pod_id)
        self._pods[pod_id].infra_id = infra_id

    def remove_pod(self, pod_id: str) -> bool:
        return self._pods.pop(pod_id, None) is not None

    def close(self) -> None:
        pass
