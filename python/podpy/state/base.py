"""The State protocol: every implementation must pass tests/unit/test_state_contract.py."""

from __future__ import annotations

from typing import Protocol

from podpy.state.pods import Pod, PodConfig
from podpy.state.records import Container, ContainerConfig, ContainerState


class State(Protocol):
    def add_container(self, config: ContainerConfig, state: ContainerState) -> None:
        """Record a new container; NameInUse if its name (or ID) is taken by a container or pod."""

    def lookup_container(self, name_or_id: str) -> Container:
        """By full name, full ID or unique ID prefix; NoSuchContainer otherwise."""

    def get_container(self, container_id: str) -> Container | None: ...

    def list_containers(self) -> list[Container]: ...

    def save_state(self, container_id: str, state: ContainerState) -> None:
        """Replace the mutable state; NoSuchContainer if it is gone."""

    def rename_container(self, container_id: str, new_name: str) -> None:
        """NameInUse if ``new_name`` is taken; NoSuchContainer if the container is gone."""

    def update_config(self, container_id: str, config: ContainerConfig) -> None:
        """Replace the fixed configuration (`update` changes resources); the name and ID must not change."""

    def record_exit_code(self, container_id: str, name: str, exit_code: int) -> None:
        """Keep a removed container's exit code for a while (`run --rm -d` then `wait`)."""

    def removed_exit_code(self, name_or_id: str) -> int | None:
        """The exit code recorded for a removed container, by name, ID or ID prefix."""

    def remove_container(self, container_id: str) -> bool:
        """True if it existed."""

    def refresh_after_reboot(self, boot_id: str) -> int:
        """Mark containers whose processes died with the previous boot; returns how many changed."""

    def add_pod(self, config: PodConfig) -> None:
        """Record a new pod; NameInUse if its name (or ID) is taken by a container or pod."""

    def get_pod(self, pod_id: str) -> Pod | None: ...

    def lookup_pod(self, name_or_id: str) -> Pod:
        """By full name, full ID or unique ID prefix; NoSuchPod otherwise."""

    def list_pods(self) -> list[Pod]: ...

    def set_pod_infra(self, pod_id: str, infra_id: str) -> None:
        """Record the pod's infra container; NoSuchPod if it is gone."""

    def remove_pod(self, pod_id: str) -> bool:
        """True if it existed; the pod's containers must be gone first."""

    def close(self) -> None: ...
