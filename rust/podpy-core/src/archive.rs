//! Unpacking an image layer: compression sniffed from magic bytes, both digests in one pass,
//! whiteouts converted to overlay form, nothing written outside the destination (each entry's
//! directory is resolved by the kernel beneath the root, see [`crate::beneath`]), ownership
//! optionally translated through a user-namespace id map.

use crate::beneath::{Beneath, Dir};
use crate::split::{open_in_root_with, path_bytes, SplitFile};
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::ffi::{CString, OsStr};
use std::fs;
use std::io::{self, BufRead, BufReader, Read};
use std::os::fd::AsRawFd;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread;

const WHITEOUT_PREFIX: &str = ".wh.";
const OPAQUE_MARKER: &str = ".wh..wh..opq";
const READ_BUFFER: usize = 1 << 20;

/// How `.wh.` entries are applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhiteoutMode {
    /// 0:0 character devices and `trusted.overlay.opaque` (root).
    Overlay,
    /// `user.overlay.*` xattrs (rootless overlay).
    OverlayUser,
    /// Delete the named paths (the vfs driver stacks layers in one directory).
    Apply,
}

impl WhiteoutMode {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "overlay" => Some(Self::Overlay),
            "overlay-user" => Some(Self::OverlayUser),
            "apply" => Some(Self::Apply),
            _ => None,
        }
    }
}

/// One range of a user-namespace id mapping: `size` ids from `container` on are `host` on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdRange {
    pub container: u32,
    pub host: u32,
    pub size: u32,
}

/// The ownership translation applied at extraction (container ids → host ids).
///
/// An empty list leaves those ids as the tar has them; an id outside every range of a
/// non-empty list cannot be represented on the host and fails the extraction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IdMap {
    pub uids: Vec<IdRange>,
    pub gids: Vec<IdRange>,
}

impl IdMap {
    pub fn is_identity(&self) -> bool {
        self.uids.is_empty() && self.gids.is_empty()
    }

    fn map(ranges: &[IdRange], id: u64, what: &str) -> Result<u32> {
        if ranges.is_empty() {
            return u32::try_from(id)
                .map_err(|_| Error::Corrupt(format!("{what} {id} out of range")));
        }
        for r in ranges {
            let start = u64::from(r.container);
            if id >= start && id < start + u64::from(r.size) {
                let host = u64::from(r.host) + (id - start);
                return u32::try_from(host)
                    .map_err(|_| Error::Corrupt(format!("{what} {id} maps past the host's ids")));
            }
        }
        Err(Error::Corrupt(format!(
            "container {what} {id} cannot be mapped to a host {what}"
        )))
    }

    pub fn map_uid(&self, id: u64) -> Result<u32> {
        Self::map(&self.uids, id, "uid")
    }

    pub fn map_gid(&self, id: u64) -> Result<u32> {
        Self::map(&self.gids, id, "gid")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerStats {
    pub diff_id: String,
    pub compressed_digest: String,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    pub compression: &'static str,
}

struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    count: u64,
}

impl<R> Hashing<R> {
    fn new(inner: R) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            count: 0,
        }
    }

    fn digest(&self) -> String {
        sha256_string(&self.hasher)
    }
}

/// `sha256:<hex>` of what `hasher` has seen so far.
pub fn sha256_string(hasher: &Sha256) -> String {
    use std::fmt::Write as _;
    let bytes = hasher.clone().finalize();
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The tar stream as the parser reads it, shown to a tar-split recorder on the way.
struct Recorder<R> {
    inner: RefCell<R>,
    split: Option<RefCell<SplitFile>>,
}

impl<R> Recorder<R> {
    fn begin_file(&self, path: &Path, size: u64) -> io::Result<()> {
        match &self.split {
            Some(split) => split
                .borrow_mut()
                .writer()
                .begin_file(path_bytes(path), size),
            None => Ok(()),
        }
    }
}

impl<R: Read> Read for &Recorder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.borrow_mut().read(buf)?;
        if let Some(split) = &self.split {
            split.borrow_mut().writer().consumed(&buf[..n])?;
        }
        Ok(n)
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

fn corrupt(e: io::Error) -> Error {
    // tar wraps the real cause ("failed to unpack X"); keep both.
    let e = match e.get_ref().and_then(|inner| inner.source()) {
        Some(cause) => io::Error::new(e.kind(), format!("{e}: {cause}")),
        None => e,
    };
    match e.kind() {
        io::ErrorKind::InvalidData
        | io::ErrorKind::InvalidInput
        | io::ErrorKind::UnexpectedEof
        | io::ErrorKind::Other => Error::Corrupt(e.to_string()),
        _ => Error::Io(e),
    }
}

/// A relative path with no `..`, root or prefix components.
fn checked_relative(path: &Path) -> Result<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return Err(Error::UnsafePath(path.display().to_string())),
        }
    }
    Ok(out)
}

fn cpath(p: &Path) -> Result<CString> {
    CString::new(p.as_os_str().as_encoded_bytes())
        .map_err(|_| Error::UnsafePath(p.display().to_string()))
}

fn remove_any(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// The file type bits of `name` in `dir` (not following a symlink); None when nothing is there.
fn lstat_at(dir: &fs::File, name: &OsStr) -> Result<Option<libc::mode_t>> {
    let c = CString::new(name.as_encoded_bytes())
        .map_err(|_| Error::UnsafePath(name.to_string_lossy().into_owned()))?;
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: an open directory, a valid name and a stat buffer the kernel fills on success.
    let rc = unsafe {
        libc::fstatat(
            dir.as_raw_fd(),
            c.as_ptr(),
            st.as_mut_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    };
    if rc != 0 {
        let err = io::Error::last_os_error();
        return match err.raw_os_error() {
            Some(libc::ENOENT) => Ok(None),
            _ => Err(Error::Io(err)),
        };
    }
    // SAFETY: fstatat succeeded, so the buffer is initialised.
    Ok(Some(unsafe { st.assume_init() }.st_mode))
}

fn set_xattr(path: &Path, name: &str, value: &[u8]) -> Result<()> {
    let p = cpath(path)?;
    let n = CString::new(name).expect("xattr names have no NUL");
    // SAFETY: valid C strings and a value slice that outlives the call.
    let rc = unsafe {
        libc::lsetxattr(
            p.as_ptr(),
            n.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    if rc != 0 {
        return Err(Error::Io(io::Error::last_os_error()));
    }
    Ok(())
}

fn set_dir_xattr(dir: &fs::File, name: &str, value: &[u8]) -> Result<()> {
    let n = CString::new(name).expect("xattr names have no NUL");
    // SAFETY: an open descriptor, a valid C string and a value slice that outlives the call.
    let rc = unsafe {
        libc::fsetxattr(
            dir.as_raw_fd(),
            n.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    if rc != 0 {
        return Err(Error::Io(io::Error::last_os_error()));
    }
    Ok(())
}

fn apply_whiteout(beneath: &Beneath, rel: &Path, name: &str, mode: WhiteoutMode) -> Result<()> {
    let parent_rel = rel.parent().unwrap_or(Path::new(""));
    let dir = beneath.dir(parent_rel)?;
    let parent = &dir.path;
    if name == OPAQUE_MARKER {
        return match mode {
            WhiteoutMode::Overlay => set_dir_xattr(&dir.file, "trusted.overlay.opaque", b"y"),
            WhiteoutMode::OverlayUser => set_dir_xattr(&dir.file, "user.overlay.opaque", b"y"),
            WhiteoutMode::Apply => {
                for entry in fs::read_dir(parent)? {
                    remove_any(&entry?.path())?;
                }
                Ok(())
            }
        };
    }
    let hidden = &name[WHITEOUT_PREFIX.len()..];
    if hidden.is_empty() || hidden == "." || hidden == ".." || hidden.contains('/') {
        return Err(Error::UnsafePath(rel.display().to_string()));
    }
    let target = parent.join(hidden);
    remove_any(&target)?;
    match mode {
        WhiteoutMode::Apply => Ok(()),
        WhiteoutMode::Overlay => {
            let c = cpath(&target)?;
            // SAFETY: a valid path; a 0:0 character device is overlayfs's whiteout.
            if unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR, 0) } != 0 {
                return Err(Error::Io(io::Error::last_os_error()));
            }
            Ok(())
        }
        WhiteoutMode::OverlayUser => {
            fs::write(&target, b"")?;
            set_xattr(&target, "user.overlay.whiteout", b"y")
        }
    }
}

/// Uncompressed chunks travel from the decompressing thread to the unpacking one.
const CHUNK: usize = 256 * 1024;
const CHUNKS_IN_FLIGHT: usize = 32;

struct Compressed {
    compression: &'static str,
    digest: String,
    size: u64,
}

/// The producer side: read `source`, hash it, decompress it, send the tar stream in chunks.
fn decompress<R: Read>(source: R, tx: SyncSender<io::Result<Vec<u8>>>) -> Result<Compressed> {
    let mut outer = Hashing::new(source);
    let compression = {
        let mut buffered = BufReader::with_capacity(READ_BUFFER, &mut outer);
        let magic = buffered.fill_buf()?.to_vec();
        let (compression, mut decoder): (&'static str, Box<dyn Read + '_>) =
            if magic.starts_with(&[0x1f, 0x8b]) {
                (
                    "gzip",
                    Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
                )
            } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
                (
                    "zstd",
                    Box::new(zstd::stream::read::Decoder::with_buffer(buffered)?),
                )
            } else {
                ("none", Box::new(buffered))
            };
        loop {
            let mut chunk = vec![0u8; CHUNK];
            let mut filled = 0;
            while filled < CHUNK {
                match decoder.read(&mut chunk[filled..]) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        let kind = e.kind();
                        let message = e.to_string();
                        let _ = tx.send(Err(io::Error::new(kind, message.clone())));
                        return Err(corrupt(io::Error::new(kind, message)));
                    }
                }
            }
            if filled == 0 {
                break;
            }
            chunk.truncate(filled);
            if tx.send(Ok(chunk)).is_err() {
                // The unpacking side stopped (it has its own error to report).
                return Err(Error::Corrupt("unpacking stopped".into()));
            }
        }
        compression
    };
    drop(tx);
    io::copy(&mut outer, &mut io::sink())?;
    Ok(Compressed {
        compression,
        digest: outer.digest(),
        size: outer.count,
    })
}

/// The consumer side: the tar stream as a reader over the channel.
struct ChunkReader {
    rx: Receiver<io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    pos: usize,
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.chunk.len() {
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.pos);
        buf[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Unpack the (possibly compressed) layer read from `source` into `dest`.
///
/// Decompression (and the compressed digest) runs on its own thread while this one parses the
/// tar stream and writes files, so extraction costs about the larger of the two, not their sum.
pub fn extract<R: Read + Send>(source: R, dest: &Path, mode: WhiteoutMode) -> Result<LayerStats> {
    extract_with_split(source, dest, mode, None)
}

/// [`extract`], also writing the layer's tar-split record to `split` (see [`crate::split`]).
pub fn extract_with_split<R: Read + Send>(
    source: R,
    dest: &Path,
    mode: WhiteoutMode,
    split: Option<&Path>,
) -> Result<LayerStats> {
    extract_mapped(source, dest, mode, split, &IdMap::default())
}

/// [`extract_with_split`] with file ownership translated through `ids` (user namespaces).
pub fn extract_mapped<R: Read + Send>(
    source: R,
    dest: &Path,
    mode: WhiteoutMode,
    split: Option<&Path>,
    ids: &IdMap,
) -> Result<LayerStats> {
    extract_resolving(source, dest, mode, split, ids, None)
}

/// The extraction itself; `openat2` forces the way directories are resolved (None: detect).
fn extract_resolving<R: Read + Send>(
    source: R,
    dest: &Path,
    mode: WhiteoutMode,
    split: Option<&Path>,
    ids: &IdMap,
    openat2: Option<bool>,
) -> Result<LayerStats> {
    let root = fs::canonicalize(dest)?;
    let split = split.map(SplitFile::create).transpose()?;
    let (tx, rx) = sync_channel(CHUNKS_IN_FLIGHT);
    thread::scope(|scope| {
        let producer = scope.spawn(move || decompress(source, tx));
        let recorder = Recorder {
            inner: RefCell::new(Hashing::new(ChunkReader {
                rx,
                chunk: Vec::new(),
                pos: 0,
            })),
            split: split.map(RefCell::new),
        };
        let unpacked = unpack_tar(&recorder, &root, mode, ids, openat2)
            .and_then(|()| io::copy(&mut &recorder, &mut io::sink()).map_err(corrupt));
        let Recorder { inner, split } = recorder;
        let tar_stream = inner.into_inner();
        let diff_id = tar_stream.digest();
        let uncompressed_size = tar_stream.count;
        drop(tar_stream); // unblocks a producer still sending after an unpacking error
        let compressed = producer
            .join()
            .map_err(|_| Error::Corrupt("decompression thread panicked".into()));
        let split = split.map(RefCell::into_inner);
        let done = compressed.and_then(|c| unpacked.and(c));
        let compressed = match (done, split) {
            (Ok(c), Some(split)) => {
                split.commit(uncompressed_size, &diff_id)?;
                c
            }
            (Ok(c), None) => c,
            (Err(e), split) => {
                if let Some(split) = split {
                    split.abandon();
                }
                return Err(e);
            }
        };
        Ok(LayerStats {
            diff_id,
            compressed_digest: compressed.digest,
            compressed_size: compressed.size,
            uncompressed_size,
            compression: compressed.compression,
        })
    })
}

/// A character or block device or a fifo (the tar crate would write them as regular files).
fn make_node(target: &Path, header: &tar::Header, kind: tar::EntryType, ids: &IdMap) -> Result<()> {
    remove_any(target)?;
    let c = cpath(target)?;
    let perm = header.mode().map_err(corrupt)? & 0o7777;
    let (fmt, dev) = if kind == tar::EntryType::Fifo {
        (libc::S_IFIFO, 0)
    } else {
        let major = header.device_major().map_err(corrupt)?.unwrap_or(0);
        let minor = header.device_minor().map_err(corrupt)?.unwrap_or(0);
        let fmt = if kind == tar::EntryType::Char {
            libc::S_IFCHR
        } else {
            libc::S_IFBLK
        };
        (fmt, libc::makedev(major, minor))
    };
    let uid = ids.map_uid(header.uid().map_err(corrupt)?)?;
    let gid = ids.map_gid(header.gid().map_err(corrupt)?)?;
    let mtime = header.mtime().map_err(corrupt)? as libc::time_t;
    let times = [
        libc::timespec {
            tv_sec: mtime,
            tv_nsec: 0,
        },
        libc::timespec {
            tv_sec: mtime,
            tv_nsec: 0,
        },
    ];
    // SAFETY: a valid path; the node is ours, just made, and never a symlink.
    unsafe {
        if libc::mknod(c.as_ptr(), fmt | perm, dev) != 0
            || libc::lchown(c.as_ptr(), uid, gid) != 0
            || libc::chmod(c.as_ptr(), perm) != 0
            || libc::utimensat(
                libc::AT_FDCWD,
                c.as_ptr(),
                times.as_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            ) != 0
        {
            return Err(Error::Io(io::Error::last_os_error()));
        }
    }
    Ok(())
}

/// Directories get their mtimes last: creating their children changed them.
fn restore_dir_mtimes(root: &Path, dirs: &[(PathBuf, u64)]) -> Result<()> {
    let root = fs::File::open(root)?;
    for (rel, mtime) in dirs.iter().rev() {
        let dir =
            match open_in_root_with(&root, path_bytes(rel), libc::O_RDONLY | libc::O_DIRECTORY) {
                Ok(d) => d,
                Err(_) => continue, // replaced or removed by a later entry
            };
        let t = libc::timespec {
            tv_sec: *mtime as libc::time_t,
            tv_nsec: 0,
        };
        // SAFETY: an open directory and two valid timespecs.
        if unsafe { libc::futimens(dir.as_raw_fd(), [t, t].as_ptr()) } != 0 {
            return Err(Error::Io(io::Error::last_os_error()));
        }
    }
    Ok(())
}

fn unpack_tar<R: Read>(
    recorder: &Recorder<R>,
    root: &Path,
    mode: WhiteoutMode,
    ids: &IdMap,
    openat2: Option<bool>,
) -> Result<()> {
    let beneath = match openat2 {
        None => Beneath::new(root)?,
        Some(forced) => Beneath::with_openat2(root, forced)?,
    };
    let mut dirs = Vec::new();
    unpack_entries(recorder, &beneath, mode, ids, &mut dirs)?;
    restore_dir_mtimes(root, &dirs)
}

fn unpack_entries<R: Read>(
    recorder: &Recorder<R>,
    beneath: &Beneath,
    mode: WhiteoutMode,
    ids: &IdMap,
    dirs: &mut Vec<(PathBuf, u64)>,
) -> Result<()> {
    let mapped = !ids.is_identity();
    let mut archive = tar::Archive::new(recorder);
    archive.set_preserve_permissions(true);
    archive.set_preserve_mtime(true);
    archive.set_preserve_ownerships(!mapped);
    archive.set_unpack_xattrs(true);
    archive.set_overwrite(true);
    // The previous entry's directory: tars list a directory's entries together, so most entries
    // reuse it instead of resolving their directory again. Only an entry naming that directory
    // itself could replace it, and such an entry sits in another directory (which evicts it first).
    let mut last_dir: Option<(PathBuf, Dir)> = None;
    for entry in archive.entries().map_err(corrupt)? {
        let mut entry = entry.map_err(corrupt)?;
        let raw = entry.path().map_err(corrupt)?.into_owned();
        let rel = checked_relative(&raw)?;
        if rel.as_os_str().is_empty() {
            continue;
        }
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with(WHITEOUT_PREFIX) {
            last_dir = None;
            apply_whiteout(beneath, &rel, &name, mode)?;
            continue;
        }
        // Resolved by the kernel beneath the root; `target` never goes through the layer's tree again.
        let parent_rel = rel.parent().unwrap_or(Path::new(""));
        let parent = match last_dir.take() {
            Some((cached, dir)) if cached == parent_rel => dir,
            _ => beneath.dir(parent_rel)?,
        };
        let file_name = rel.file_name().unwrap_or_default();
        let target = parent.path.join(file_name);
        let kind = entry.header().entry_type();
        let dir_by_name = kind.is_file() && raw.as_os_str().as_encoded_bytes().ends_with(b"/");
        if let Some(existing) = lstat_at(&parent.file, file_name)? {
            let is_dir = existing & libc::S_IFMT == libc::S_IFDIR;
            let is_symlink = existing & libc::S_IFMT == libc::S_IFLNK;
            let incoming_dir = kind.is_dir() || dir_by_name;
            if is_dir != incoming_dir || is_symlink {
                remove_any(&target)?;
            }
        }
        last_dir = Some((parent_rel.to_path_buf(), parent));
        if matches!(
            kind,
            tar::EntryType::Char | tar::EntryType::Block | tar::EntryType::Fifo
        ) {
            make_node(&target, entry.header(), kind, ids)?;
            continue;
        }
        if kind == tar::EntryType::Link {
            let link = entry.link_name().map_err(corrupt)?.unwrap_or_default();
            let link_rel = checked_relative(&link)?;
            let source_dir = beneath.dir(link_rel.parent().unwrap_or(Path::new("")))?;
            let source = source_dir
                .path
                .join(link_rel.file_name().unwrap_or_default());
            remove_any(&target)?;
            fs::hard_link(&source, &target).map_err(|e| {
                Error::Io(io::Error::new(e.kind(), format!("{}: {e}", raw.display())))
            })?;
            continue;
        }
        if dir_by_name {
            beneath.dir(&rel)?;
            continue;
        }
        let owner = if mapped && kind != tar::EntryType::Link {
            Some(MappedOwner::of(&mut entry, ids)?)
        } else {
            None
        };
        if kind.is_dir() {
            dirs.push((rel.clone(), entry.header().mtime().map_err(corrupt)?));
        }
        if kind.is_file() {
            // Its payload goes to disk: the record keeps a reference instead of the bytes.
            recorder.begin_file(&rel, entry.size())?;
        }
        entry.unpack(&target).map_err(corrupt)?;
        if let Some(owner) = owner {
            owner.apply(&target, kind)?;
        }
    }
    Ok(())
}

/// What a mapped entry gets after the tar crate wrote it without ownership.
struct MappedOwner {
    uid: u32,
    gid: u32,
    mode: Option<u32>, // unreadable modes are left alone, as the tar crate does
    capability: Option<Vec<u8>>,
}

impl MappedOwner {
    fn of<R: Read>(entry: &mut tar::Entry<'_, R>, ids: &IdMap) -> Result<Self> {
        let header = entry.header();
        let (mut uid, mut gid) = (
            header.uid().map_err(corrupt)?,
            header.gid().map_err(corrupt)?,
        );
        let mode = header.mode().ok().map(|m| m & 0o7777);
        let mut capability = None;
        if let Some(pax) = entry.pax_extensions().map_err(corrupt)? {
            for ext in pax {
                let ext = ext.map_err(corrupt)?;
                match ext.key() {
                    Ok("uid") => uid = parse_pax_id(ext.value_bytes())?,
                    Ok("gid") => gid = parse_pax_id(ext.value_bytes())?,
                    Ok("SCHILY.xattr.security.capability") => {
                        capability = Some(ext.value_bytes().to_vec())
                    }
                    _ => {}
                }
            }
        }
        Ok(Self {
            uid: ids.map_uid(uid)?,
            gid: ids.map_gid(gid)?,
            mode,
            capability,
        })
    }

    /// chown, then the mode and file capability again: changing the owner clears setuid,
    /// setgid and `security.capability`.
    fn apply(&self, path: &Path, kind: tar::EntryType) -> Result<()> {
        let c = cpath(path)?;
        // SAFETY: a valid path; lchown never follows the final symlink.
        if unsafe { libc::lchown(c.as_ptr(), self.uid, self.gid) } != 0 {
            return Err(Error::Io(io::Error::last_os_error()));
        }
        if kind == tar::EntryType::Symlink {
            return Ok(());
        }
        if let Some(mode) = self.mode {
            // SAFETY: a valid path that is not a symlink (just written by us).
            if unsafe { libc::chmod(c.as_ptr(), mode) } != 0 {
                return Err(Error::Io(io::Error::last_os_error()));
            }
        }
        if let Some(cap) = &self.capability {
            set_xattr(path, "security.capability", cap)?;
        }
        Ok(())
    }
}

fn parse_pax_id(value: &[u8]) -> Result<u64> {
    std::str::from_utf8(value)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| Error::Corrupt("bad uid/gid in a PAX header".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn header() -> tar::Header {
        let mut h = tar::Header::new_gnu();
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        h
    }

    fn tar_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, data) in entries {
            let mut h = header();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, *data).unwrap();
        }
        b.into_inner().unwrap()
    }

    #[test]
    fn plain_gzip_and_zstd_give_the_same_diff_id() {
        let tar = tar_with(&[("a/b.txt", b"hello")]);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&tar).unwrap();
        let gz = gz.finish().unwrap();
        let zst = zstd::encode_all(&tar[..], 3).unwrap();
        let mut ids = Vec::new();
        for (data, kind) in [(&tar, "none"), (&gz, "gzip"), (&zst, "zstd")] {
            let dir = tempfile::tempdir().unwrap();
            let stats = extract(&data[..], dir.path(), WhiteoutMode::Apply).unwrap();
            assert_eq!(stats.compression, kind);
            assert_eq!(stats.compressed_size, data.len() as u64);
            assert_eq!(fs::read(dir.path().join("a/b.txt")).unwrap(), b"hello");
            ids.push(stats.diff_id);
        }
        assert!(ids.iter().all(|i| i == &ids[0]));
    }

    #[test]
    fn whiteouts_apply_mode_deletes() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("d/sub")).unwrap();
        fs::write(dir.path().join("gone"), b"x").unwrap();
        fs::write(dir.path().join("d/sub/f"), b"x").unwrap();
        let tar = tar_with(&[(".wh.gone", b""), ("d/.wh..wh..opq", b""), ("d/new", b"n")]);
        extract(&tar[..], dir.path(), WhiteoutMode::Apply).unwrap();
        assert!(!dir.path().join("gone").exists());
        assert!(!dir.path().join("d/sub").exists());
        assert!(dir.path().join("d/new").exists());
    }

    #[test]
    fn symlink_escape_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut b = tar::Builder::new(Vec::new());
        let mut h = header();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_size(0);
        h.set_cksum();
        b.append_link(&mut h, "evil", outside.path()).unwrap();
        let mut h = header();
        h.set_size(1);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, "evil/pwned", &b"x"[..]).unwrap();
        let tar = b.into_inner().unwrap();
        let err = extract(&tar[..], dir.path(), WhiteoutMode::Apply).unwrap_err();
        assert!(matches!(err, Error::UnsafePath(_)), "{err}");
        assert!(!outside.path().join("pwned").exists());
    }

    #[test]
    fn truncated_gzip_is_corrupt() {
        let tar = tar_with(&[("f", &[7u8; 5000][..])]);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&tar).unwrap();
        let gz = gz.finish().unwrap();
        let dir = tempfile::tempdir().unwrap();
        assert!(extract(&gz[..gz.len() / 2], dir.path(), WhiteoutMode::Apply).is_err());
    }

    fn is_root() -> bool {
        // SAFETY: geteuid has no preconditions.
        unsafe { libc::geteuid() == 0 }
    }

    fn userns_map() -> IdMap {
        IdMap {
            uids: vec![
                IdRange {
                    container: 0,
                    host: 100_000,
                    size: 1000,
                },
                IdRange {
                    container: 1000,
                    host: 200_000,
                    size: 10,
                },
            ],
            gids: vec![IdRange {
                container: 0,
                host: 300_000,
                size: 65536,
            }],
        }
    }

    #[test]
    fn id_ranges_translate_and_refuse_unmapped_ids() {
        let ids = userns_map();
        assert_eq!(ids.map_uid(0).unwrap(), 100_000);
        assert_eq!(ids.map_uid(999).unwrap(), 100_999);
        assert_eq!(ids.map_uid(1005).unwrap(), 200_005);
        assert!(matches!(ids.map_uid(1010), Err(Error::Corrupt(_))));
        assert_eq!(ids.map_gid(65535).unwrap(), 365_535);
        assert!(ids.map_gid(65536).is_err());
        let identity = IdMap::default();
        assert!(identity.is_identity());
        assert_eq!(identity.map_uid(4242).unwrap(), 4242);
        let only_uids = IdMap {
            uids: vec![IdRange {
                container: 0,
                host: 5,
                size: 1,
            }],
            gids: vec![],
        };
        assert_eq!(only_uids.map_gid(77).unwrap(), 77);
    }

    fn owned_tar() -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        let mut dir = header();
        dir.set_entry_type(tar::EntryType::Directory);
        dir.set_mode(0o2755);
        dir.set_uid(1001);
        dir.set_gid(5);
        dir.set_size(0);
        dir.set_cksum();
        b.append_data(&mut dir, "d/", &[][..]).unwrap();
        let mut suid = header();
        suid.set_mode(0o4755);
        suid.set_size(3);
        suid.set_cksum();
        b.append_data(&mut suid, "d/suid", &b"abc"[..]).unwrap();
        let mut link = header();
        link.set_entry_type(tar::EntryType::Symlink);
        link.set_uid(7);
        link.set_gid(8);
        link.set_size(0);
        b.append_link(&mut link, "d/sym", "suid").unwrap();
        let mut hard = header();
        hard.set_entry_type(tar::EntryType::Link);
        hard.set_size(0);
        b.append_link(&mut hard, "d/hard", "d/suid").unwrap();
        let mut fifo = header();
        fifo.set_entry_type(tar::EntryType::Fifo);
        fifo.set_mode(0o600);
        fifo.set_uid(2);
        fifo.set_gid(3);
        fifo.set_size(0);
        fifo.set_cksum();
        b.append_data(&mut fifo, "d/fifo", &[][..]).unwrap();
        b.into_inner().unwrap()
    }

    #[test]
    fn ownership_is_mapped_and_setuid_bits_survive_the_chown() {
        use std::os::unix::fs::MetadataExt;
        if !is_root() {
            return; // chown to other ids needs root
        }
        let dir = tempfile::tempdir().unwrap();
        let tar = owned_tar();
        extract_mapped(
            &tar[..],
            dir.path(),
            WhiteoutMode::Apply,
            None,
            &userns_map(),
        )
        .unwrap();
        let meta = |p: &str| fs::symlink_metadata(dir.path().join(p)).unwrap();
        let d = meta("d");
        assert_eq!(
            (d.uid(), d.gid(), d.mode() & 0o7777),
            (200_001, 300_005, 0o2755)
        );
        let f = meta("d/suid");
        assert_eq!(
            (f.uid(), f.gid(), f.mode() & 0o7777),
            (100_000, 300_000, 0o4755)
        );
        let s = meta("d/sym");
        assert_eq!((s.uid(), s.gid()), (100_007, 300_008));
        assert_eq!(meta("d/hard").ino(), f.ino());
        let p = meta("d/fifo");
        assert_eq!(
            (p.uid(), p.gid(), p.mode() & 0o7777),
            (100_002, 300_003, 0o600)
        );
        // without a map the ids are the tar's
        let plain = tempfile::tempdir().unwrap();
        extract(&tar[..], plain.path(), WhiteoutMode::Apply).unwrap();
        let f = fs::symlink_metadata(plain.path().join("d/suid")).unwrap();
        assert_eq!((f.uid(), f.gid(), f.mode() & 0o7777), (0, 0, 0o4755));
    }

    #[test]
    fn file_capabilities_are_set_again_after_the_chown() {
        if !is_root() {
            return;
        }
        // VFS_CAP_REVISION_2, CAP_NET_BIND_SERVICE permitted and effective
        let cap: Vec<u8> = vec![
            0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        let mut b = tar::Builder::new(Vec::new());
        let mut pax = Vec::new();
        let mut record = b"SCHILY.xattr.security.capability=".to_vec();
        record.extend_from_slice(&cap);
        record.push(b'\n');
        let mut len = record.len() + 1;
        while format!("{len} ").len() + record.len() != len {
            len = format!("{len} ").len() + record.len();
        }
        pax.extend_from_slice(format!("{len} ").as_bytes());
        pax.extend_from_slice(&record);
        let mut ph = tar::Header::new_ustar();
        ph.set_entry_type(tar::EntryType::XHeader);
        ph.set_size(pax.len() as u64);
        ph.set_cksum();
        b.append_data(&mut ph, "PaxHeaders/bin", &pax[..]).unwrap();
        let mut h = header();
        h.set_mode(0o755);
        h.set_size(2);
        h.set_cksum();
        b.append_data(&mut h, "bin", &b"ok"[..]).unwrap();
        let tar = b.into_inner().unwrap();
        let dir = tempfile::tempdir().unwrap();
        extract_mapped(
            &tar[..],
            dir.path(),
            WhiteoutMode::Apply,
            None,
            &userns_map(),
        )
        .unwrap();
        let path = cpath(&dir.path().join("bin")).unwrap();
        let name = CString::new("security.capability").unwrap();
        let mut buf = [0u8; 64];
        // SAFETY: valid strings and a buffer of the given length.
        let n = unsafe {
            libc::lgetxattr(
                path.as_ptr(),
                name.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        if n < 0 {
            // filesystems without security xattrs (the tar crate ignores the error) have nothing to check
            return;
        }
        assert_eq!(&buf[..n as usize], &cap[..]);
    }

    #[test]
    fn an_unmapped_owner_fails_the_extraction() {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = header();
        h.set_uid(5000);
        h.set_mode(0o644);
        h.set_size(1);
        h.set_cksum();
        b.append_data(&mut h, "f", &b"x"[..]).unwrap();
        let tar = b.into_inner().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let err = extract_mapped(
            &tar[..],
            dir.path(),
            WhiteoutMode::Apply,
            None,
            &userns_map(),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("uid 5000 cannot be mapped"),
            "{err}"
        );
    }

    enum E<'a> {
        Dir(&'a str),
        File(&'a str, &'a [u8]),
        Sym(&'a str, &'a str),
        Hard(&'a str, &'a str),
    }

    fn build(entries: &[E<'_>]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for e in entries {
            let mut h = header();
            match e {
                E::Dir(name) => {
                    h.set_entry_type(tar::EntryType::Directory);
                    h.set_mode(0o755);
                    h.set_size(0);
                    h.set_cksum();
                    b.append_data(&mut h, name, &[][..]).unwrap();
                }
                E::File(name, data) => {
                    h.set_mode(0o644);
                    h.set_size(data.len() as u64);
                    h.set_cksum();
                    b.append_data(&mut h, name, *data).unwrap();
                }
                E::Sym(name, to) => {
                    h.set_entry_type(tar::EntryType::Symlink);
                    h.set_mode(0o777);
                    h.set_size(0);
                    b.append_link(&mut h, name, to).unwrap();
                }
                E::Hard(name, to) => {
                    h.set_entry_type(tar::EntryType::Link);
                    h.set_mode(0o644);
                    h.set_size(0);
                    b.append_link(&mut h, name, to).unwrap();
                }
            }
        }
        b.into_inner().unwrap()
    }

    /// Every case under both resolvers: openat2 beneath the root, and the prefix check of old kernels.
    fn both(tar: &[u8], check: impl Fn(&Path, Result<LayerStats>)) {
        for openat2 in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().join("root");
            fs::create_dir(&root).unwrap();
            let result = extract_resolving(
                tar,
                &root,
                WhiteoutMode::Apply,
                None,
                &IdMap::default(),
                Some(openat2),
            );
            check(dir.path(), result);
        }
    }

    #[test]
    fn a_symlink_swapped_in_for_a_directory_is_not_followed_out() {
        let outside = tempfile::tempdir().unwrap();
        let out = outside.path().to_str().unwrap().to_owned();
        let tar = build(&[
            E::Dir("a/"),
            E::File("a/f", b"1"),
            E::Sym("a", &out),
            E::File("a/pwned", b"x"),
        ]);
        both(&tar, |_, result| {
            assert!(matches!(result, Err(Error::UnsafePath(_))), "{result:?}");
            assert!(!outside.path().join("pwned").exists());
        });
        let climbing = build(&[
            E::Sym("up", "../../../../../../.."),
            E::File("up/tmp/pwned", b"x"),
        ]);
        both(&climbing, |_, result| {
            assert!(matches!(result, Err(Error::UnsafePath(_))), "{result:?}");
        });
    }

    #[test]
    fn a_symlink_inside_the_root_is_followed() {
        let tar = build(&[
            E::Dir("usr/"),
            E::Dir("usr/bin/"),
            E::Sym("bin", "usr/bin"),
            E::File("bin/tool", b"t"),
            E::Hard("bin/tool2", "bin/tool"),
        ]);
        both(&tar, |dir, result| {
            result.unwrap();
            let root = dir.join("root");
            assert_eq!(fs::read(root.join("usr/bin/tool")).unwrap(), b"t");
            assert!(fs::symlink_metadata(root.join("bin"))
                .unwrap()
                .file_type()
                .is_symlink());
            assert_eq!(fs::read(root.join("usr/bin/tool2")).unwrap(), b"t");
        });
    }

    #[test]
    fn a_directory_replaced_between_its_entries_gets_the_later_ones() {
        let tar = build(&[
            E::Dir("d/"),
            E::File("d/a", b"1"),
            E::File("d", b"file now"),
            E::Dir("d/"),
            E::File("d/b", b"2"),
            E::File("d/c", b"3"),
            E::Dir("e/"),
            E::File("e/x", b"4"),
            E::Sym("e", "d"),
            E::File("e/y", b"5"),
        ]);
        both(&tar, |dir, result| {
            result.unwrap();
            let root = dir.join("root");
            let mut names: Vec<_> = fs::read_dir(root.join("d"))
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            names.sort();
            assert_eq!(names, ["b", "c", "y"]);
            assert_eq!(fs::read(root.join("d/y")).unwrap(), b"5");
        });
    }

    #[test]
    fn hard_links_and_whiteouts_through_an_outside_symlink_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret"), b"s").unwrap();
        let out = outside.path().to_str().unwrap().to_owned();
        let hard = build(&[E::Sym("s", &out), E::Hard("h", "s/secret")]);
        both(&hard, |dir, result| {
            assert!(matches!(result, Err(Error::UnsafePath(_))), "{result:?}");
            assert!(!dir.join("root/h").exists());
        });
        let whiteout = build(&[E::Sym("w", &out), E::File("w/.wh.secret", b"")]);
        both(&whiteout, |_, result| {
            assert!(matches!(result, Err(Error::UnsafePath(_))), "{result:?}");
            assert!(outside.path().join("secret").exists());
        });
    }
}
