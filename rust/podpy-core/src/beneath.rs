//! Directories of a layer being unpacked, resolved by the kernel beneath the layer root.
//!
//! Every entry's parent directory is opened with `openat2(RESOLVE_BENEATH)` from a descriptor
//! of the root: a symlink an earlier entry planted (absolute, or with `..` climbing out) makes
//! the open fail instead of leading outside. The entry is then created through
//! `/proc/self/fd/N/NAME`, a path whose directory part the kernel takes from the descriptor,
//! so nothing of the layer's own tree is resolved again. Kernels without openat2 (before 5.6,
//! or a seccomp filter refusing it) get the older check: canonicalize and compare prefixes.

use crate::{Error, Result};
use std::ffi::CString;
use std::fs::{self, File};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// An open directory inside the root and a path naming it without resolving the layer's tree.
pub struct Dir {
    pub file: File,
    pub path: PathBuf,
}

pub struct Beneath {
    root: File,
    root_path: PathBuf,
    openat2: bool,
}

#[repr(C)]
struct OpenHow {
    flags: u64,
    mode: u64,
    resolve: u64,
}

fn openat2_dir(dirfd: i32, rel: &Path) -> io::Result<File> {
    let path = CString::new(rel.as_os_str().as_bytes())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let how = OpenHow {
        flags: (libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) as u64,
        mode: 0,
        resolve: libc::RESOLVE_BENEATH | libc::RESOLVE_NO_MAGICLINKS,
    };
    // SAFETY: valid dirfd, NUL-terminated path and an open_how of the size passed.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_openat2,
            dirfd,
            path.as_ptr(),
            &how as *const OpenHow,
            std::mem::size_of::<OpenHow>(),
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor that nothing else owns.
    Ok(File::from(unsafe { OwnedFd::from_raw_fd(fd as i32) }))
}

impl Beneath {
    /// Use openat2 when the kernel has it and /proc is there to name descriptors.
    pub fn new(root_path: &Path) -> Result<Self> {
        let root = File::open(root_path)?;
        let usable = Path::new("/proc/self/fd").is_dir()
            && match openat2_dir(root.as_raw_fd(), Path::new(".")) {
                Ok(_) => true,
                Err(e) => !matches!(e.raw_os_error(), Some(libc::ENOSYS | libc::EPERM)),
            };
        Self::with_openat2(root_path, usable)
    }

    /// [`Beneath::new`] with the resolver chosen by the caller (tests run the fallback too).
    pub fn with_openat2(root_path: &Path, openat2: bool) -> Result<Self> {
        Ok(Self {
            root: File::open(root_path)?,
            root_path: fs::canonicalize(root_path)?,
            openat2,
        })
    }

    /// The directory `rel` (relative, already free of `..`) under the root; missing ones are made (0755).
    pub fn dir(&self, rel: &Path) -> Result<Dir> {
        if !self.openat2 {
            return self.dir_by_prefix(rel);
        }
        let file = self.open_or_make(rel)?;
        let path = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
        Ok(Dir { file, path })
    }

    fn open_or_make(&self, rel: &Path) -> Result<File> {
        let rel_or_dot = if rel.as_os_str().is_empty() {
            Path::new(".")
        } else {
            rel
        };
        match openat2_dir(self.root.as_raw_fd(), rel_or_dot) {
            Ok(f) => Ok(f),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) && rel != Path::new(".") => {
                let parent = self.open_or_make(rel.parent().unwrap_or(Path::new("")))?;
                let name = rel.file_name().ok_or_else(|| unsafe_path(rel))?;
                let c = CString::new(name.as_bytes()).map_err(|_| unsafe_path(rel))?;
                // SAFETY: a valid directory descriptor and NUL-terminated name.
                if unsafe { libc::mkdirat(parent.as_raw_fd(), c.as_ptr(), 0o755) } != 0 {
                    let err = io::Error::last_os_error();
                    if err.raw_os_error() != Some(libc::EEXIST) {
                        return Err(Error::Io(err));
                    }
                }
                openat2_dir(parent.as_raw_fd(), Path::new(name)).map_err(|e| refusal(e, rel))
            }
            Err(e) => Err(refusal(e, rel)),
        }
    }

    fn dir_by_prefix(&self, rel: &Path) -> Result<Dir> {
        let joined = self.root_path.join(rel);
        let real = match fs::canonicalize(&joined) {
            Ok(p) => p,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(&joined)?;
                fs::canonicalize(&joined)?
            }
            Err(e) => return Err(Error::Io(e)),
        };
        if !real.starts_with(&self.root_path) {
            return Err(unsafe_path(rel));
        }
        Ok(Dir {
            file: File::open(&real)?,
            path: real,
        })
    }
}

fn unsafe_path(rel: &Path) -> Error {
    Error::UnsafePath(rel.display().to_string())
}

/// EXDEV is openat2's "this would leave the root"; ELOOP a symlink loop or a /proc magic link.
fn refusal(e: io::Error, rel: &Path) -> Error {
    match e.raw_os_error() {
        Some(libc::EXDEV | libc::ELOOP) => unsafe_path(rel),
        _ => Error::Io(io::Error::new(e.kind(), format!("{}: {e}", rel.display()))),
    }
}
