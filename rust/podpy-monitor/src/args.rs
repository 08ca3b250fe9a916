//! The command line, parsed by hand (long options only; `--opt value` or `--opt=value`).

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

pub const USAGE: &str = "usage: podpy-monitor --cid ID --runtime PATH [--runtime-root DIR] --bundle DIR \
--pidfile PATH [--runtime-log PATH] [--log-driver k8s-file|none|passthrough] [--log-path PATH] \
[--log-size-max BYTES] --exit-file PATH [--sync-fd N] [--attach] [--terminal] [--stdin] [--create] \
[--attach-socket PATH] [--attach-fd N] [--exec-process PATH] [--exit-command ARG]... [--log-level debug]";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogDriver {
    K8sFile,
    None,
    /// The runtime and container get the monitor's own stdin/stdout/stderr (the CLI's).
    Passthrough,
}

impl LogDriver {
    /// Whether the driver writes a log file.
    pub fn writes_file(self) -> bool {
        matches!(self, LogDriver::K8sFile)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub cid: OsString,
    pub runtime: PathBuf,
    pub runtime_root: Option<PathBuf>,
    pub bundle: PathBuf,
    pub pidfile: PathBuf,
    pub runtime_log: Option<PathBuf>,
    pub log_driver: LogDriver,
    pub log_path: Option<PathBuf>,
    /// Restart the log file when a record would take it past this many bytes (0: no limit).
    pub log_size_max: u64,
    pub exit_file: PathBuf,
    pub sync_fd: Option<i32>,
    pub attach: bool,
    /// The process gets a pty (`process.terminal`): the runtime hands us its master.
    pub terminal: bool,
    /// Keep the container's stdin open for attach clients (else it is /dev/null).
    pub stdin: bool,
    /// `RUNTIME create` instead of `run --detach`: the process waits for `RUNTIME start`.
    pub create: bool,
    pub attach_socket: Option<PathBuf>,
    /// An attach client connected before the runtime runs.
    pub attach_fd: Option<i32>,
    /// Exec mode: `RUNTIME exec --process PATH` in the running container `cid`.
    pub exec_process: Option<PathBuf>,
    pub exit_command: Vec<OsString>,
    pub debug: bool,
}

fn text(v: &OsStr) -> String {
    v.to_string_lossy().into_owned()
}

fn need<T>(v: Option<T>, what: &str) -> Result<T, String> {
    v.ok_or_else(|| format!("missing {what}\n{USAGE}"))
}

fn parse_fd(v: &OsStr) -> Result<i32, String> {
    parse_fd_named(v, "--sync-fd")
}

fn parse_fd_named(v: &OsStr, name: &str) -> Result<i32, String> {
    match text(v).parse::<i32>() {
        Ok(fd) if fd > 2 => Ok(fd),
        _ => Err(format!(
            "invalid {name} {:?}: must be a descriptor number above 2",
            text(v)
        )),
    }
}

/// Parse the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Config, String> {
    let mut cid = None;
    let mut runtime = None;
    let mut runtime_root = None;
    let mut bundle = None;
    let mut pidfile = None;
    let mut runtime_log = None;
    let mut log_driver = LogDriver::K8sFile;
    let mut log_path = None;
    let mut log_size_max = 0u64;
    let mut exit_file = None;
    let mut sync_fd = None;
    let mut attach = false;
    let mut terminal = false;
    let mut stdin = false;
    let mut create = false;
    let mut attach_socket = None;
    let mut attach_fd = None;
    let mut exec_process = None;
    let mut exit_command = Vec::new();
    let mut debug = false;

    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let bytes = arg.as_bytes();
        let (name, inline) = match bytes.iter().position(|&b| b == b'=') {
            Some(eq) if bytes.starts_with(b"--") => (
                OsStr::from_bytes(&bytes[..eq]).to_owned(),
                Some(OsStr::from_bytes(&bytes[eq + 1..]).to_owned()),
            ),
            _ => (arg.clone(), None),
        };
        let name = text(&name);
        if matches!(
            name.as_str(),
            "--attach" | "--terminal" | "--stdin" | "--create"
        ) {
            if inline.is_some() {
                return Err(format!("{name} takes no value"));
            }
            match name.as_str() {
                "--attach" => attach = true,
                "--terminal" => terminal = true,
                "--create" => create = true,
                _ => stdin = true,
            }
            continue;
        }
        if name == "--help" || name == "-h" {
            return Err(USAGE.into());
        }
        let value = match inline {
            Some(v) => v,
            None => it
                .next()
                .ok_or_else(|| format!("option {name} needs a value"))?,
        };
        match name.as_str() {
            "--cid" => cid = Some(value),
            "--runtime" => runtime = Some(PathBuf::from(value)),
            "--runtime-root" => runtime_root = Some(PathBuf::from(value)),
            "--bundle" => bundle = Some(PathBuf::from(value)),
            "--pidfile" => pidfile = Some(PathBuf::from(value)),
            "--runtime-log" => runtime_log = Some(PathBuf::from(value)),
            "--log-driver" => {
                log_driver = match text(&value).as_str() {
                    // As Podman 4.3.1 hands conmon: json-file is written as k8s-file.
                    "k8s-file" | "json-file" => LogDriver::K8sFile,
                    "none" => LogDriver::None,
                    "passthrough" => LogDriver::Passthrough,
                    other => {
                        return Err(format!(
                    "unsupported --log-driver {other:?} (k8s-file, json-file, none or passthrough)"
                ))
                    }
                }
            }
            "--log-path" => log_path = Some(PathBuf::from(value)),
            "--log-size-max" => {
                // Podman's -1 (and any negative) means no limit.
                log_size_max = match text(&value).parse::<i64>() {
                    Ok(n) => u64::try_from(n).unwrap_or(0),
                    Err(_) => return Err(format!("invalid --log-size-max {:?}", text(&value))),
                }
            }
            "--exit-file" => exit_file = Some(PathBuf::from(value)),
            "--sync-fd" => sync_fd = Some(parse_fd(&value)?),
            "--attach-socket" => attach_socket = Some(PathBuf::from(value)),
            "--attach-fd" => attach_fd = Some(parse_fd_named(&value, "--attach-fd")?),
            "--exec-process" => exec_process = Some(PathBuf::from(value)),
            "--exit-command" => exit_command.push(value),
            "--log-level" => debug = text(&value) == "debug",
            _ => return Err(format!("unknown option {name:?}\n{USAGE}")),
        }
    }
    let cfg = Config {
        cid: need(cid, "--cid")?,
        runtime: need(runtime, "--runtime")?,
        runtime_root,
        bundle: need(bundle, "--bundle")?,
        pidfile: need(pidfile, "--pidfile")?,
        runtime_log,
        log_driver,
        log_path,
        log_size_max,
        exit_file: need(exit_file, "--exit-file")?,
        sync_fd,
        attach,
        terminal,
        stdin,
        create,
        attach_socket,
        attach_fd,
        exec_process,
        exit_command,
        debug,
    };
    if cfg.attach_fd.is_some() && cfg.attach_fd == cfg.sync_fd {
        return Err("--attach-fd and --sync-fd must differ".into());
    }
    if cfg.log_driver.writes_file() && cfg.log_path.is_none() {
        return Err("--log-driver k8s-file (or json-file) needs --log-path".into());
    }
    if cfg.create && cfg.exec_process.is_some() {
        return Err("--create and --exec-process exclude each other".into());
    }
    if cfg.cid.is_empty() {
        return Err("--cid must not be empty".into());
    }
    Ok(cfg)
}

/// Best effort: the sync fd named on a command line that failed to parse, to report the failure.
pub fn find_sync_fd(args: &[OsString]) -> Option<i32> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--sync-fd" {
            return it.next().and_then(|v| parse_fd(v).ok());
        }
        if let Some(v) = a.as_bytes().strip_prefix(b"--sync-fd=") {
            return parse_fd(OsStr::from_bytes(v)).ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    const BASE: &[&str] = &[
        "--cid",
        "abc",
        "--runtime",
        "/usr/sbin/runc",
        "--bundle",
        "/b",
        "--pidfile",
        "/b/pid",
        "--exit-file",
        "/x/exit",
    ];

    #[test]
    fn minimal_and_defaults() {
        let mut a = args(BASE);
        a.extend(args(&["--log-path", "/b/ctr.log"]));
        let c = parse(a).unwrap();
        assert_eq!(c.cid, "abc");
        assert_eq!(c.log_driver, LogDriver::K8sFile);
        assert!(!c.attach && !c.debug && c.sync_fd.is_none() && c.exit_command.is_empty());
        assert!(!c.terminal && !c.stdin && c.attach_socket.is_none() && c.attach_fd.is_none());
        assert!(!c.create && c.log_size_max == 0);
    }

    #[test]
    fn log_drivers_and_size() {
        for (name, driver) in [
            ("json-file", LogDriver::K8sFile),
            ("passthrough", LogDriver::Passthrough),
        ] {
            let mut a = args(BASE);
            a.extend(args(&["--log-path", "/l", "--log-driver", name]));
            assert_eq!(parse(a).unwrap().log_driver, driver);
        }
        let mut a = args(BASE);
        a.extend(args(&["--log-driver=json-file"]));
        assert!(parse(a).unwrap_err().contains("--log-path"));
        let mut a = args(BASE);
        a.extend(args(&["--log-driver=passthrough", "--create"]));
        let c = parse(a).unwrap();
        assert!(c.create && !c.log_driver.writes_file());
        let mut a = args(BASE);
        a.extend(args(&["--log-path=/l", "--log-size-max", "8192"]));
        assert_eq!(parse(a).unwrap().log_size_max, 8192);
        let mut a = args(BASE);
        a.extend(args(&["--log-path=/l", "--log-size-max=-1"]));
        assert_eq!(parse(a).unwrap().log_size_max, 0);
        let mut a = args(BASE);
        a.extend(args(&["--log-path=/l", "--log-size-max=1k"]));
        assert!(parse(a).is_err());
        let mut a = args(BASE);
        a.extend(args(&[
            "--log-driver=none",
            "--create",
            "--exec-process=/p",
        ]));
        assert!(parse(a).is_err());
    }

    #[test]
    fn everything() {
        let mut a = args(BASE);
        a.extend(args(&[
            "--runtime-root=/run/r",
            "--runtime-log",
            "/b/rt.log",
            "--log-driver",
            "none",
            "--sync-fd",
            "3",
            "--attach",
            "--terminal",
            "--stdin",
            "--attach-socket",
            "/r/attach",
            "--attach-fd=4",
            "--exec-process",
            "/r/p.json",
            "--exit-command",
            "/usr/bin/python3",
            "--exit-command",
            "--rm",
            "--exit-command=a=b",
            "--log-level",
            "debug",
        ]));
        let c = parse(a).unwrap();
        assert_eq!(c.runtime_root, Some(PathBuf::from("/run/r")));
        assert_eq!(c.log_driver, LogDriver::None);
        assert_eq!(c.sync_fd, Some(3));
        assert!(c.attach && c.debug && c.terminal && c.stdin);
        assert_eq!(c.attach_socket, Some(PathBuf::from("/r/attach")));
        assert_eq!(c.attach_fd, Some(4));
        assert_eq!(c.exec_process, Some(PathBuf::from("/r/p.json")));
        assert_eq!(c.exit_command, args(&["/usr/bin/python3", "--rm", "a=b"]));
    }

    #[test]
    fn errors() {
        assert!(parse(args(&["--cid"])).is_err());
        assert!(parse(args(&BASE[..4])).is_err());
        assert!(parse(args(BASE)).unwrap_err().contains("--log-path"));
        let mut a = args(BASE);
        a.extend(args(&["--log-driver", "journald"]));
        assert!(parse(a).is_err());
        let mut a = args(BASE);
        a.extend(args(&["--sync-fd", "1", "--log-driver", "none"]));
        assert!(parse(a).is_err());
        let mut a = args(BASE);
        a.extend(args(&["--log-driver=none", "--sync-fd=3", "--attach-fd=3"]));
        assert!(parse(a).is_err());
        let mut a = args(BASE);
        a.extend(args(&["--log-driver=none", "--terminal=yes"]));
        assert!(parse(a).is_err());
        assert!(parse(args(&["--bogus", "x"]))
            .unwrap_err()
            .contains("unknown option"));
    }

    #[test]
    fn finds_sync_fd_in_bad_args() {
        assert_eq!(find_sync_fd(&args(&["--bogus", "--sync-fd", "5"])), Some(5));
        assert_eq!(find_sync_fd(&args(&["--sync-fd=7"])), Some(7));
        assert_eq!(find_sync_fd(&args(&["--sync-fd", "x"])), None);
    }
}
