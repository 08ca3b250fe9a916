//! Overlay diff: an overlay upper directory (or a layer in overlay form) written as a layer tar.
//!
//! Whiteout devices (0:0 char devices, or files with an overlay whiteout xattr) become
//! `.wh.NAME` entries, opaque directories get a `.wh..wh..opq` entry, hardlinks inside the
//! tree become tar hardlinks. Entries are written depth first in byte order of their names,
//! with the same header encoding every time, so the same content gives the same diffID.
//!
//! The walk never follows a symlink: directories are opened relative to their parent with
//! `O_NOFOLLOW`, and everything else is looked at through `/proc/self/fd/<dir>/<name>`.

use crate::archive::sha256_string;
use crate::split::{open_in_root, HashingWriter};
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::ffi::{CString, OsStr};
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

const BLOCK: usize = 512;
const WHITEOUT_PREFIX: &[u8] = b".wh.";
const OPAQUE_MARKER: &[u8] = b".wh..wh..opq";
const OCTAL8_MAX: u64 = 0o7777777;
const OCTAL12_MAX: u64 = 0o77777777777;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip(u32),
    Zstd(i32),
}

impl Compression {
    /// `None`, `"gzip"` or `"zstd"`, with an optional level (defaults: gzip 6, zstd 3).
    pub fn parse(name: Option<&str>, level: Option<i32>) -> Option<Self> {
        match name {
            None | Some("none") | Some("") => Some(Compression::None),
            Some("gzip") => Some(Compression::Gzip(level.unwrap_or(6).clamp(0, 9) as u32)),
            Some("zstd") => Some(Compression::Zstd(level.unwrap_or(3))),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffStats {
    pub diff_id: String,
    pub digest: String,
    pub size: u64,
    pub compressed_size: u64,
    pub entries: u64,
}

/// Write the layer tar of `upper` to `out`; `lowers` (top first) supply the data of
/// metacopy-only files.
pub fn diff<W: Write>(
    upper: &Path,
    lowers: &[PathBuf],
    out: W,
    compression: Compression,
) -> Result<DiffStats> {
    let root = open_dir(None, upper.as_os_str())?;
    let lower_roots = lowers
        .iter()
        .map(File::open)
        .collect::<io::Result<Vec<_>>>()?;
    let compressed = HashingWriter::new(out);
    let (stats, compressed) = match compression {
        Compression::None => {
            let (tar, entries) = write_tar(&root, &lower_roots, HashingWriter::new(compressed))?;
            let (diff_id, size) = (tar.digest(), tar.count());
            let compressed = tar.into_inner();
            (stats(diff_id, size, entries), compressed)
        }
        Compression::Gzip(level) => {
            let enc = flate2::write::GzEncoder::new(compressed, flate2::Compression::new(level));
            let (tar, entries) = write_tar(&root, &lower_roots, HashingWriter::new(enc))?;
            let s = stats(tar.digest(), tar.count(), entries);
            (s, tar.into_inner().finish()?)
        }
        Compression::Zstd(level) => {
            let enc = zstd::Encoder::new(compressed, level)?;
            let (tar, entries) = write_tar(&root, &lower_roots, HashingWriter::new(enc))?;
            let s = stats(tar.digest(), tar.count(), entries);
            (s, tar.into_inner().finish()?)
        }
    };
    let mut compressed = compressed;
    compressed.flush()?;
    Ok(DiffStats {
        digest: compressed.digest(),
        compressed_size: compressed.count(),
        ..stats
    })
}

fn stats(diff_id: String, size: u64, entries: u64) -> DiffStats {
    DiffStats {
        digest: String::new(),
        compressed_size: 0,
        diff_id,
        size,
        entries,
    }
}

fn write_tar<W: Write>(root: &File, lowers: &[File], out: W) -> Result<(W, u64)> {
    let mut w = Walker {
        out,
        lowers,
        links: HashMap::new(),
        buf: vec![0u8; 1 << 20],
        entries: 0,
    };
    w.walk_dir(root, b"")?;
    w.out.write_all(&[0u8; 2 * BLOCK])?;
    Ok((w.out, w.entries))
}

fn cstr(name: &[u8]) -> Result<CString> {
    CString::new(name).map_err(|_| Error::UnsafePath(String::from_utf8_lossy(name).into_owned()))
}

fn open_dir(parent: Option<&File>, name: &OsStr) -> Result<File> {
    let c = cstr(name.as_bytes())?;
    let dirfd = parent.map_or(libc::AT_FDCWD, |p| p.as_raw_fd());
    let mut flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;
    if parent.is_some() {
        flags |= libc::O_NOFOLLOW;
    }
    // SAFETY: valid dirfd and C string.
    let fd = unsafe { libc::openat(dirfd, c.as_ptr(), flags) };
    if fd < 0 {
        return Err(Error::Io(io::Error::last_os_error()));
    }
    // SAFETY: a fresh descriptor.
    Ok(File::from(unsafe { OwnedFd::from_raw_fd(fd) }))
}

fn lstat_at(dir: &File, name: &[u8]) -> Result<libc::stat> {
    let c = cstr(name)?;
    // SAFETY: an all-zero stat is a valid out buffer.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: valid dirfd, C string and out pointer.
    let rc = unsafe {
        libc::fstatat(
            dir.as_raw_fd(),
            c.as_ptr(),
            &mut st,
            libc::AT_SYMLINK_NOFOLLOW,
        )
    };
    if rc != 0 {
        return Err(Error::Io(io::Error::last_os_error()));
    }
    Ok(st)
}

fn proc_path(dir: &File, name: &[u8]) -> Vec<u8> {
    let mut p = format!("/proc/self/fd/{}/", dir.as_raw_fd()).into_bytes();
    p.extend_from_slice(name);
    p
}

/// The xattrs of `name` (not following it), sorted by name.
fn xattrs(dir: &File, name: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    let path = cstr(&proc_path(dir, name))?;
    let mut names = vec![0u8; 4096];
    let len = loop {
        // SAFETY: valid path and buffer of the size passed.
        let n = unsafe { libc::llistxattr(path.as_ptr(), names.as_mut_ptr().cast(), names.len()) };
        if n >= 0 {
            break n as usize;
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::ERANGE) => names.resize(names.len() * 4, 0),
            Some(libc::ENOTSUP) => return Ok(Vec::new()),
            _ => return Err(Error::Io(err)),
        }
    };
    let mut out = Vec::new();
    for key in names[..len].split(|b| *b == 0).filter(|k| !k.is_empty()) {
        if let Some(value) = get_xattr(&path, key)? {
            out.push((key.to_vec(), value));
        }
    }
    out.sort();
    Ok(out)
}

fn get_xattr(path: &CString, key: &[u8]) -> Result<Option<Vec<u8>>> {
    let k = cstr(key)?;
    let mut value = vec![0u8; 256];
    loop {
        // SAFETY: valid strings and buffer.
        let n = unsafe {
            libc::lgetxattr(
                path.as_ptr(),
                k.as_ptr(),
                value.as_mut_ptr().cast(),
                value.len(),
            )
        };
        if n >= 0 {
            value.truncate(n as usize);
            return Ok(Some(value));
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::ERANGE) => value.resize(value.len() * 8, 0),
            Some(libc::ENODATA) => return Ok(None),
            _ => return Err(Error::Io(err)),
        }
    }
}

fn is_overlay_xattr(key: &[u8]) -> bool {
    key.starts_with(b"trusted.overlay.") || key.starts_with(b"user.overlay.")
}

/// What a layer tar carries, as Podman writes it: file capabilities and user xattrs.
fn kept_xattr(key: &[u8]) -> bool {
    !is_overlay_xattr(key) && (key == b"security.capability" || key.starts_with(b"user."))
}

fn overlay_flag(attrs: &[(Vec<u8>, Vec<u8>)], what: &[u8]) -> bool {
    attrs.iter().any(|(k, v)| {
        (k.strip_prefix(b"trusted.overlay.") == Some(what)
            || k.strip_prefix(b"user.overlay.") == Some(what))
            && v == b"y"
    })
}

fn has_overlay_key(attrs: &[(Vec<u8>, Vec<u8>)], what: &[u8]) -> bool {
    attrs.iter().any(|(k, _)| {
        k.strip_prefix(b"trusted.overlay.") == Some(what)
            || k.strip_prefix(b"user.overlay.") == Some(what)
    })
}

/// One tar header's worth of metadata.
struct Meta<'a> {
    path: &'a [u8],
    kind: u8,
    mode: u32,
    uid: u64,
    gid: u64,
    size: u64,
    mtime: i64,
    link: &'a [u8],
    dev: (u32, u32),
    xattrs: &'a [(Vec<u8>, Vec<u8>)],
}

fn octal(field: &mut [u8], value: u64) {
    let width = field.len() - 1;
    let s = format!("{value:0width$o}");
    field[..width].copy_from_slice(s.as_bytes());
    field[width] = 0;
}

fn pax_record(out: &mut Vec<u8>, key: &[u8], value: &[u8]) {
    let body = key.len() + value.len() + 3; // ' ', '=', '\n'
    let mut len = body + 1;
    while len != body + len.to_string().len() {
        len = body + len.to_string().len();
    }
    out.extend_from_slice(len.to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(key);
    out.push(b'=');
    out.extend_from_slice(value);
    out.push(b'\n');
}

#[allow(clippy::too_many_arguments)]
fn ustar_header(
    name: &[u8],
    kind: u8,
    mode: u32,
    ids: (u64, u64),
    size: u64,
    mtime: u64,
    link: &[u8],
    dev: (u32, u32),
) -> [u8; BLOCK] {
    let mut h = [0u8; BLOCK];
    h[..name.len()].copy_from_slice(name);
    octal(&mut h[100..108], u64::from(mode));
    octal(&mut h[108..116], ids.0);
    octal(&mut h[116..124], ids.1);
    octal(&mut h[124..136], size);
    octal(&mut h[136..148], mtime);
    h[156] = kind;
    h[157..157 + link.len()].copy_from_slice(link);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    if kind == b'3' || kind == b'4' {
        octal(&mut h[329..337], u64::from(dev.0));
        octal(&mut h[337..345], u64::from(dev.1));
    }
    h[148..156].fill(b' ');
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    let s = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(s.as_bytes());
    h
}

fn pad<W: Write>(out: &mut W, size: u64) -> io::Result<()> {
    let rem = (size % BLOCK as u64) as usize;
    if rem != 0 {
        out.write_all(&[0u8; BLOCK][..BLOCK - rem])?;
    }
    Ok(())
}

/// Write the header(s) of one entry: a PAX record first when a field does not fit ustar.
fn write_header<W: Write>(out: &mut W, m: &Meta<'_>) -> io::Result<()> {
    let mut pax = Vec::new();
    if m.path.len() > 100 {
        pax_record(&mut pax, b"path", m.path);
    }
    if m.link.len() > 100 {
        pax_record(&mut pax, b"linkpath", m.link);
    }
    if m.uid > OCTAL8_MAX {
        pax_record(&mut pax, b"uid", m.uid.to_string().as_bytes());
    }
    if m.gid > OCTAL8_MAX {
        pax_record(&mut pax, b"gid", m.gid.to_string().as_bytes());
    }
    if m.size > OCTAL12_MAX {
        pax_record(&mut pax, b"size", m.size.to_string().as_bytes());
    }
    if m.mtime < 0 || m.mtime as u64 > OCTAL12_MAX {
        pax_record(&mut pax, b"mtime", m.mtime.to_string().as_bytes());
    }
    for (key, value) in m.xattrs {
        let mut k = b"SCHILY.xattr.".to_vec();
        k.extend_from_slice(key);
        pax_record(&mut pax, &k, value);
    }
    if !pax.is_empty() {
        let h = ustar_header(
            b"././@PaxHeader",
            b'x',
            0o644,
            (0, 0),
            pax.len() as u64,
            0,
            b"",
            (0, 0),
        );
        out.write_all(&h)?;
        out.write_all(&pax)?;
        pad(out, pax.len() as u64)?;
    }
    let name = if m.path.len() > 100 {
        &m.path[..100]
    } else {
        m.path
    };
    let link = if m.link.len() > 100 {
        &m.link[..100]
    } else {
        m.link
    };
    let h = ustar_header(
        name,
        m.kind,
        m.mode & 0o7777,
        (m.uid.min(OCTAL8_MAX), m.gid.min(OCTAL8_MAX)),
        m.size.min(OCTAL12_MAX),
        m.mtime.clamp(0, OCTAL12_MAX as i64) as u64,
        link,
        m.dev,
    );
    out.write_all(&h)
}

struct Walker<'a, W> {
    out: W,
    lowers: &'a [File],
    links: HashMap<(u64, u64), Vec<u8>>,
    buf: Vec<u8>,
    entries: u64,
}

impl<W: Write> Walker<'_, W> {
    fn walk_dir(&mut self, dir: &File, prefix: &[u8]) -> Result<()> {
        let mut names: Vec<Vec<u8>> =
            std::fs::read_dir(format!("/proc/self/fd/{}", dir.as_raw_fd()))?
                .map(|e| e.map(|e| e.file_name().as_bytes().to_vec()))
                .collect::<io::Result<_>>()?;
        names.sort();
        for name in names {
            let mut path = prefix.to_vec();
            path.extend_from_slice(&name);
            self.entry(dir, &name, path)?;
        }
        Ok(())
    }

    fn entry(&mut self, dir: &File, name: &[u8], path: Vec<u8>) -> Result<()> {
        let st = match lstat_at(dir, name) {
            Ok(st) => st,
            // Removed since the directory was listed (a running container): nothing to record.
            Err(Error::Io(e)) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let fmt = st.st_mode & libc::S_IFMT;
        let attrs = if fmt == libc::S_IFLNK {
            Vec::new()
        } else {
            xattrs(dir, name)?
        };
        let kept: Vec<_> = attrs
            .iter()
            .filter(|(k, _)| kept_xattr(k))
            .cloned()
            .collect();
        let mut meta = Meta {
            path: &path,
            kind: b'0',
            mode: st.st_mode,
            uid: u64::from(st.st_uid),
            gid: u64::from(st.st_gid),
            size: 0,
            mtime: st.st_mtime,
            link: b"",
            dev: (0, 0),
            xattrs: &kept,
        };
        let whiteout = (fmt == libc::S_IFCHR && st.st_rdev == 0)
            || (fmt == libc::S_IFREG && overlay_flag(&attrs, b"whiteout"))
            || (fmt == libc::S_IFREG && has_overlay_key(&attrs, b"whiteout") && st.st_size == 0);
        if whiteout {
            let mut wh = path[..path.len() - name.len()].to_vec();
            wh.extend_from_slice(WHITEOUT_PREFIX);
            wh.extend_from_slice(name);
            meta.path = &wh;
            meta.mode = 0o600;
            meta.xattrs = &[];
            self.entries += 1;
            return Ok(write_header(&mut self.out, &meta)?);
        }
        match fmt {
            libc::S_IFDIR => {
                let mut dir_path = path.clone();
                dir_path.push(b'/');
                meta.path = &dir_path;
                meta.kind = b'5';
                write_header(&mut self.out, &meta)?;
                self.entries += 1;
                if overlay_flag(&attrs, b"opaque") {
                    let mut marker = dir_path.clone();
                    marker.extend_from_slice(OPAQUE_MARKER);
                    let m = Meta {
                        path: &marker,
                        kind: b'0',
                        mode: 0o600,
                        xattrs: &[],
                        ..meta
                    };
                    write_header(&mut self.out, &m)?;
                    self.entries += 1;
                }
                let sub = open_dir(Some(dir), OsStr::from_bytes(name))?;
                self.walk_dir(&sub, &dir_path)
            }
            libc::S_IFLNK => {
                let target = std::fs::read_link(OsStr::from_bytes(&proc_path(dir, name)))?;
                meta.kind = b'2';
                meta.link = target.as_os_str().as_bytes();
                self.entries += 1;
                Ok(write_header(&mut self.out, &meta)?)
            }
            libc::S_IFREG => {
                let key = (st.st_dev, st.st_ino);
                if st.st_nlink > 1 {
                    if let Some(first) = self.links.get(&key) {
                        let first = first.clone();
                        meta.kind = b'1';
                        meta.link = &first;
                        self.entries += 1;
                        return Ok(write_header(&mut self.out, &meta)?);
                    }
                    self.links.insert(key, path.clone());
                }
                let size = st.st_size as u64;
                meta.size = size;
                let file = if has_overlay_key(&attrs, b"metacopy") {
                    self.lower_data(&path)?
                } else {
                    open_file(dir, name)?
                };
                write_header(&mut self.out, &meta)?;
                self.entries += 1;
                self.copy(file, size, &path)?;
                Ok(pad(&mut self.out, size)?)
            }
            libc::S_IFCHR | libc::S_IFBLK | libc::S_IFIFO => {
                meta.kind = match fmt {
                    libc::S_IFCHR => b'3',
                    libc::S_IFBLK => b'4',
                    _ => b'6',
                };
                meta.dev = (libc::major(st.st_rdev), libc::minor(st.st_rdev));
                self.entries += 1;
                Ok(write_header(&mut self.out, &meta)?)
            }
            _ => Ok(()), // sockets have no tar form
        }
    }

    fn lower_data(&self, path: &[u8]) -> Result<File> {
        for lower in self.lowers {
            match open_in_root(lower, path) {
                Ok(f) => return Ok(f),
                Err(Error::Io(e)) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            }
        }
        Err(Error::Corrupt(format!(
            "{}: metacopy file with no data in the lower layers",
            String::from_utf8_lossy(path)
        )))
    }

    fn copy(&mut self, mut file: File, size: u64, path: &[u8]) -> Result<()> {
        let mut left = size;
        while left > 0 {
            let want = (self.buf.len() as u64).min(left) as usize;
            let n = match file.read(&mut self.buf[..want]) {
                Ok(0) => {
                    return Err(Error::Corrupt(format!(
                        "{}: file shrank while being read",
                        String::from_utf8_lossy(path)
                    )))
                }
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::Io(e)),
            };
            self.out.write_all(&self.buf[..n])?;
            left -= n as u64;
        }
        Ok(())
    }
}

fn open_file(dir: &File, name: &[u8]) -> Result<File> {
    let c = cstr(name)?;
    // SAFETY: valid dirfd and C string.
    let fd = unsafe {
        libc::openat(
            dir.as_raw_fd(),
            c.as_ptr(),
            libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(Error::Io(io::Error::last_os_error()));
    }
    // SAFETY: a fresh descriptor.
    Ok(File::from(unsafe { OwnedFd::from_raw_fd(fd) }))
}

/// `sha256:<hex>` of `data` (tests and callers that hash small blobs).
pub fn sha256_of(data: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(data);
    sha256_string(&h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::{extract_with_split, WhiteoutMode};
    use crate::split::assemble;
    use std::fs;
    use std::os::unix::fs::symlink;

    fn is_root() -> bool {
        // SAFETY: no arguments, no side effects.
        unsafe { libc::geteuid() == 0 }
    }

    fn set_xattr(path: &Path, key: &str, value: &[u8]) {
        let p = CString::new(path.as_os_str().as_bytes()).unwrap();
        let k = CString::new(key).unwrap();
        // SAFETY: valid strings and buffer.
        let rc = unsafe {
            libc::lsetxattr(
                p.as_ptr(),
                k.as_ptr(),
                value.as_ptr().cast(),
                value.len(),
                0,
            )
        };
        assert_eq!(rc, 0, "{key}: {}", io::Error::last_os_error());
    }

    /// An upper directory as overlayfs leaves it (the xattr forms podpy can make here).
    fn upper() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        fs::create_dir_all(p.join("etc/sub")).unwrap();
        fs::write(p.join("etc/passwd"), b"root:x:0:0\n").unwrap();
        fs::hard_link(p.join("etc/passwd"), p.join("etc/passwd-link")).unwrap();
        symlink("passwd", p.join("etc/pw")).unwrap();
        fs::write(p.join(format!("etc/{}", "l".repeat(140))), b"long").unwrap();
        fs::create_dir(p.join("opaque")).unwrap();
        fs::write(p.join("opaque/new"), b"n").unwrap();
        set_xattr(&p.join("etc/passwd"), "user.note", b"kept");
        if is_root() {
            set_xattr(&p.join("opaque"), "trusted.overlay.opaque", b"y");
            let gone = CString::new(p.join("etc/gone").as_os_str().as_bytes()).unwrap();
            // SAFETY: valid path; a 0:0 char device is overlay's whiteout.
            assert_eq!(unsafe { libc::mknod(gone.as_ptr(), libc::S_IFCHR, 0) }, 0);
            let fifo = CString::new(p.join("fifo").as_os_str().as_bytes()).unwrap();
            // SAFETY: valid path.
            assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        } else {
            set_xattr(&p.join("opaque"), "user.overlay.opaque", b"y");
            fs::write(p.join("etc/gone"), b"").unwrap();
            set_xattr(&p.join("etc/gone"), "user.overlay.whiteout", b"y");
        }
        dir
    }

    fn entries(tar: &[u8]) -> Vec<(String, tar::EntryType, Vec<u8>)> {
        let mut a = tar::Archive::new(tar);
        a.entries()
            .unwrap()
            .map(|e| {
                let mut e = e.unwrap();
                let name = e.path().unwrap().to_string_lossy().into_owned();
                let kind = e.header().entry_type();
                let mut data = Vec::new();
                e.read_to_end(&mut data).unwrap();
                (name, kind, data)
            })
            .collect()
    }

    #[test]
    fn upper_dir_becomes_a_layer_tar() {
        let dir = upper();
        let mut out = Vec::new();
        let stats = diff(dir.path(), &[], &mut out, Compression::None).unwrap();
        assert_eq!(stats.diff_id, stats.digest);
        assert_eq!(stats.size, out.len() as u64);
        assert_eq!(stats.diff_id, sha256_of(&out));
        let got = entries(&out);
        let names: Vec<&str> = got.iter().map(|e| e.0.as_str()).collect();
        let long = format!("etc/{}", "l".repeat(140));
        let mut expected = vec![
            "etc/",
            "etc/.wh.gone",
            long.as_str(),
            "etc/passwd",
            "etc/passwd-link",
            "etc/pw",
            "etc/sub/",
        ];
        if is_root() {
            expected.push("fifo");
        }
        expected.extend(["opaque/", "opaque/.wh..wh..opq", "opaque/new"]);
        assert_eq!(names, expected);
        let by_name = |n: &str| got.iter().find(|e| e.0 == n).unwrap();
        assert_eq!(by_name("etc/passwd").2, b"root:x:0:0\n");
        assert_eq!(by_name("etc/passwd-link").1, tar::EntryType::Link);
        assert_eq!(by_name("etc/pw").1, tar::EntryType::Symlink);
        assert_eq!(by_name(&long).2, b"long");
        // The user xattr travels in PAX; overlay's own do not.
        let mut a = tar::Archive::new(&out[..]);
        for e in a.entries().unwrap() {
            let mut e = e.unwrap();
            let path = e.path().unwrap().to_string_lossy().into_owned();
            let keys: Vec<String> = e
                .pax_extensions()
                .unwrap()
                .map(|exts| exts.map(|x| x.unwrap().key().unwrap().to_owned()).collect())
                .unwrap_or_default();
            if path == "etc/passwd" {
                assert_eq!(keys, vec!["SCHILY.xattr.user.note".to_string()]);
            } else {
                assert!(
                    keys.iter().all(|k| !k.contains("overlay")),
                    "{path}: {keys:?}"
                );
            }
        }
    }

    #[test]
    fn output_is_deterministic_and_compression_keeps_the_diff_id() {
        let dir = upper();
        let mut plain = Vec::new();
        let a = diff(dir.path(), &[], &mut plain, Compression::None).unwrap();
        let b = diff(dir.path(), &[], io::sink(), Compression::None).unwrap();
        assert_eq!(a, b);
        for c in [Compression::Gzip(6), Compression::Zstd(3)] {
            let mut out = Vec::new();
            let s = diff(dir.path(), &[], &mut out, c).unwrap();
            assert_eq!(s.diff_id, a.diff_id);
            assert_eq!(s.digest, sha256_of(&out));
            assert_eq!(s.compressed_size, out.len() as u64);
            assert_ne!(s.digest, s.diff_id);
        }
    }

    #[test]
    fn diff_output_extracts_and_assembles_back() {
        let dir = upper();
        let mut tar = Vec::new();
        let stats = diff(dir.path(), &[], &mut tar, Compression::None).unwrap();
        let into = tempfile::tempdir().unwrap();
        let layer = into.path().join("diff");
        fs::create_dir(&layer).unwrap();
        let split = into.path().join("split.zst");
        let mode = if is_root() {
            WhiteoutMode::Overlay
        } else {
            WhiteoutMode::OverlayUser
        };
        let x = extract_with_split(&tar[..], &layer, mode, Some(&split)).unwrap();
        assert_eq!(x.diff_id, stats.diff_id);
        let mut again = Vec::new();
        assemble(&split, &layer, &mut again).unwrap();
        assert!(again == tar);
        // The extracted layer (overlay form again) diffs to the same tar.
        let mut second = Vec::new();
        diff(&layer, &[], &mut second, Compression::None).unwrap();
        let headers = |t: &[u8]| -> Vec<String> {
            let mut a = tar::Archive::new(t);
            a.entries()
                .unwrap()
                .map(|e| {
                    let e = e.unwrap();
                    let h = e.header();
                    format!(
                        "{} {:?} {:o} {} {}",
                        e.path().unwrap().display(),
                        h.entry_type(),
                        h.mode().unwrap(),
                        h.mtime().unwrap(),
                        h.uid().unwrap()
                    )
                })
                .collect()
        };
        assert_eq!(headers(&second), headers(&tar));
        assert!(second == tar);
    }
}
