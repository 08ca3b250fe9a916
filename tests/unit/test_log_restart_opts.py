"""--log-driver/--log-opt and --restart parsing, with Podman's messages; the restart decision."""

from __future__ import annotations

import pytest

from podpy.engine.entities import RunOptions
from podpy.engine.local.runspec import from_human_size, log_settings, restart_policy
from podpy.errors import UsageError
from podpy.runtime.policies import LogSettings, RestartPolicy, should_restart


def test_human_sizes_are_decimal() -> None:
    assert from_human_size("100") == 100
    assert from_human_size("10k") == 10_000
    assert from_human_size("1mb") == 1_000_000
    assert from_human_size("1.5MB") == 1_500_000
    assert from_human_size("2 GiB") == 2_000_000_000
    for bad in ("xx", "", "-1", "1x", "k"):
        with pytest.raises(UsageError, match="invalid size"):
            from_human_size(bad)


def test_log_settings() -> None:
    opts = RunOptions(image="i")
    assert log_settings(opts, "k8s-file", -1) == LogSettings()
    assert log_settings(opts, "journald", 0) == LogSettings(driver="k8s-file")  # unsupported default
    assert log_settings(opts, "json-file", 20000).size_max == 20000
    opts = RunOptions(image="i", log_driver="json-file", log_opts=["max-size=8k", "path=/l", "tag=t", "other=1"])
    assert log_settings(opts, "k8s-file", 100000) == LogSettings("json-file", "/l", 8000, "t")
    with pytest.raises(UsageError, match="invalid log driver"):
        log_settings(RunOptions(image="i", log_driver="syslog"), "k8s-file", -1)
    with pytest.raises(UsageError, match='invalid log option "tag"'):
        log_settings(RunOptions(image="i", log_opts=["tag"]), "k8s-file", -1)


def test_restart_policies() -> None:
    def parse(text: str, remove: bool = False) -> RestartPolicy:
        return restart_policy(RunOptions(image="i", restart=text, remove=remove))

    assert parse("") == RestartPolicy()
    assert parse("no") == RestartPolicy("no")
    assert parse("always") == RestartPolicy("always")
    assert parse("unless-stopped") == RestartPolicy("unless-stopped")
    assert parse("on-failure") == RestartPolicy("on-failure")
    assert parse("on-failure:3") == RestartPolicy("on-failure", 3)
    assert parse("on-failure", remove=True) == RestartPolicy("on-failure")  # Podman lets this one pass
    errors = {
        "always:3": "restart policy retries can only be specified with on-failure restart policy",
        "on-failure:-1": "must specify restart policy retry count as a number greater than 0",
        "on-failure:x": 'parsing restart policy retry count: strconv.Atoi: parsing "x": invalid syntax',
        "ALWAYS": 'running container create option: "ALWAYS" is not a valid restart policy: invalid argument',
    }
    for text, message in errors.items():
        with pytest.raises(UsageError) as err:
            parse(text)
        assert str(err.value) == message
    for text in ("always", "on-failure:2", "unless-stopped"):
        with pytest.raises(UsageError, match="the --rm option conflicts with --restart"):
            parse(text, remove=True)


def test_should_restart() -> None:
    def decide(policy: RestartPolicy, code: int, count: int = 0, by_user: bool = False) -> bool:
        return should_restart(policy, exit_code=code, restart_count=count, stopped_by_user=by_user)

    assert not decide(RestartPolicy(), 1)
    assert not decide(RestartPolicy("no"), 1)
    assert decide(RestartPolicy("always"), 0, 100)
    assert decide(RestartPolicy("unless-stopped"), 0)
    assert not decide(RestartPolicy("always"), 0, by_user=True)
    assert decide(RestartPolicy("on-failure"), 1, 50)
    assert not decide(RestartPolicy("on-failure"), 0)
    assert decide(RestartPolicy("on-failure", 2), 1, 1)
    assert not decide(RestartPolicy("on-failure", 2), 1, 2)
