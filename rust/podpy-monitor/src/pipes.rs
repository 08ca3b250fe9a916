//! The container's stdout/stderr pipes (the monitor keeps the read ends).

use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use crate::logfile::Stream;
use crate::sys;

/// Cap on runtime error text collected from a failed start.
const MAX_ERROR_BYTES: usize = 64 * 1024;

/// One output pipe of the container.
pub struct Pipe {
    pub fd: OwnedFd,
    pub stream: Stream,
    pub open: bool,
    /// Our own fd 1/2 while attached and the terminal still takes writes.
    pub forward_to: Option<RawFd>,
}

/// Read ends (non-blocking) for the monitor and write ends for the runtime and container.
pub fn make_pipes(attach: bool) -> io::Result<(Vec<Pipe>, [OwnedFd; 2])> {
    let (out_r, out_w) = sys::pipe()?;
    let (err_r, err_w) = sys::pipe()?;
    sys::set_nonblocking(out_r.as_raw_fd())?;
    sys::set_nonblocking(err_r.as_raw_fd())?;
    let pipes = vec![
        Pipe {
            fd: out_r,
            stream: Stream::Stdout,
            open: true,
            forward_to: attach.then_some(1),
        },
        Pipe {
            fd: err_r,
            stream: Stream::Stderr,
            open: true,
            forward_to: attach.then_some(2),
        },
    ];
    Ok((pipes, [out_w, err_w]))
}

/// What a failed runtime printed on (stdout, stderr), read until EOF or half a second passed.
pub fn collect_after_failure(pipes: &[Pipe]) -> [Vec<u8>; 2] {
    let mut collected = [Vec::new(), Vec::new()];
    let deadline = sys::monotonic_ms() + 500;
    let mut open = [true, true];
    while open.iter().any(|&o| o) {
        let left = deadline - sys::monotonic_ms();
        if left <= 0 {
            break;
        }
        let mut pfds: Vec<libc::pollfd> = pipes
            .iter()
            .map(|p| libc::pollfd {
                fd: p.fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        for (pfd, &o) in pfds.iter_mut().zip(open.iter()) {
            if !o {
                pfd.fd = -1;
            }
        }
        if sys::poll(&mut pfds, left as i32).unwrap_or(0) == 0 {
            break;
        }
        for (i, pfd) in pfds.iter().enumerate() {
            if pfd.fd < 0 || pfd.revents == 0 {
                continue;
            }
            let mut chunk = [0u8; 4096];
            match sys::read(pfd.fd, &mut chunk) {
                Ok(0) => open[i] = false,
                Ok(n) if collected[i].len() < MAX_ERROR_BYTES => {
                    collected[i].extend_from_slice(&chunk[..n])
                }
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => open[i] = false,
            }
        }
    }
    collected
}
