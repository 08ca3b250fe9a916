//! Reaping children: the monitor is a child subreaper, so the container and its leftovers end up here.

use std::io;

use crate::sys;

/// A child's wait status and when we reaped it (the container's exit time).
#[derive(Clone, Copy)]
pub struct Reaped {
    pub pid: i32,
    pub status: i32,
    pub at: (i64, u32),
}

impl Reaped {
    pub fn new(pid: i32, status: i32) -> Reaped {
        Reaped {
            pid,
            status,
            at: sys::now(),
        }
    }
}

/// Collect exited children (leftovers reparented to us) so they do not linger as zombies.
pub fn reap_all() {
    while let Ok(Some(_)) = sys::waitpid(-1, true) {}
}

/// The container process is not (or no longer) our child: reap it if we can, else check it is gone.
pub fn reap_if_gone(pid: i32) -> Option<Reaped> {
    match sys::waitpid(pid, true) {
        Ok(Some((_, st))) => Some(Reaped::new(pid, st)),
        Ok(None) => None,
        Err(_) => wait_gone(pid),
    }
}

/// For a process we cannot wait for: an unknown status (255) once it no longer exists.
pub fn wait_gone(pid: i32) -> Option<Reaped> {
    // SAFETY: kill with signal 0 only checks for existence.
    let gone = unsafe { libc::kill(pid, 0) } < 0
        && io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
    gone.then(|| Reaped::new(pid, 255 << 8))
}
