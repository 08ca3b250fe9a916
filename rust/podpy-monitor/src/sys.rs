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
