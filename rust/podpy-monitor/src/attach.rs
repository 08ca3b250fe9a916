//! The attach socket and its clients (packet format in `protocol`).

use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};

use crate::sys;

/// More clients than this are refused (closed at once): each costs a descriptor and a poll slot.
pub const MAX_CLIENTS: usize = 64;
/// How long one client may stall a write before it is dropped (it detached in all but name).
const CLIENT_PATIENCE_MS: i32 = 2000;

#[derive(Default)]
pub struct Attach {
    listener: Option<OwnedFd>,
    path: Option<PathBuf>,
    pub clients: Vec<OwnedFd>,
}

impl Attach {
    /// Listen at `path` (a seqpacket socket, bound relative to its directory).
    pub fn listen(&mut self, path: &Path) -> io::Result<()> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| io::Error::from_raw_os_error(libc::EINVAL))?;
        let dir_fd = sys::open_dir(dir)?;
        let sock = sys::unix_listener(libc::SOCK_SEQPACKET, dir_fd.as_raw_fd(), name)?;
        self.listener = Some(sock);
        self.path = Some(path.to_path_buf());
        Ok(())
    }

    /// A client connected before the runtime ran (the attached CLI's socketpair end).
    pub fn add_client(&mut self, fd: OwnedFd) {
        let _ = sys::set_nonblocking(fd.as_raw_fd());
        let _ = sys::set_cloexec(fd.as_raw_fd());
        self.clients.push(fd);
    }

    pub fn listener_fd(&self) -> RawFd {
        self.listener.as_ref().map_or(-1, |l| l.as_raw_fd())
    }

    /// Take every pending connection.
    pub fn accept_pending(&mut self) {
        let fd = self.listener_fd();
        if fd < 0 {
            return;
        }
        while let Ok(client) = sys::accept(fd) {
            if self.clients.len() < MAX_CLIENTS {
                self.clients.push(client);
            }
        }
    }

    /// Send one packet to every client; a client that fails or stalls is dropped.
    pub fn broadcast(&mut self, pkt: &[u8]) {
        self.clients
            .retain(|c| sys::write_all(c.as_raw_fd(), pkt, CLIENT_PATIENCE_MS).is_ok());
    }

    /// Drop the client at `index` (it detached or its socket failed).
    pub fn drop_client(&mut self, index: usize) {
        if index < self.clients.len() {
            self.clients.swap_remove(index);
        }
    }

    /// Stop listening, remove the socket file and disconnect everyone.
    pub fn close(&mut self) {
        self.clients.clear();
        self.listener = None;
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Drop for Attach {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::FromRawFd;

    fn seqpacket_pair() -> (OwnedFd, OwnedFd) {
        let mut fds = [0; 2];
        // SAFETY: fds is a valid two-element array.
        let ret = unsafe {
            libc::socketpair(
                libc::AF_UNIX,
                libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
                0,
                fds.as_mut_ptr(),
            )
        };
        assert_eq!(ret, 0);
        // SAFETY: fresh descriptors from socketpair.
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
    }

    fn connect(path: &Path) -> OwnedFd {
        let dir = sys::open_dir(path.parent().unwrap()).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let short = format!("/proc/self/fd/{}/{name}", dir.as_raw_fd());
        // SAFETY: plain socket call; the address is a zeroed then filled sockaddr_un.
        unsafe {
            let fd = libc::socket(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0);
            assert!(fd >= 0);
            let mut addr: libc::sockaddr_un = std::mem::zeroed();
            addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
            for (d, s) in addr.sun_path.iter_mut().zip(short.as_bytes()) {
                *d = *s as libc::c_char;
            }
            let len = std::mem::size_of::<libc::sa_family_t>() + short.len() + 1;
            let ret = libc::connect(
                fd,
                (&addr as *const libc::sockaddr_un).cast(),
                len as libc::socklen_t,
            );
            assert_eq!(ret, 0, "{}", io::Error::last_os_error());
            OwnedFd::from_raw_fd(fd)
        }
    }

    fn recv(fd: &OwnedFd) -> Vec<u8> {
        let mut buf = [0u8; 64];
        let n = sys::read(fd.as_raw_fd(), &mut buf).unwrap();
        buf[..n].to_vec()
    }

    #[test]
    fn broadcast_to_every_client_and_drop_the_gone() {
        let mut attach = Attach::default();
        let (a_ours, a_theirs) = seqpacket_pair();
        let (b_ours, b_theirs) = seqpacket_pair();
        attach.add_client(a_ours);
        attach.add_client(b_ours);
        attach.broadcast(b"\x01hello");
        assert_eq!(recv(&a_theirs), b"\x01hello");
        assert_eq!(recv(&b_theirs), b"\x01hello");
        drop(a_theirs);
        attach.broadcast(b"\x02x");
        assert_eq!(attach.clients.len(), 1);
        assert_eq!(recv(&b_theirs), b"\x02x");
    }

    #[test]
    fn listens_on_a_path_longer_than_sockaddr_un() {
        let base = std::env::temp_dir().join(format!("podpy-attach-{}", std::process::id()));
        let deep = base.join("d".repeat(60)).join("e".repeat(60));
        std::fs::create_dir_all(&deep).unwrap();
        let path = deep.join("attach");
        let mut attach = Attach::default();
        attach.listen(&path).unwrap();
        assert!(path.exists());
        let client = connect(&path);
        assert!(sys::wait_readable(attach.listener_fd(), 1000));
        attach.accept_pending();
        assert_eq!(attach.clients.len(), 1);
        attach.broadcast(&crate::protocol::exit_packet(7));
        assert_eq!(recv(&client), [3, 0, 0, 0, 7]);
        attach.close();
        assert!(!path.exists());
        std::fs::remove_dir_all(&base).unwrap();
    }
}
