//! podpy-monitor: one per container, like conmon.
//!
//! It runs `RUNTIME run --detach` (`create` for `podpy init`, `exec --detach` for an exec
//! session), reports the container pid (or the runtime's own error) on the sync fd, logs
//! the container's stdout/stderr (or its tty) in the k8s-file format (or hands the
//! runtime its own stdio with the passthrough driver), serves the
//! attach socket (output to every client, stdin and resizes from them), records
//! the exit code in the exit file, deletes the runtime state and finally becomes
//! the exit command unless an attached CLI already cleaned up.
//! Single-threaded and allocation-light on purpose: one runs per container.

mod args;
mod attach;
mod files;
mod logfile;
mod pipes;
mod protocol;
mod reap;
mod sync;
mod sys;
mod timefmt;

use std::ffi::OsString;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use args::{Config, LogDriver};
use attach::Attach;
use files::{file_len, read_from, read_pidfile, write_atomic};
use logfile::LogFile;
use pipes::{make_pipes, Pipe};
use protocol::{ClientPacket, FromCli, ToCli, NO_RUNTIME_EXIT, PKT_MAX_DATA};
use reap::{reap_all, reap_if_gone, wait_gone, Reaped};
use sync::SyncChannel;

/// How long output may keep arriving after the container process exited.
const DRAIN_MS: i64 = 1000;
/// How long to wait for the attached CLI to say it cleaned up.
const CLEANED_WAIT_MS: i64 = 30_000;
/// How long an attached terminal may stall a write before we stop forwarding.
const WRITE_PATIENCE_MS: i32 = 5000;
/// How long the runtime may take to hand over the pty master after it succeeded.
const CONSOLE_WAIT_MS: i32 = 5000;

fn main() {
    let argv: Vec<OsString> = std::env::args_os().skip(1).collect();
    let cfg = match args::parse(argv.iter().cloned()) {
        Ok(cfg) => cfg,
        Err(e) => {
            eprint_line(&format!("podpy-monitor: {e}"));
            if let Some(fd) = args::find_sync_fd(&argv) {
                if let Some(mut sync) = SyncChannel::adopt(fd) {
                    sync.send(&ToCli::Error {
                        message: format!("podpy-monitor: {e}"),
                        runtime_exit_code: NO_RUNTIME_EXIT,
                    });
                }
            }
            std::process::exit(2);
        }
    };
    std::process::exit(Monitor::new(cfg).run());
}

/// Write to our stderr, which may be /dev/null, closed or a dead pipe: never fail.
pub(crate) fn eprint_line(msg: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(msg.as_bytes());
    let _ = err.write_all(b"\n");
}

/// A running container: its output pipes (or pty master), pid, and whatever exited while the runtime ran.
struct Started {
    pipes: Vec<Pipe>,
    pid: i32,
    early: Vec<Reaped>,
}

/// Where attach clients' stdin goes.
enum Stdin {
    /// No `--stdin`, or closed after a client's end of input.
    Closed,
    /// The write end of the container's stdin pipe.
    Pipe(OwnedFd),
    /// The pty master (the first output pipe).
    Master,
}

struct Monitor {
    cfg: Config,
    sync: Option<SyncChannel>,
    debug_log: Option<File>,
    log: Option<LogFile>,
    log_failed: bool,
    attach: Attach,
    stdin: Stdin,
}

impl Monitor {
    fn new(cfg: Config) -> Monitor {
        // Take ownership of the sync fd before anything else can be opened over it.
        let sync = cfg.sync_fd.and_then(SyncChannel::adopt);
        Monitor {
            cfg,
            sync,
            debug_log: None,
            log: None,
            log_failed: false,
            attach: Attach::default(),
            stdin: Stdin::Closed,
        }
    }

    fn debug(&mut self, args: fmt::Arguments<'_>) {
        if let Some(f) = self.debug_log.as_mut() {
            let (secs, nanos) = sys::now();
            let _ = writeln!(
                f,
                "{} [{}] {}",
                timefmt::local(secs, nanos),
                std::process::id(),
                args
            );
        }
    }

    fn warn(&mut self, msg: &str) {
        eprint_line(&format!("podpy-monitor: {msg}"));
        self.debug(format_args!("warning: {msg}"));
    }

    /// Report a start failure to the CLI and return the monitor's exit status.
    fn fail(&mut self, message: String, runtime_exit_code: i32) -> i32 {
        reap_all();
        if self.sync.is_none() {
            self.warn(&message);
            return 1;
        }
        // The CLI prints the one `Error:` line; the monitor stays quiet.
        self.debug(format_args!("start failed: {message}"));
        if let Some(sync) = self.sync.as_mut() {
            sync.send(&ToCli::Error {
                message,
                runtime_exit_code,
            });
        }
        1
    }

    fn run(&mut self) -> i32 {
        sys::cloexec_from(3);
        sys::ignore_sigpipe();
        if let Err(e) = sys::ensure_session_leader() {
            eprint_line(&format!("podpy-monitor: setsid: {e}"));
        }
        if self.cfg.log_driver != LogDriver::Passthrough {
            if let Ok(null) = sys::open_devnull() {
                let _ = sys::dup2(null.as_raw_fd(), 0);
            }
        }
        if self.cfg.debug {
            let path = self.cfg.bundle.join("monitor.log");
            self.debug_log = OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o600)
                .open(path)
                .ok();
            let cfg = format!("{:?}", self.cfg);
            self.debug(format_args!("starting: {cfg}"));
        }
        if let Err(e) = sys::set_child_subreaper(true) {
            return self.fail(
                format!("podpy-monitor: cannot become a child subreaper: {e}"),
                NO_RUNTIME_EXIT,
            );
        }
        let sigchld = match sys::sigchld_fd() {
            Ok(fd) => fd,
            Err(e) => return self.fail(format!("podpy-monitor: signalfd: {e}"), NO_RUNTIME_EXIT),
        };
        if self.cfg.log_driver.writes_file() {
            if let Some(path) = self.cfg.log_path.clone() {
                match LogFile::open(&path, self.cfg.log_size_max) {
                    Ok(log) => self.log = Some(log),
                    Err(e) => {
                        return self.fail(
                            format!(
                                "podpy-monitor: cannot open log file {}: {e}",
                                path.display()
                            ),
                            NO_RUNTIME_EXIT,
                        )
                    }
                }
            }
        }
        if let Some(fd) = self.cfg.attach_fd {
            if sys::is_open(fd) {
                // SAFETY: the descriptor is open and the CLI handed it to us to own.
                self.attach.add_client(unsafe { OwnedFd::from_raw_fd(fd) });
            }
        }
        if let Some(path) = self.cfg.attach_socket.clone() {
            if let Err(e) = self.attach.listen(&path) {
                return self.fail(
                    format!(
                        "podpy-monitor: cannot listen at attach socket {}: {e}",
                        path.display()
                    ),
                    NO_RUNTIME_EXIT,
                );
            }
        }
        let Some(Started {
            mut pipes,
            pid,
            early,
        }) = self.start_container()
        else {
            return 1;
        };
        if let Some(sync) = self.sync.as_mut() {
            sync.send(&ToCli::Started { pid });
        }
        self.debug(format_args!("container pid {pid}"));

        let reaped = self.event_loop(&mut pipes, &sigchld, pid, early);
        drop(pipes);
        let exit_code = reaped.map_or(255, |r| sys::exit_code(r.status));
        let (secs, nanos) = reaped.map_or_else(sys::now, |r| r.at);
        let exited_at = timefmt::utc(secs, nanos);
        self.debug(format_args!("container exited: code {exit_code}"));
        let record = protocol::exit_file_json(exit_code, &exited_at, false);
        if let Err(e) = write_atomic(&self.cfg.exit_file, record.as_bytes()) {
            let msg = format!(
                "cannot write exit file {}: {e}",
                self.cfg.exit_file.display()
            );
            self.warn(&msg);
        }
        self.stdin = Stdin::Closed;
        self.attach.broadcast(&protocol::exit_packet(exit_code));
        self.attach.close();
        if let Some(sync) = self.sync.as_mut() {
            sync.send(&ToCli::Exited {
                exit_code,
                exited_at,
            });
        }
        if self.cfg.exec_process.is_none() {
            self.delete_container();
        }
        reap_all();
        self.finish()
    }

    fn runtime_command(&self) -> Command {
        let mut cmd = Command::new(&self.cfg.runtime);
        if let Some(root) = &self.cfg.runtime_root {
            cmd.arg("--root").arg(root);
        }
        cmd
    }

    /// Run the runtime; on success the container's output, pid and any exit statuses reaped meanwhile.
    fn start_container(&mut self) -> Option<Started> {
        let forward = self.cfg.attach && !self.cfg.terminal;
        let passthrough = self.cfg.log_driver == LogDriver::Passthrough;
        let (pipes, writers) = if passthrough {
            (Vec::new(), None)
        } else {
            match make_pipes(forward) {
                Ok((p, w)) => (p, Some(w)),
                Err(e) => {
                    self.fail(
                        format!("podpy-monitor: cannot create pipes: {e}"),
                        NO_RUNTIME_EXIT,
                    );
                    return None;
                }
            }
        };
        let mut stdin_read: Option<OwnedFd> = None;
        if self.cfg.stdin && !self.cfg.terminal && !passthrough {
            match sys::pipe() {
                Ok((r, w)) => {
                    let _ = sys::set_nonblocking(w.as_raw_fd());
                    stdin_read = Some(r);
                    self.stdin = Stdin::Pipe(w);
                }
                Err(e) => {
                    self.fail(
                        format!("podpy-monitor: cannot create the stdin pipe: {e}"),
                        NO_RUNTIME_EXIT,
                    );
                    return None;
                }
            }
        }
        let console = if self.cfg.terminal {
            match self.console_listener() {
                Ok(c) => Some(c),
                Err(e) => {
                    self.fail(
                        format!("podpy-monitor: cannot make the console socket: {e}"),
                        NO_RUNTIME_EXIT,
                    );
                    return None;
                }
            }
        } else {
            None
        };
        let log_offset = self.cfg.runtime_log.as_deref().map_or(0, file_len);
        let mut cmd = self.runtime_command();
        if let Some(log) = &self.cfg.runtime_log {
            cmd.arg("--log").arg(log).arg("--log-format").arg("json");
        }
        match &self.cfg.exec_process {
            Some(process) => {
                cmd.arg("exec")
                    .arg("--detach")
                    .arg("--process")
                    .arg(process);
            }
            None if self.cfg.create => {
                cmd.arg("create").arg("--bundle").arg(&self.cfg.bundle);
            }
            None => {
                cmd.arg("run")
                    .arg("--detach")
                    .arg("--bundle")
                    .arg(&self.cfg.bundle);
            }
        }
        if let Some(c) = &console {
            cmd.arg("--console-socket").arg(&c.runtime_path);
        }
        cmd.arg("--pid-file")
            .arg(&self.cfg.pidfile)
            .arg(&self.cfg.cid);
        match writers {
            Some([out_w, err_w]) => {
                cmd.stdin(stdin_read.map_or_else(Stdio::null, Stdio::from))
                    .stdout(Stdio::from(out_w))
                    .stderr(Stdio::from(err_w));
            }
            // Passthrough: the runtime, and so the container, inherit our stdin/stdout/stderr.
            None => {
                cmd.stdin(Stdio::inherit())
                    .stdout(Stdio::inherit())
                    .stderr(Stdio::inherit());
            }
        }
        self.debug(format_args!("running {cmd:?}"));
        let spawned = cmd.spawn();
        drop(cmd); // closes our copies of the write ends
        if passthrough {
            // The container holds the CLI's streams now; we keep no copy open.
            if let Ok(null) = sys::open_devnull() {
                for fd in 0..3 {
                    let _ = sys::dup2(null.as_raw_fd(), fd);
                }
            }
        }
        let runtime_pid = match spawned {
            Ok(child) => child.id() as i32,
            Err(e) => {
                let msg = format!(
                    "cannot run the OCI runtime {}: {e}",
                    self.cfg.runtime.display()
                );
                self.fail(msg, NO_RUNTIME_EXIT);
                return None;
            }
        };
        let mut early: Vec<Reaped> = Vec::new();
        let status = loop {
            match sys::waitpid(-1, false) {
                Ok(Some((p, st))) if p == runtime_pid => break st,
                Ok(Some((p, st))) => {
                    if early.len() >= 64 {
                        early.remove(0);
                    }
                    early.push(Reaped::new(p, st));
                }
                Ok(None) => continue,
                Err(e) => {
                    self.fail(
                        format!("podpy-monitor: waiting for the OCI runtime: {e}"),
                        NO_RUNTIME_EXIT,
                    );
                    return None;
                }
            }
        };
        let code = sys::exit_code(status);
        self.debug(format_args!("runtime exited with {code}"));
        if code != 0 {
            let message = self.runtime_error(&pipes, log_offset, code);
            self.fail(message, code);
            return None;
        }
        let pid = match read_pidfile(&self.cfg.pidfile) {
            Ok(pid) => pid,
            Err(e) => {
                let msg = format!(
                    "podpy-monitor: cannot read pid file {}: {e}",
                    self.cfg.pidfile.display()
                );
                self.fail(msg, NO_RUNTIME_EXIT);
                self.delete_container();
                return None;
            }
        };
        let Some(console) = console else {
            return Some(Started { pipes, pid, early });
        };
        // The runtime's own output pipes are done with: a tty process writes to the pty.
        drop(pipes);
        match console.receive() {
            Ok(master) => {
                self.stdin = if self.cfg.stdin {
                    Stdin::Master
                } else {
                    Stdin::Closed
                };
                Some(Started {
                    pipes: vec![Pipe {
                        fd: master,
                        stream: logfile::Stream::Stdout,
                        open: true,
                        forward_to: None,
                    }],
                    pid,
                    early,
                })
            }
            Err(e) => {
                // SAFETY: kill with a pid the runtime just reported.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                self.fail(
                    format!("podpy-monitor: no pty master from the OCI runtime: {e}"),
                    NO_RUNTIME_EXIT,
                );
                if self.cfg.exec_process.is_none() {
                    self.delete_container();
                }
                None
            }
        }
    }

    /// The socket the runtime sends the pty master to, next to the pid file.
    fn console_listener(&self) -> io::Result<Console> {
        let dir = match self.cfg.pidfile.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => std::path::Path::new("."),
        };
        let dir_fd = sys::open_dir(dir)?;
        let name = format!("console-{}.sock", std::process::id());
        let listener = sys::unix_listener(libc::SOCK_STREAM, dir_fd.as_raw_fd(), &name)?;
        // The runtime resolves the name through our descriptor table: no sockaddr length limit.
        let runtime_path = format!(
            "/proc/{}/fd/{}/{name}",
            std::process::id(),
            dir_fd.as_raw_fd()
        );
        Ok(Console {
            listener,
            file: dir.join(&name),
            runtime_path,
            _dir: dir_fd,
        })
    }

    /// The runtime's own words: its JSON log's last error, else what it printed.
    fn runtime_error(&mut self, pipes: &[Pipe], log_offset: u64, code: i32) -> String {
        if let Some(path) = self.cfg.runtime_log.clone() {
            if let Some(msg) =
                read_from(&path, log_offset).and_then(|t| protocol::last_runtime_error(&t))
            {
                return msg;
            }
        }
        let [out, err] = pipes::collect_after_failure(pipes);
        let text = if err.iter().any(|b| !b.is_ascii_whitespace()) {
            err
        } else {
            out
        };
        let text = String::from_utf8_lossy(&text);
        let lines = || text.lines().rev().map(str::trim).filter(|l| !l.is_empty());
        if let Some(msg) = lines().find_map(protocol::logrus_text_error) {
            return msg;
        }
        match lines().next() {
            Some(line) => line.to_owned(),
            None => format!("{} exited with status {code}", self.cfg.runtime.display()),
        }
    }

    /// Log and forward output, feed stdin, serve attach clients until the container exited
    /// and its output drained; its wait status.
    fn event_loop(
        &mut self,
        pipes: &mut [Pipe],
        sigchld: &OwnedFd,
        pid: i32,
        early: Vec<Reaped>,
    ) -> Option<Reaped> {
        let mut status = early.iter().rev().find(|r| r.pid == pid).copied();
        let mut deadline: Option<i64> = None;
        // One kind byte, then the data: output is read straight into its attach packet.
        let mut buf = [0u8; PKT_MAX_DATA + 1];
        let mut pfds: Vec<libc::pollfd> = Vec::with_capacity(8);
        let npipes = pipes.len();
        loop {
            let now = sys::monotonic_ms();
            if status.is_some() && deadline.is_none() {
                deadline = Some(now + DRAIN_MS);
            }
            let any_open = pipes.iter().any(|p| p.open);
            let timeout = match deadline {
                Some(d) if !any_open || now >= d => return status,
                Some(d) => (d - now) as i32,
                None if !any_open => 1000,
                None => -1,
            };
            let sync_fd = self
                .sync
                .as_ref()
                .filter(|s| !s.eof)
                .map_or(-1, |s| s.fd.as_raw_fd());
            pfds.clear();
            pfds.push(pollin(sigchld.as_raw_fd()));
            for pipe in pipes.iter() {
                pfds.push(pollin(if pipe.open { pipe.fd.as_raw_fd() } else { -1 }));
            }
            pfds.push(pollin(sync_fd));
            pfds.push(pollin(self.attach.listener_fd()));
            let first_client = pfds.len();
            for c in &self.attach.clients {
                pfds.push(pollin(c.as_raw_fd()));
            }
            let ready = match sys::poll(&mut pfds, timeout) {
                Ok(n) => n,
                Err(e) => {
                    self.warn(&format!("poll: {e}"));
                    return status.or_else(|| wait_gone(pid));
                }
            };
            if ready == 0 && status.is_none() && !any_open {
                // Both pipes closed and no SIGCHLD: make sure the process is still ours and alive.
                status = reap_if_gone(pid);
                continue;
            }
            if pfds[0].revents != 0 {
                sys::drain_signalfd(sigchld);
                while let Ok(Some((p, st))) = sys::waitpid(-1, true) {
                    if p == pid {
                        status = Some(Reaped::new(p, st));
                    }
                }
            }
            for (i, pipe) in pipes.iter_mut().enumerate() {
                if pfds[i + 1].revents == 0 {
                    continue;
                }
                match sys::read(pipe.fd.as_raw_fd(), &mut buf[1..]) {
                    Ok(0) => pipe.open = false,
                    Ok(n) => {
                        buf[0] = pipe.stream.packet_kind();
                        self.output(pipe, &buf[..=n]);
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    // EIO from a pty master: every slave descriptor is closed.
                    Err(_) => pipe.open = false,
                }
            }
            if pfds[npipes + 1].revents != 0 {
                if let Some(sync) = self.sync.as_mut() {
                    sync.fill();
                    if sync.eof {
                        // The attached CLI is gone: stop writing to its terminal.
                        for pipe in pipes.iter_mut() {
                            pipe.forward_to = None;
                        }
                    }
                }
            }
            let master = pipes
                .first()
                .filter(|_| self.cfg.terminal)
                .map(|p| p.fd.as_raw_fd());
            let mut gone: u64 = 0;
            for (i, pfd) in pfds[first_client..].iter().enumerate() {
                if pfd.revents == 0 {
                    continue;
                }
                let keep = match sys::read(pfd.fd, &mut buf) {
                    Ok(0) => false,
                    Ok(n) => {
                        self.client_packet(ClientPacket::decode(&buf[..n]), master);
                        true
                    }
                    Err(e) => e.kind() == io::ErrorKind::WouldBlock,
                };
                if !keep {
                    gone |= 1 << i;
                }
            }
            for i in (0..self.attach.clients.len()).rev() {
                if gone & (1 << i) != 0 {
                    self.debug(format_args!("attach client {i} left"));
                    self.attach.drop_client(i);
                }
            }
            if pfds[npipes + 2].revents != 0 {
                self.attach.accept_pending();
            }
        }
    }

    fn client_packet(&mut self, pkt: ClientPacket<'_>, master: Option<RawFd>) {
        match pkt {
            ClientPacket::Stdin(data) => {
                let fd = match &self.stdin {
                    Stdin::Closed => return,
                    Stdin::Pipe(w) => w.as_raw_fd(),
                    Stdin::Master => match master {
                        Some(m) => m,
                        None => return,
                    },
                };
                if let Err(e) = sys::write_all(fd, data, WRITE_PATIENCE_MS) {
                    self.debug(format_args!("stdin closed: {e}"));
                    self.stdin = Stdin::Closed;
                }
            }
            ClientPacket::StdinEof => {
                if matches!(self.stdin, Stdin::Pipe(_)) {
                    self.debug(format_args!("stdin closed by an attach client"));
                    self.stdin = Stdin::Closed;
                }
            }
            ClientPacket::Resize { rows, cols } => {
                if let Some(m) = master {
                    if let Err(e) = sys::set_winsize(m, rows, cols) {
                        self.debug(format_args!("resize: {e}"));
                    }
                }
            }
            ClientPacket::Unknown => {}
        }
    }

    /// One output packet (kind byte, then data): to the log, our own terminal, attach clients.
    fn output(&mut self, pipe: &mut Pipe, packet: &[u8]) {
        self.attach.broadcast(packet);
        let chunk = &packet[1..];
        if let Some(log) = self.log.as_mut() {
            let (secs, nanos) = sys::now();
            if let Err(e) = log.write_chunk(secs, nanos, pipe.stream, chunk) {
                if !self.log_failed {
                    self.log_failed = true;
                    self.warn(&format!("cannot write the container log: {e}"));
                }
            }
        }
        if let Some(fd) = pipe.forward_to {
            if let Err(e) = sys::write_all(fd, chunk, WRITE_PATIENCE_MS) {
                pipe.forward_to = None;
                self.debug(format_args!(
                    "stopped forwarding {}: {e}",
                    pipe.stream.name()
                ));
            }
        }
    }

    /// `RUNTIME delete --force CID`: the container is gone, forget its runtime state.
    fn delete_container(&mut self) {
        let mut cmd = self.runtime_command();
        cmd.arg("delete").arg("--force").arg(&self.cfg.cid);
        cmd.stdin(Stdio::null())
            .stdout(self.child_output())
            .stderr(self.child_output());
        match cmd.status() {
            Ok(st) if st.success() => self.debug(format_args!("runtime delete done")),
            Ok(st) => {
                let msg = format!("{} delete failed: {st}", self.cfg.runtime.display());
                self.warn(&msg);
            }
            Err(e) => self.warn(&format!(
                "cannot run {} delete: {e}",
                self.cfg.runtime.display()
            )),
        }
    }

    /// Where helper processes write: the debug log when debugging, else nowhere.
    fn child_output(&self) -> Stdio {
        self.debug_log
            .as_ref()
            .and_then(|f| f.try_clone().ok())
            .map_or_else(Stdio::null, Stdio::from)
    }

    /// Wait for the attached CLI's `cleaned`; otherwise become the exit command.
    fn finish(&mut self) -> i32 {
        if let Some(sync) = self.sync.as_mut() {
            while let Some(line) = sync.wait_line(CLEANED_WAIT_MS) {
                if FromCli::decode(&line) == FromCli::Cleaned {
                    self.debug(format_args!("the CLI cleaned up; exiting"));
                    return 0;
                }
            }
        }
        self.sync = None;
        if self.cfg.exit_command.is_empty() {
            return 0;
        }
        let argv = self.cfg.exit_command.clone();
        self.debug(format_args!("exec exit command {argv:?}"));
        let target = self.debug_log.as_ref().map(|f| f.as_raw_fd());
        if let Ok(null) = sys::open_devnull() {
            let fd = target.unwrap_or(null.as_raw_fd());
            let _ = sys::dup2(fd, 1);
            let _ = sys::dup2(fd, 2);
        }
        sys::reset_signals();
        let _ = sys::set_child_subreaper(false);
        let err = Command::new(&argv[0]).args(&argv[1..]).exec();
        let msg = format!("cannot run exit command {:?}: {err}", argv[0]);
        self.warn(&msg);
        1
    }
}

fn pollin(fd: RawFd) -> libc::pollfd {
    libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    }
}

/// The listening console socket, kept until the runtime handed over the pty master.
struct Console {
    listener: OwnedFd,
    file: std::path::PathBuf,
    runtime_path: String,
    _dir: OwnedFd,
}

impl Console {
    /// The master the runtime sent: accept its connection and take the descriptor.
    fn receive(self) -> io::Result<OwnedFd> {
        let result = (|| {
            if !sys::wait_readable(self.listener.as_raw_fd(), CONSOLE_WAIT_MS) {
                return Err(io::Error::from(io::ErrorKind::TimedOut));
            }
            let conn = sys::accept(self.listener.as_raw_fd())?;
            if !sys::wait_readable(conn.as_raw_fd(), CONSOLE_WAIT_MS) {
                return Err(io::Error::from(io::ErrorKind::TimedOut));
            }
            let master = sys::recv_fd(conn.as_raw_fd())?;
            sys::set_nonblocking(master.as_raw_fd())?;
            Ok(master)
        })();
        let _ = std::fs::remove_file(&self.file);
        result
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.file);
    }
}
