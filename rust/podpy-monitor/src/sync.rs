//! The CLI's sync socket: newline-delimited JSON both ways (see `protocol`).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use crate::protocol::ToCli;
use crate::{eprint_line, sys};

/// How long a full socket may stall a write before the CLI is considered gone.
const WRITE_PATIENCE_MS: i32 = 5000;
/// A line longer than this is garbage: drop it.
const MAX_PENDING: usize = 64 * 1024;

/// The sync socket to the CLI: newline-delimited JSON both ways, non-blocking reads.
pub struct SyncChannel {
    pub fd: OwnedFd,
    buf: Vec<u8>,
    pub eof: bool,
}

impl SyncChannel {
    /// Take ownership of the descriptor the CLI passed, if it really is open.
    pub fn adopt(fd: RawFd) -> Option<SyncChannel> {
        if !sys::is_open(fd) {
            eprint_line(&format!("podpy-monitor: --sync-fd {fd} is not open"));
            return None;
        }
        // SAFETY: the descriptor is open and the CLI handed it to us to own.
        Some(SyncChannel::new(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    pub fn new(fd: OwnedFd) -> SyncChannel {
        let _ = sys::set_cloexec(fd.as_raw_fd());
        let _ = sys::set_nonblocking(fd.as_raw_fd());
        SyncChannel {
            fd,
            buf: Vec::new(),
            eof: false,
        }
    }

    /// Send a message; the CLI may be gone, which is not an error for the monitor.
    pub fn send(&mut self, msg: &ToCli) -> bool {
        sys::write_all(
            self.fd.as_raw_fd(),
            msg.encode().as_bytes(),
            WRITE_PATIENCE_MS,
        )
        .is_ok()
    }

    /// Read what is available; sets `eof` when the CLI closed its end (or the socket failed).
    pub fn fill(&mut self) {
        let mut chunk = [0u8; 512];
        loop {
            match sys::read(self.fd.as_raw_fd(), &mut chunk) {
                Ok(0) => {
                    self.eof = true;
                    return;
                }
                Ok(n) => {
                    if self.buf.len() + n > MAX_PENDING {
                        self.buf.clear();
                    }
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(_) => {
                    self.eof = true;
                    return;
                }
            }
        }
    }

    pub fn take_line(&mut self) -> Option<Vec<u8>> {
        let end = self.buf.iter().position(|&b| b == b'\n')?;
        let line = self.buf[..end].to_vec();
        self.buf.drain(..=end);
        Some(line)
    }

    /// The next line, waiting up to `timeout_ms`; None on EOF or timeout.
    pub fn wait_line(&mut self, timeout_ms: i64) -> Option<Vec<u8>> {
        let deadline = sys::monotonic_ms() + timeout_ms;
        loop {
            if let Some(line) = self.take_line() {
                return Some(line);
            }
            if self.eof {
                return None;
            }
            let left = deadline - sys::monotonic_ms();
            if left <= 0 {
                return None;
            }
            let mut pfd = [libc::pollfd {
                fd: self.fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            }];
            match sys::poll(&mut pfd, left.min(i64::from(i32::MAX)) as i32) {
                Ok(0) => return None,
                Ok(_) => self.fill(),
                Err(_) => return None,
            }
        }
    }
}
