from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from podpy.config.containers_conf import DEFAULT_CAPABILITIES, DEFAULT_ENV, DEFAULT_RUNTIMES
from podpy.config.loader import EngineConfig, load_config, load_registries
from podpy.config.locations import ConfigScope
from podpy.errors import ConfigError
from podpy.util import paths
from podpy.util.record import FrozenInstanceError

ENV_VARS = ("CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF", "CONTAINERS_REGISTRIES_CONF", "STORAGE_DRIVER")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated environment: no config env vars, XDG dirs under tmp_path."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdgconf"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdgdata"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "xdgrun"))
    return home


def make_scope(tmp_path: Path, *, rootless: bool = False) -> ConfigScope:
    return ConfigScope(usr=str(tmp_path / "usr"), etc=str(tmp_path / "etc"), rootless=rootless)


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def load(scope: ConfigScope, **flags: str) -> EngineConfig:
    args: dict[str, str | None] = {"root": None, "runroot": None, "storage_driver": None, "runtime": None,
                                   "cgroup_manager": None}
    args.update(flags)
    return load_config(scope=scope, **args)


# ---------------------------------------------------------------- containers.conf

def test_defaults_without_files(tmp_path: Path, home: Path) -> None:
    cfg = load(make_scope(tmp_path))
    c, e, n = cfg.containers.containers, cfg.containers.engine, cfg.containers.network
    assert c.env == DEFAULT_ENV and c.default_capabilities == DEFAULT_CAPABILITIES
    assert (c.pids_limit, c.log_driver, c.log_size_max, c.umask, c.tz) == (2048, "k8s-file", -1, "0022", "")
    assert c.default_ulimits == ()
    assert e.runtime is None and e.cgroup_manager is None
    assert e.runtime_paths("runc") == DEFAULT_RUNTIMES["runc"] and "/usr/bin/crun" in e.runtime_paths("crun")
    assert e.image_default_transport == "docker://"
    assert (n.default_network, n.network_backend) == ("podman", "")
    assert cfg.containers.files == ()
    assert cfg.storage.graphroot == "/var/lib/podpy/storage" and cfg.storage.runroot == "/run/podpy"
    assert cfg.storage.driver == "overlay"
    assert cfg.tmp_dir == "/run/podpy/libpod"
    with pytest.raises(FrozenInstanceError):
        cfg.storage.driver = "vfs"  # type: ignore[misc]


def test_later_files_override_earlier_keys(tmp_path: Path, home: Path) -> None:
    usr = write(tmp_path / "usr/containers.conf",
                '[containers]\npids_limit = 1\nlog_driver = "journald"\ntz = "UTC"\n')
    etc = write(tmp_path / "etc/containers.conf",
                '[containers]\npids_limit = 2\n[engine]\nruntime = "crun"\n')
    d20 = write(tmp_path / "etc/containers.conf.d/20-env.conf",
                '[containers]\nenv = ["A=1"]\npids_limit = 4\n')
    d10 = write(tmp_path / "etc/containers.conf.d/10-pids.conf", "[containers]\npids_limit = 3\n")
    write(tmp_path / "etc/containers.conf.d/README", "not toml at all [")
    user = write(home / "xdgconf/containers/containers.conf", "[containers]\npids_limit = 99\n")
    cfg = load(make_scope(tmp_path))
    c = cfg.containers.containers
    assert (c.pids_limit, c.log_driver, c.tz, c.env) == (4, "journald", "UTC", ("A=1",))
    assert cfg.containers.engine.runtime == "crun"
    assert cfg.containers.files == (usr, etc, d10, d20)  # root: the user's file is not read
    assert user not in cfg.containers.files


def test_rootless_reads_user_files_last(tmp_path: Path, home: Path) -> None:
    write(tmp_path / "etc/containers.conf", "[containers]\npids_limit = 2\numask = \"0077\"\n")
    user = write(home / "xdgconf/containers/containers.conf", "[containers]\npids_limit = 5\n")
    user_d = write(home / "xdgconf/containers/containers.conf.d/a.conf",
                   '[network]\ndefault_network = "n1"\n')
    cfg = load(make_scope(tmp_path, rootless=True))
    assert cfg.containers.containers.pids_limit == 5 and cfg.containers.containers.umask == "0077"
    assert cfg.containers.network.default_network == "n1"
    assert cfg.containers.files[-2:] == (user, user_d)
    assert cfg.rootless
    assert cfg.storage.graphroot == str(home / "xdgdata/podpy/storage")
    assert cfg.storage.runroot == os.path.join(os.environ["XDG_RUNTIME_DIR"], "podpy")


def test_containers_conf_env_reads_only_that_file(tmp_path: Path, home: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "etc/containers.conf", "[containers]\npids_limit = 2\ntz = \"UTC\"\n")
    only = write(tmp_path / "only.conf", "[containers]\npids_limit = 7\n")
    monkeypatch.setenv("CONTAINERS_CONF", only)
    cfg = load(make_scope(tmp_path, rootless=True))
    assert cfg.containers.files == (only,)
    assert cfg.containers.containers.pids_limit == 7 and cfg.containers.containers.tz == ""
    monkeypatch.setenv("CONTAINERS_CONF", str(tmp_path / "missing.conf"))
    with pytest.raises(ConfigError, match=r"missing\.conf: no such file"):
        load(make_scope(tmp_path))


def test_runtimes_merge_per_name(tmp_path: Path, home: Path) -> None:
    write(tmp_path / "usr/containers.conf",
          '[engine.runtimes]\nrunc = ["/opt/runc"]\nyouki = ["/opt/youki"]\n')
    write(tmp_path / "etc/containers.conf", '[engine.runtimes]\nyouki = ["/opt/youki2"]\n')
    engine = load(make_scope(tmp_path)).containers.engine
    assert engine.runtime_paths("runc") == ("/opt/runc",)
    assert engine.runtime_paths("youki") == ("/opt/youki2",)
    assert engine.runtime_paths("crun") == DEFAULT_RUNTIMES["crun"]
    assert engine.runtime_paths("nope") == ()


def test_flags_beat_files(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "etc/containers.conf", '[engine]\nruntime = "crun"\ncgroup_manager = "systemd"\n')
    write(tmp_path / "etc/storage.conf", '[storage]\ndriver = "vfs"\n')
    monkeypatch.chdir(tmp_path)
    cfg = load(make_scope(tmp_path), root="rel/root", runroot="/r/run", storage_driver="overlay",
               runtime="runc", cgroup_manager="cgroupfs")
    assert cfg.storage.graphroot == str(tmp_path / "rel/root")  # made absolute: exit commands reuse it
    assert cfg.storage.runroot == "/r/run" and cfg.storage.driver == "overlay"
    assert cfg.containers.engine.runtime == "runc" and cfg.containers.engine.cgroup_manager == "cgroupfs"
    assert cfg.overrides.runtime == "runc" and cfg.overrides.cgroup_manager == "cgroupfs"
    assert cfg.tmp_dir == "/r/run/libpod"
    plain = load(make_scope(tmp_path))
    assert plain.containers.engine.runtime == "crun" and plain.storage.driver == "vfs"
    assert plain.overrides.runtime is None


def test_bad_flag_values(tmp_path: Path, home: Path) -> None:
    with pytest.raises(ConfigError, match="cgroup manager must be one of cgroupfs and systemd"):
        load(make_scope(tmp_path), cgroup_manager="foo")
    with pytest.raises(ConfigError, match="--runtime must not be empty"):
        load(make_scope(tmp_path), runtime="")


def test_malformed_toml_names_file_and_line(tmp_path: Path, home: Path) -> None:
    path = write(tmp_path / "etc/containers.conf", "# comment\n[containers]\npids_limit 3\n")
    with pytest.raises(ConfigError) as info:
        load(make_scope(tmp_path))
    message = str(info.value)
    assert message.startswith(f"reading {path}: line 3: expected '='"), message
    assert "\n" not in message
    write(tmp_path / "etc/containers.conf", '[containers]\ntz = "unterminated\n')
    with pytest.raises(ConfigError, match=r"containers\.conf: line 2: "):
        load(make_scope(tmp_path))
    write(tmp_path / "etc/containers.conf", "[containers]\n[containers]\n")
    with pytest.raises(ConfigError, match=r"line 2: cannot declare"):
        load(make_scope(tmp_path))
    (tmp_path / "etc/containers.conf").write_bytes(b"[containers]\ntz = \"\xff\"\n")
    with pytest.raises(ConfigError, match="not valid UTF-8"):
        load(make_scope(tmp_path))


@pytest.mark.parametrize(("text", "needle"), [
    ('[containers]\npids_limit = "x"\n', "containers.pids_limit: expected an integer, got a string ('x')"),
    ("[containers]\npids_limit = true\n", "containers.pids_limit: expected an integer, got a boolean"),
    ("[containers]\nenv = [1]\n", "containers.env: expected an array of strings, got an integer (1)"),
    ('[containers]\nenv = "A=1"\n', "containers.env: expected an array of strings, got a string"),
    ("[containers]\nlog_driver = 3\n", "containers.log_driver: expected a string, got an integer (3)"),
    ('containers = "x"\n', "containers: expected a table, got a string"),
    ('[engine.runtimes]\nrunc = "/bin/runc"\n', "engine.runtimes.runc: expected an array of strings"),
    ('[engine]\ncgroup_manager = "foo"\n', "engine.cgroup_manager: cgroup manager must be one of"),
    ('[engine]\nevents_logger = "syslog"\n', "engine.events_logger: invalid events logger"),
    ('[containers]\numask = "999"\n', "containers.umask: invalid umask '999'"),
    ('[containers]\ndefault_ulimits = ["nofile"]\n', "containers.default_ulimits: invalid ulimit 'nofile'"),
    ("[network]\ndefault_network = []\n", "network.default_network: expected a string, got an array"),
])
def test_wrong_types_name_file_and_key(tmp_path: Path, home: Path, text: str, needle: str) -> None:
    path = write(tmp_path / "etc/containers.conf.d/50-bad.conf", text)
    with pytest.raises(ConfigError) as info:
        load(make_scope(tmp_path))
    assert str(info.value) == f"reading {path}: {needle}" or str(info.value).startswith(
        f"reading {path}: {needle}"), str(info.value)


def test_unknown_keys_are_ignored(tmp_path: Path, home: Path) -> None:
    write(tmp_path / "etc/containers.conf", '[containers]\nfuture_key = 1\n[machine]\ncpus = 2\n[secrets]\n')
    assert load(make_scope(tmp_path)).containers.containers.pids_limit == 2048


def test_tmp_dir_only_from_an_explicit_file(tmp_path: Path, home: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "etc/containers.conf", '[engine]\ntmp_dir = "/run/libpod"\n')
    cfg = load(make_scope(tmp_path), runroot="/x/run")
    assert cfg.tmp_dir == "/x/run/libpod"
    assert any(path in note and "tmp_dir" in note for note in cfg.ignored)
    monkeypatch.setenv("CONTAINERS_CONF", path)
    cfg = load(make_scope(tmp_path), runroot="/x/run")
    assert cfg.tmp_dir == "/run/libpod" and cfg.ignored == ()


def test_config_loading_runs_no_subprocess(tmp_path: Path, home: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("config loading must not spawn processes")

    monkeypatch.setattr(subprocess, "Popen", forbidden)
    monkeypatch.setattr(os, "fork", forbidden)
    monkeypatch.setattr(os, "posix_spawn", forbidden)
    write(tmp_path / "etc/containers.conf", "[containers]\npids_limit = 2\n")
    load(make_scope(tmp_path))
    load_config(root=None, runroot=None, storage_driver=None, runtime=None, cgroup_manager=None)


# ---------------------------------------------------------------- storage.conf

def test_storage_system_file_driver_and_options_but_not_paths(tmp_path: Path, home: Path) -> None:
    path = write(tmp_path / "etc/storage.conf", """
[storage]
driver = "overlay2"
graphroot = "/var/lib/containers/storage"
runroot = "/run/containers/storage"
[storage.options]
additionalimagestores = ["/ro/store"]
[storage.options.overlay]
mountopt = "nodev,metacopy=on"
mount_program = "/usr/bin/fuse-overlayfs"
force_mask = "shared"
""")
    write(tmp_path / "usr/storage.conf", '[storage]\ndriver = "btrfs"\n')
    storage = load(make_scope(tmp_path)).storage
    assert storage.file == path
    assert storage.driver == "overlay"
    assert storage.graphroot == "/var/lib/podpy/storage" and storage.runroot == "/run/podpy"
    assert storage.additional_image_stores == ("/ro/store",)
    assert storage.overlay.mountopt == "nodev,metacopy=on"
    assert storage.overlay.mount_program == "/usr/bin/fuse-overlayfs"
    assert storage.overlay.force_mask == "shared"
    assert len(storage.ignored) == 2 and all("CONTAINERS_STORAGE_CONF" in note for note in storage.ignored)


def test_storage_usr_is_the_last_fallback(tmp_path: Path, home: Path) -> None:
    path = write(tmp_path / "usr/storage.conf",
                 '[storage]\ndriver = "vfs"\n[storage.options]\nmountopt = "a"\n')
    storage = load(make_scope(tmp_path)).storage
    assert (storage.file, storage.driver, storage.overlay.mountopt) == (path, "vfs", "a")


def test_storage_conf_env_honours_paths(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "etc/storage.conf", '[storage]\ndriver = "vfs"\n')
    mine = write(tmp_path / "mine.conf", '[storage]\ngraphroot = "/srv/g"\nrunroot = "/srv/r"\n')
    monkeypatch.setenv("CONTAINERS_STORAGE_CONF", mine)
    storage = load(make_scope(tmp_path)).storage
    assert (storage.file, storage.graphroot, storage.runroot, storage.driver) == (mine, "/srv/g", "/srv/r",
                                                                                  "overlay")
    assert storage.ignored == ()
    flagged = load(make_scope(tmp_path), root="/flag/g").storage
    assert flagged.graphroot == "/flag/g" and flagged.runroot == "/srv/r"
    monkeypatch.setenv("STORAGE_DRIVER", "vfs")
    assert load(make_scope(tmp_path)).storage.driver == "vfs"
    monkeypatch.setenv("CONTAINERS_STORAGE_CONF", str(tmp_path / "nope.conf"))
    with pytest.raises(ConfigError, match=r"nope\.conf: no such file"):
        load(make_scope(tmp_path))


def test_storage_rootless_paths(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = write(home / "xdgconf/containers/storage.conf",
                 '[storage]\ndriver = "vfs"\nrootless_storage_path = "$HOME/elsewhere"\n')
    write(tmp_path / "etc/storage.conf", '[storage]\ndriver = "btrfs"\n')
    storage = load(make_scope(tmp_path, rootless=True)).storage
    assert storage.file == user and storage.driver == "vfs"
    assert storage.graphroot == str(home / "xdgdata/podpy/storage")  # not from a system/user file
    monkeypatch.setenv("CONTAINERS_STORAGE_CONF", user)
    storage = load(make_scope(tmp_path, rootless=True)).storage
    assert storage.graphroot == str(home / "elsewhere")


def test_storage_bad_values(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "etc/storage.conf", "[storage]\ndriver = 1\n")
    with pytest.raises(ConfigError, match=f"reading {path}: storage.driver: expected a string"):
        load(make_scope(tmp_path))
    write(tmp_path / "etc/storage.conf", '[storage.options]\nadditionalimagestores = "/x"\n')
    with pytest.raises(ConfigError, match="storage.options.additionalimagestores: expected an array"):
        load(make_scope(tmp_path))
    monkeypatch.setenv("CONTAINERS_STORAGE_CONF", path)
    write(tmp_path / "etc/storage.conf", '[storage]\ngraphroot = "relative"\n')
    with pytest.raises(ConfigError, match="storage.graphroot: 'relative' is not an absolute path"):
        load(make_scope(tmp_path))


# ---------------------------------------------------------------- registries.conf

def test_registries_main_file_and_drop_ins(tmp_path: Path, home: Path) -> None:
    main = write(tmp_path / "etc/registries.conf", """
unqualified-search-registries = ["docker.io", "quay.io"]
short-name-mode = "enforcing"
[[registry]]
prefix = "example.com/foo"
location = "mirror.internal/foo"
insecure = true
[[registry.mirror]]
location = "m1.internal/foo"
[[registry.mirror]]
location = "m2.internal/foo/"
insecure = true
pull-from-mirror = "digest-only"
[[registry]]
location = "blocked.io"
blocked = true
[aliases]
"fedora" = "registry.fedoraproject.org/fedora"
""")
    a = write(tmp_path / "etc/registries.conf.d/000-shortnames.conf",
              '[aliases]\n"busybox" = "docker.io/library/busybox"\n"fedora" = "quay.io/fedora/fedora"\n'
              '"alpine" = "docker.io/library/alpine"\n')
    b = write(tmp_path / "etc/registries.conf.d/010-override.conf",
              'unqualified-search-registries = ["registry.local"]\n'
              '[aliases]\n"alpine" = ""\n[[registry]]\nprefix = "blocked.io"\nlocation = "blocked.io"\n')
    conf = load_registries(make_scope(tmp_path))
    assert conf.files == (main, a, b)
    assert conf.unqualified_search_registries == ("registry.local",)
    assert conf.short_name_mode == "enforcing"
    assert dict(conf.aliases) == {"fedora": "quay.io/fedora/fedora", "busybox": "docker.io/library/busybox"}
    assert conf.alias_files["fedora"] == a and "alpine" not in conf.alias_files
    foo = conf.find_registry("example.com/foo/bar:latest")
    assert foo is not None and foo.location == "mirror.internal/foo" and foo.insecure
    assert [m.location for m in foo.mirrors] == ["m1.internal/foo", "m2.internal/foo"]
    assert foo.mirrors[1].insecure and foo.mirrors[1].pull_from_mirror == "digest-only"
    replaced = conf.find_registry("blocked.io/x")
    assert replaced is not None and not replaced.blocked  # the drop-in replaced the entry with that prefix
    assert conf.find_registry("example.com/foobar") is None
    assert conf.find_registry("docker.io/library/busybox") is None


def test_registry_prefix_matching() -> None:
    from podpy.config.registries_conf import RegistriesConf, Registry

    conf = RegistriesConf(registries=(Registry("example.com", "a.io"), Registry("example.com/ns", "b.io"),
                                      Registry("*.corp.io", ""), Registry("x.corp.io/deep", "c.io")))

    def location(ref: str) -> str | None:
        reg = conf.find_registry(ref)
        return None if reg is None else reg.location

    assert location("example.com/ns/img@sha256:00") == "b.io"
    assert location("example.com/other:1") == "a.io"
    assert location("example.com") == "a.io"
    assert location("example.community/x") is None
    assert location("a.corp.io/img") == ""
    assert location("x.corp.io/deep/img") == "c.io"
    assert location("corp.io/img") is None
    assert location("evil.io/a.corp.io/img") is None


def test_registries_env_file_with_drop_ins_beside_it(tmp_path: Path, home: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "etc/registries.conf", 'unqualified-search-registries = ["ignored.io"]\n')
    system_dropin = write(tmp_path / "etc/registries.conf.d/a.conf", '[aliases]\n"sys" = "docker.io/x/sys"\n')
    main = write(tmp_path / "custom/registries.conf", 'unqualified-search-registries = ["mine.io"]\n')
    beside = write(tmp_path / "custom/registries.conf.d/b.conf", '[aliases]\n"sys" = "quay.io/x/sys"\n')
    monkeypatch.setenv("CONTAINERS_REGISTRIES_CONF", main)
    conf = load_registries(make_scope(tmp_path))
    assert conf.files == (main, system_dropin, beside)
    assert conf.unqualified_search_registries == ("mine.io",)
    assert conf.aliases["sys"] == "quay.io/x/sys"
    monkeypatch.setenv("CONTAINERS_REGISTRIES_CONF", str(tmp_path / "missing.conf"))
    with pytest.raises(ConfigError, match="missing.conf: no such file"):
        load_registries(make_scope(tmp_path))


def test_registries_rootless_user_file(tmp_path: Path, home: Path) -> None:
    write(tmp_path / "etc/registries.conf", 'unqualified-search-registries = ["system.io"]\n')
    user = write(home / "xdgconf/containers/registries.conf", 'unqualified-search-registries = ["user.io"]\n')
    user_d = write(home / "xdgconf/containers/registries.conf.d/x.conf", 'short-name-mode = "disabled"\n')
    conf = load_registries(make_scope(tmp_path, rootless=True))
    assert conf.files[0] == user and conf.files[-1] == user_d
    assert conf.unqualified_search_registries == ("user.io",) and conf.short_name_mode == "disabled"
    assert load_registries(make_scope(tmp_path)).unqualified_search_registries == ("system.io",)


def test_registries_v1_format(tmp_path: Path, home: Path) -> None:
    write(tmp_path / "etc/registries.conf", """
[registries.search]
registries = ["docker.io", "quay.io"]
[registries.insecure]
registries = ["local:5000"]
[registries.block]
registries = ["bad.io", "local:5000"]
""")
    conf = load_registries(make_scope(tmp_path))
    assert conf.unqualified_search_registries == ("docker.io", "quay.io")
    local = conf.find_registry("local:5000/img")
    assert local is not None and local.insecure and local.blocked
    bad = conf.find_registry("bad.io/img")
    assert bad is not None and bad.blocked and not bad.insecure


@pytest.mark.parametrize(("text", "needle"), [
    ('[registries.search]\nregistries = []\n[[registry]]\nlocation = "a.io"\n', "mixing sysregistry v1/v2"),
    ('[[registry]]\nlocation = "https://a.io"\n', "registry[0].location: invalid location 'https://a.io'"),
    ("[[registry]]\ninsecure = true\n", "registry[0].prefix: invalid condition: both location and prefix"),
    ('[[registry]]\nprefix = "a.io"\n', "registry[0].location: invalid condition: location is unset"),
    ('[[registry]]\nlocation = "a.io"\n[[registry.mirror]]\ninsecure = true\n',
     "registry[0].mirror[0].location: invalid condition: mirror location is unset"),
    ('[[registry]]\nlocation = "a.io"\n[[registry.mirror]]\nlocation = "b.io"\npull-from-mirror = "x"\n',
     "unsupported pull-from-mirror value 'x'"),
    ('short-name-mode = "strict"\n', "short-name-mode: invalid short name mode 'strict'"),
    ('unqualified-search-registries = "docker.io"\n', "unqualified-search-registries: expected an array"),
    ('[[registry]]\nlocation = "a.io"\ninsecure = "yes"\n', "registry[0].insecure: expected a boolean"),
    ("[aliases]\nx = 1\n", "aliases.x: expected a string, got an integer (1)"),
    ("[[registry]\n", "line 1: "),
])
def test_registries_errors(tmp_path: Path, home: Path, text: str, needle: str) -> None:
    write(tmp_path / "etc/registries.conf", "")
    path = write(tmp_path / "etc/registries.conf.d/bad.conf", text)
    with pytest.raises(ConfigError) as info:
        load_registries(make_scope(tmp_path))
    assert str(info.value).startswith(f"reading {path}: "), str(info.value)
    assert needle in str(info.value), str(info.value)


def test_wildcard_prefix_without_location_is_valid(tmp_path: Path, home: Path) -> None:
    write(tmp_path / "etc/registries.conf", '[[registry]]\nprefix = "*.example.com"\nblocked = true\n')
    reg = load_registries(make_scope(tmp_path)).find_registry("a.example.com/x")
    assert reg is not None and reg.blocked and reg.location == ""


# ---------------------------------------------------------------- paths

def test_xdg_fallbacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    assert paths.xdg_config_home() == str(tmp_path / ".config")
    assert paths.xdg_data_home() == str(tmp_path / ".local/share")
    uid = os.getuid()
    user_run = f"/run/user/{uid}"
    expected = user_run if os.path.isdir(user_run) and os.stat(user_run).st_uid == uid else str(
        tmp_path / f"tmp/podman-run-{uid}")
    assert paths.xdg_runtime_dir() == expected
    assert paths.default_graph_root(True) == str(tmp_path / ".local/share/podpy/storage")
    assert paths.default_run_root(True) == os.path.join(expected, "podpy")
    assert paths.default_graph_root(False) == "/var/lib/podpy/storage"
    assert paths.default_run_root(False) == "/run/podpy"
    monkeypatch.setenv("XDG_DATA_HOME", "/d")
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/r")
    assert paths.default_graph_root(True) == "/d/podpy/storage" and paths.default_run_root(True) == "/r/podpy"
    assert paths.is_rootless() == (os.geteuid() != 0)
