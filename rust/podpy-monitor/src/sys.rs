//! Thin, EINTR-safe wrappers over the few system calls the monitor makes.
//!
//! Everything returns `io::Result` so a bad descriptor or a vanished peer is an
//! error value, never a panic.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

fn cvt(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

fn cvt_retry(mut f: impl FnMut() -> libc::c_int) -> io::Result<libc::c_int> {
    loop {
        match cvt(f()) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// A pipe with close-on-exec set on both ends: `(read, write)`.
pub fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: fds is a valid two-element array.
    cvt(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) })?;
    // SAFETY: pipe2 just returned two fresh descriptors that nobody else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

pub fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    // SAFETY: fcntl on an integer descriptor has no memory-safety preconditions.
    let flags = cvt(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    cvt(unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) })?;
    Ok(())
}

pub fn is_open(fd: RawFd) -> bool {
    // SAFETY: F_GETFD only inspects the descriptor table.
    unsafe { libc::fcntl(fd, libc::F_GETFD) >= 0 }
}

pub fn set_cloexec(fd: RawFd) -> io::Result<()> {
    // SAFETY: as above.
    let flags = cvt(unsafe { libc::fcntl(fd, libc::F_GETFD) })?;
    cvt(unsafe { libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC) })?;
    Ok(())
}

/// Mark every inherited descriptor above stderr close-on-exec, so neither the
/// runtime nor the container sees what the CLI happened to leak.
pub fn cloexec_from(first: RawFd) {
    // SAFETY: close_range only changes descriptor flags.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_close_range,
            first as libc::c_uint,
            libc::c_uint::MAX,
            libc::CLOSE_RANGE_CLOEXEC,
        )
    };
    if ret < 0 {
        for fd in first..1024 {
            let _ = set_cloexec(fd);
        }
    }
}

pub fn read(fd: RawFd, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        // SAFETY: buf is valid for buf.len() bytes.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// Write all of `data`; a non-blocking peer that stays full for `patience_ms` is an error.
pub fn write_all(fd: RawFd, mut data: &[u8], patience_ms: i32) -> io::Result<()> {
    while !data.is_empty() {
        // SAFETY: data is valid for data.len() bytes.
        let n = unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) };
        if n > 0 {
            data = &data[n as usize..];
            continue;
        }
        if n == 0 {
            return Err(io::Error::from(io::ErrorKind::WriteZero));
        }
        let err = io::Error::last_os_error();
        match err.kind() {
            io::ErrorKind::Interrupted => {}
            io::ErrorKind::WouldBlock => {
                let mut pfd = [libc::pollfd {
                    fd,
                    events: libc::POLLOUT,
                    revents: 0,
                }];
                if poll(&mut pfd, patience_ms)? == 0 {
                    return Err(io::Error::from(io::ErrorKind::TimedOut));
                }
            }
            _ => return Err(err),
        }
    }
    Ok(())
}

pub fn poll(fds: &mut [libc::pollfd], timeout_ms: i32) -> io::Result<usize> {
    // SAFETY: fds is a valid slice of pollfd.
    cvt_retry(|| unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) })
        .map(|n| n as usize)
}

pub fn open_devnull() -> io::Result<OwnedFd> {
    // SAFETY: the path is a valid NUL-terminated string.
    let fd =
        cvt_retry(|| unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC) })?;
    // SAFETY: open returned a fresh descriptor.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

pub fn dup2(from: RawFd, to: RawFd) -> io::Result<()> {
    // SAFETY: dup2 has no memory-safety preconditions.
    cvt_retry(|| unsafe { libc::dup2(from, to) }).map(|_| ())
}

pub fn fsync(fd: RawFd) -> io::Result<()> {
    // SAFETY: as above.
    cvt_retry(|| unsafe { libc::fsync(fd) }).map(|_| ())
}

/// Become a session leader (detached from the CLI's terminal) unless already one.
pub fn ensure_session_leader() -> io::Result<()> {
    // SAFETY: getsid/getpid/setsid have no preconditions.
    unsafe {
        if libc::getsid(0) == libc::getpid() {
            return Ok(());
        }
        cvt(libc::setsid()).map(|_| ())
    }
}

pub fn set_child_subreaper(on: bool) -> io::Result<()> {
    // SAFETY: prctl with integer arguments.
    cvt(unsafe {
        libc::prctl(
            libc::PR_SET_CHILD_SUBREAPER,
            libc::c_ulong::from(on),
            0,
            0,
            0,
        )
    })
    .map(|_| ())
}

pub fn ignore_sigpipe() {
    // SAFETY: installing SIG_IGN is always sound.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

/// Undo the monitor's signal setup so an exec'd program starts in a standard state.
pub fn reset_signals() {
    // SAFETY: plain signal-mask and disposition changes in a single-threaded process.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());
    }
}

/// Block SIGCHLD and return a non-blocking signalfd that reports it.
pub fn sigchld_fd() -> io::Result<OwnedFd> {
    // SAFETY: the sigset is initialised by sigemptyset before use.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGCHLD);
        cvt(libc::sigprocmask(
            libc::SIG_BLOCK,
            &set,
            std::ptr::null_mut(),
        ))?;
        let fd = cvt(libc::signalfd(
            -1,
            &set,
            libc::SFD_CLOEXEC | libc::SFD_NONBLOCK,
        ))?;
        Ok(OwnedFd::from_raw_fd(fd))
    }
}

/// Consume pending signalfd records (their content does not matter: waitpid tells all).
pub fn drain_signalfd(fd: &OwnedFd) {
    let mut buf = [0u8; std::mem::size_of::<libc::signalfd_siginfo>() * 4];
    while let Ok(n) = read(fd.as_raw_fd(), &mut buf) {
        if n == 0 {
            break;
        }
    }
}

/// `waitpid` that retries EINTR; `Ok(None)` when WNOHANG finds nothing ready.
pub fn waitpid(pid: libc::pid_t, nohang: bool) -> io::Result<Option<(libc::pid_t, libc::c_int)>> {
    let mut status: libc::c_int = 0;
    let flags = if nohang { libc::WNOHANG } else { 0 };
    // SAFETY: status is a valid out pointer.
    let ret = cvt_retry(|| unsafe { libc::waitpid(pid, &mut status, flags) })?;
    Ok(if ret == 0 { None } else { Some((ret, status)) })
}

/// A wait status as a shell-style exit code: the code, or 128 + the signal.
pub fn exit_code(status: libc::c_int) -> i32 {
    if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else if libc::WIFSIGNALED(status) {
        128 + libc::WTERMSIG(status)
    } else {
        255
    }
}

/// Wall-clock time as (seconds, nanoseconds) since the epoch.
pub fn now() -> (i64, u32) {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid out pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut ts) };
    (ts.tv_sec, ts.tv_nsec as u32)
}

/// Monotonic milliseconds, for deadlines.
pub fn monotonic_ms() -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid out pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec * 1000 + ts.tv_nsec / 1_000_000
}

/// The local UTC offset in seconds at `secs` (0 when the zone is unknown).
pub fn utc_offset(secs: i64) -> i64 {
    // SAFETY: tm is a valid out pointer; localtime_r is thread-safe.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        let t: libc::time_t = secs;
        if libc::localtime_r(&t, &mut tm).is_null() {
            return 0;
        }
        tm.tm_gmtoff
    }
}

/// A directory opened `O_PATH`, to bind sockets through `/proc/self/fd/N/NAME`.
pub fn open_dir(dir: &std::path::Path) -> io::Result<OwnedFd> {
    use std::os::unix::ffi::OsStrExt;

    let cdir = std::ffi::CString::new(dir.as_os_str().as_bytes())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: cdir is a valid NUL-terminated path.
    let dfd = cvt_retry(|| unsafe {
        libc::open(
            cdir.as_ptr(),
            libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    })?;
    // SAFETY: open returned a fresh descriptor.
    Ok(unsafe { OwnedFd::from_raw_fd(dfd) })
}

/// A non-blocking, close-on-exec Unix socket of `kind` listening at `DIR/name`.
///
/// It is bound through `/proc/self/fd/DIRFD/name`, so a directory path longer than a
/// `sockaddr_un` can hold still works (run directories under deep temp dirs do).
pub fn unix_listener(kind: libc::c_int, dir: RawFd, name: &str) -> io::Result<OwnedFd> {
    let path = format!("/proc/self/fd/{dir}/{name}");
    // SAFETY: socket with constant arguments.
    let fd = cvt(unsafe {
        libc::socket(
            libc::AF_UNIX,
            kind | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
            0,
        )
    })?;
    // SAFETY: socket returned a fresh descriptor.
    let sock = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: sockaddr_un is plain old data; zeroed is a valid value.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let bytes = path.as_bytes();
    if bytes.len() >= addr.sun_path.len() {
        return Err(io::Error::from_raw_os_error(libc::ENAMETOOLONG));
    }
    for (dst, &src) in addr.sun_path.iter_mut().zip(bytes) {
        *dst = src as libc::c_char;
    }
    let _ = std::fs::remove_file(&path);
    let len = std::mem::size_of::<libc::sa_family_t>() + bytes.len() + 1;
    // SAFETY: addr is a valid sockaddr_un and len does not exceed its size.
    cvt(unsafe {
        libc::bind(
            sock.as_raw_fd(),
            (&addr as *const libc::sockaddr_un).cast(),
            len as libc::socklen_t,
        )
    })?;
    // SAFETY: listen on our own socket.
    cvt(unsafe { libc::listen(sock.as_raw_fd(), 16) })?;
    Ok(sock)
}

/// Accept one pending connection (non-blocking, close-on-exec).
pub fn accept(listener: RawFd) -> io::Result<OwnedFd> {
    // SAFETY: null address pointers are allowed by accept4.
    let fd = cvt_retry(|| unsafe {
        libc::accept4(
            listener,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
        )
    })?;
    // SAFETY: accept4 returned a fresh descriptor.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Receive one descriptor passed with SCM_RIGHTS (the runtime's console socket protocol).
pub fn recv_fd(sock: RawFd) -> io::Result<OwnedFd> {
    let mut data = [0u8; 256];
    let mut iov = libc::iovec {
        iov_base: data.as_mut_ptr().cast(),
        iov_len: data.len(),
    };
    // Room for one control message carrying a few descriptors, 8-byte aligned.
    let mut control = [0u64; 8];
    // SAFETY: msghdr is plain old data.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control) as _;
    // SAFETY: msg points at live buffers of the sizes it states.
    cvt_retry(|| unsafe { libc::recvmsg(sock, &mut msg, libc::MSG_CMSG_CLOEXEC) as libc::c_int })?;
    let mut found: Option<OwnedFd> = None;
    // SAFETY: the CMSG macros walk the control buffer recvmsg filled in.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            if (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_RIGHTS {
                let n = ((*cmsg).cmsg_len as usize - libc::CMSG_LEN(0) as usize)
                    / std::mem::size_of::<libc::c_int>();
                let fds = libc::CMSG_DATA(cmsg).cast::<libc::c_int>();
                for i in 0..n {
                    let fd = OwnedFd::from_raw_fd(fds.add(i).read_unaligned());
                    if found.is_none() {
                        found = Some(fd);
                    }
                }
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
    }
    found.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "no descriptor received"))
}

/// Set a terminal's window size.
pub fn set_winsize(fd: RawFd, rows: u16, cols: u16) -> io::Result<()> {
    let ws = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCSWINSZ reads a winsize from a valid pointer.
    cvt(unsafe { libc::ioctl(fd, libc::TIOCSWINSZ, &ws) }).map(|_| ())
}

/// Wait until `fd` is readable or `timeout_ms` passed; true if readable.
pub fn wait_readable(fd: RawFd, timeout_ms: i32) -> bool {
    let mut pfd = [libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    }];
    matches!(poll(&mut pfd, timeout_ms), Ok(n) if n > 0)
}
