//! Tar-split records: a layer's exact uncompressed tar stream, minus the file contents.
//!
//! While a layer is unpacked, every byte the tar parser reads is kept as raw bytes (headers,
//! PAX and GNU long-name records, padding, the end-of-archive blocks and anything after)
//! except the payloads of regular files written to disk, which are kept as references
//! (path in the layer, length). [`assemble`] puts the original tar back together from the
//! record and the layer directory, byte for byte, so that a saved layer has its diffID.
//!
//! The record is a zstd stream of: a magic line, then tagged segments, then an end segment
//! carrying the stream's size and digest (checked again when assembling).

use crate::archive::sha256_string;
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::ffi::CString;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 16] = b"podpy-tar-split1";
const TAG_END: u8 = 0;
const TAG_RAW: u8 = 1;
const TAG_FILE: u8 = 2;
const RAW_FLUSH: usize = 1 << 20;
const ZSTD_LEVEL: i32 = 3;

/// One piece of a recorded tar stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Raw(Vec<u8>),
    File { path: Vec<u8>, size: u64 },
    End { size: u64, diff_id: String },
}

fn put_varint<W: Write>(w: &mut W, mut v: u64) -> io::Result<()> {
    let mut buf = [0u8; 10];
    let mut i = 0;
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            buf[i] = byte;
            i += 1;
            break;
        }
        buf[i] = byte | 0x80;
        i += 1;
    }
    w.write_all(&buf[..i])
}

fn get_varint<R: Read>(r: &mut R) -> Result<u64> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let mut b = [0u8; 1];
        r.read_exact(&mut b).map_err(bad_record)?;
        v |= u64::from(b[0] & 0x7f) << shift;
        if b[0] & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(Error::Corrupt("tar-split record: varint too long".into()))
}

fn bad_record(e: io::Error) -> Error {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        Error::Corrupt("tar-split record is truncated".into())
    } else {
        Error::Io(e)
    }
}

/// Writes segments; raw bytes are buffered and merged until a file reference or the end.
pub struct SplitWriter<W: Write> {
    out: W,
    raw: Vec<u8>,
    payload_left: u64,
}

impl<W: Write> SplitWriter<W> {
    pub fn new(mut out: W) -> io::Result<Self> {
        out.write_all(MAGIC)?;
        Ok(SplitWriter {
            out,
            raw: Vec::with_capacity(64 * 1024),
            payload_left: 0,
        })
    }

    fn flush_raw(&mut self) -> io::Result<()> {
        if self.raw.is_empty() {
            return Ok(());
        }
        self.out.write_all(&[TAG_RAW])?;
        put_varint(&mut self.out, self.raw.len() as u64)?;
        self.out.write_all(&self.raw)?;
        self.raw.clear();
        Ok(())
    }

    /// The tar stream consumed `bytes`: payload bytes are only counted, the rest kept.
    pub fn consumed(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        if self.payload_left > 0 {
            let take = (bytes.len() as u64).min(self.payload_left) as usize;
            self.payload_left -= take as u64;
            bytes = &bytes[take..];
        }
        self.raw.extend_from_slice(bytes);
        if self.raw.len() >= RAW_FLUSH {
            self.flush_raw()?;
        }
        Ok(())
    }

    /// The next `size` bytes of the stream are the contents of `path` (relative to the layer).
    pub fn begin_file(&mut self, path: &[u8], size: u64) -> io::Result<()> {
        debug_assert_eq!(self.payload_left, 0);
        self.flush_raw()?;
        self.out.write_all(&[TAG_FILE])?;
        put_varint(&mut self.out, path.len() as u64)?;
        self.out.write_all(path)?;
        put_varint(&mut self.out, size)?;
        self.payload_left = size;
        Ok(())
    }

    /// Close the record with the stream's size and digest; the underlying writer.
    pub fn finish(mut self, size: u64, diff_id: &str) -> io::Result<W> {
        if self.payload_left != 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "tar stream ended inside a file",
            ));
        }
        self.flush_raw()?;
        self.out.write_all(&[TAG_END])?;
        put_varint(&mut self.out, size)?;
        put_varint(&mut self.out, diff_id.len() as u64)?;
        self.out.write_all(diff_id.as_bytes())?;
        Ok(self.out)
    }
}

/// A split record being written to `path` through a temp file renamed into place on [`commit`](Self::commit).
pub struct SplitFile {
    writer: SplitWriter<zstd::Encoder<'static, BufWriter<File>>>,
    tmp: PathBuf,
    path: PathBuf,
}

impl SplitFile {
    pub fn create(path: &Path) -> Result<Self> {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".tmp");
        let tmp = path.with_file_name(name);
        let file = File::create(&tmp)?;
        let encoder = zstd::Encoder::new(BufWriter::with_capacity(256 * 1024, file), ZSTD_LEVEL)?;
        Ok(SplitFile {
            writer: SplitWriter::new(encoder)?,
            tmp,
            path: path.to_owned(),
        })
    }

    pub fn writer(&mut self) -> &mut SplitWriter<zstd::Encoder<'static, BufWriter<File>>> {
        &mut self.writer
    }

    pub fn commit(self, size: u64, diff_id: &str) -> Result<()> {
        let tmp = self.tmp.clone();
        let done = (|| -> io::Result<()> {
            let encoder = self.writer.finish(size, diff_id)?;
            let file = encoder.finish()?.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            std::fs::rename(&tmp, &self.path)
        })();
        if done.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        done.map_err(Error::Io)
    }

    pub fn abandon(self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Reads the segments of a record.
pub struct SplitReader<R: Read> {
    input: R,
    done: bool,
}

impl<R: Read> SplitReader<R> {
    pub fn new(mut input: R) -> Result<Self> {
        let mut magic = [0u8; 16];
        input.read_exact(&mut magic).map_err(bad_record)?;
        if &magic != MAGIC {
            return Err(Error::Corrupt("not a podpy tar-split record".into()));
        }
        Ok(SplitReader { input, done: false })
    }

    pub fn next_segment(&mut self) -> Result<Option<Segment>> {
        if self.done {
            return Ok(None);
        }
        let mut tag = [0u8; 1];
        self.input.read_exact(&mut tag).map_err(bad_record)?;
        let bytes = |r: &mut R, len: u64| -> Result<Vec<u8>> {
            if len > 1 << 30 {
                return Err(Error::Corrupt("tar-split record: segment too large".into()));
            }
            let mut v = vec![0u8; len as usize];
            r.read_exact(&mut v).map_err(bad_record)?;
            Ok(v)
        };
        match tag[0] {
            TAG_RAW => {
                let len = get_varint(&mut self.input)?;
                Ok(Some(Segment::Raw(bytes(&mut self.input, len)?)))
            }
            TAG_FILE => {
                let len = get_varint(&mut self.input)?;
                let path = bytes(&mut self.input, len)?;
                let size = get_varint(&mut self.input)?;
                Ok(Some(Segment::File { path, size }))
            }
            TAG_END => {
                self.done = true;
                let size = get_varint(&mut self.input)?;
                let len = get_varint(&mut self.input)?;
                let diff_id = String::from_utf8(bytes(&mut self.input, len)?)
                    .map_err(|_| Error::Corrupt("tar-split record: bad digest".into()))?;
                Ok(Some(Segment::End { size, diff_id }))
            }
            other => Err(Error::Corrupt(format!(
                "tar-split record: unknown segment tag {other}"
            ))),
        }
    }
}

/// Open `rel` under the directory `root` for reading, resolving every component inside it
/// (symlinks included, as if `root` were `/`) and refusing a symlink as the last component.
pub fn open_in_root(root: &File, rel: &[u8]) -> Result<File> {
    open_in_root_with(root, rel, libc::O_RDONLY)
}

/// [`open_in_root`] with other open flags (`O_NOFOLLOW` and `O_CLOEXEC` are always added).
pub fn open_in_root_with(root: &File, rel: &[u8], flags: i32) -> Result<File> {
    let path = CString::new(rel).map_err(|_| Error::UnsafePath(lossy(rel)))?;
    #[repr(C)]
    struct OpenHow {
        flags: u64,
        mode: u64,
        resolve: u64,
    }
    let how = OpenHow {
        flags: (flags | libc::O_NOFOLLOW | libc::O_CLOEXEC) as u64,
        mode: 0,
        resolve: libc::RESOLVE_IN_ROOT | libc::RESOLVE_NO_MAGICLINKS | libc::RESOLVE_NO_XDEV,
    };
    // SAFETY: valid dirfd, NUL-terminated path and an open_how of the size passed.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_openat2,
            root.as_raw_fd(),
            path.as_ptr(),
            &how as *const OpenHow,
            std::mem::size_of::<OpenHow>(),
        )
    };
    if fd < 0 {
        let err = io::Error::last_os_error();
        if err.raw_os_error() == Some(libc::ELOOP) {
            return Err(Error::UnsafePath(lossy(rel)));
        }
        return Err(Error::Io(io::Error::new(
            err.kind(),
            format!("{}: {err}", lossy(rel)),
        )));
    }
    // SAFETY: a fresh descriptor that nothing else owns.
    Ok(File::from(unsafe { OwnedFd::from_raw_fd(fd as i32) }))
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A writer that hashes and counts what passes through it.
pub struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    count: u64,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            count: 0,
        }
    }

    pub fn digest(&self) -> String {
        sha256_string(&self.hasher)
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Rebuild the recorded tar stream from `split` and the files under `layer_dir` into `out`;
/// returns its digest and size. Fails if a file is missing, is not a regular file, has
/// another size than recorded, or if the result does not have the recorded digest.
pub fn assemble<W: Write>(split: &Path, layer_dir: &Path, out: W) -> Result<(String, u64)> {
    let record = BufReader::with_capacity(
        256 * 1024,
        zstd::Decoder::new(File::open(split)?).map_err(Error::Io)?,
    );
    let root = File::open(layer_dir)?;
    let mut reader = SplitReader::new(record)?;
    let mut out = HashingWriter::new(out);
    let mut buf = vec![0u8; 1 << 20];
    let mut expected = None;
    while let Some(segment) = reader.next_segment()? {
        match segment {
            Segment::Raw(bytes) => out.write_all(&bytes)?,
            Segment::File { path, size } => {
                copy_payload(&root, &path, size, &mut out, &mut buf)?;
            }
            Segment::End { size, diff_id } => expected = Some((size, diff_id)),
        }
    }
    out.flush()?;
    let (digest, written) = (out.digest(), out.count());
    match expected {
        Some((size, diff_id)) if size == written && diff_id == digest => Ok((digest, written)),
        Some((_, diff_id)) => Err(Error::DigestMismatch {
            expected: diff_id,
            actual: digest,
        }),
        None => Err(Error::Corrupt("tar-split record has no end".into())),
    }
}

fn copy_payload<W: Write>(
    root: &File,
    rel: &[u8],
    size: u64,
    out: &mut W,
    buf: &mut [u8],
) -> Result<()> {
    let mut file = open_in_root(root, rel)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(Error::Corrupt(format!(
            "{}: not a regular file in the layer",
            lossy(rel)
        )));
    }
    if meta.len() != size {
        return Err(Error::Corrupt(format!(
            "{}: size changed from {size} to {} bytes",
            lossy(rel),
            meta.len()
        )));
    }
    let mut left = size;
    while left > 0 {
        let want = (buf.len() as u64).min(left) as usize;
        let n = match file.read(&mut buf[..want]) {
            Ok(0) => {
                return Err(Error::Corrupt(format!(
                    "{}: file shrank while reading",
                    lossy(rel)
                )))
            }
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::Io(e)),
        };
        out.write_all(&buf[..n])?;
        left -= n as u64;
    }
    Ok(())
}

/// The path of a tar entry as the bytes recorded for it.
pub fn path_bytes(p: &Path) -> &[u8] {
    p.as_os_str().as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_round_trip() {
        let mut w = SplitWriter::new(Vec::new()).unwrap();
        w.consumed(b"header").unwrap();
        w.begin_file(b"a/b", 3).unwrap();
        w.consumed(b"xyzpad").unwrap();
        let bytes = w.finish(12, "sha256:00").unwrap();
        let mut r = SplitReader::new(&bytes[..]).unwrap();
        let mut got = Vec::new();
        while let Some(s) = r.next_segment().unwrap() {
            got.push(s);
        }
        assert_eq!(
            got,
            vec![
                Segment::Raw(b"header".to_vec()),
                Segment::File {
                    path: b"a/b".to_vec(),
                    size: 3
                },
                Segment::Raw(b"pad".to_vec()),
                Segment::End {
                    size: 12,
                    diff_id: "sha256:00".into()
                },
            ]
        );
    }

    use crate::archive::{extract_with_split, WhiteoutMode};
    use std::fs;

    fn is_root() -> bool {
        // SAFETY: no arguments, no side effects.
        unsafe { libc::geteuid() == 0 }
    }

    fn header(kind: tar::EntryType, size: u64) -> tar::Header {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(kind);
        h.set_size(size);
        h.set_mode(0o644);
        h.set_uid(1000);
        h.set_gid(1000);
        h.set_mtime(1_700_000_000);
        h
    }

    fn pax_records(records: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (key, value) in records {
            let body = key.len() + value.len() + 3;
            let mut len = body + body.to_string().len();
            if len.to_string().len() != (len - body) {
                len += 1;
            }
            out.extend_from_slice(format!("{len} {key}=").as_bytes());
            out.extend_from_slice(value);
            out.push(b'\n');
        }
        out
    }

    fn append_pax(b: &mut tar::Builder<Vec<u8>>, records: &[(&str, &[u8])]) {
        let data = pax_records(records);
        let mut h = header(tar::EntryType::XHeader, data.len() as u64);
        h.set_path("PaxHeaders.0/entry").unwrap();
        h.set_cksum();
        b.append(&h, &data[..]).unwrap();
    }

    fn sample_tar() -> Vec<u8> {
        use tar::EntryType as T;
        let mut b = tar::Builder::new(Vec::new());
        let mut dir = header(T::Directory, 0);
        dir.set_mode(0o755);
        b.append_data(&mut dir.clone(), "d/", io::empty()).unwrap();
        b.append_data(&mut dir.clone(), "d2/", io::empty()).unwrap();
        b.append_data(&mut header(T::Regular, 5), "d/f", &b"hello"[..])
            .unwrap();
        b.append_data(&mut header(T::Regular, 0), "d/empty", io::empty())
            .unwrap();
        let block = vec![7u8; 1024];
        b.append_data(&mut header(T::Regular, 1024), "d/blocks", &block[..])
            .unwrap();
        let long = format!("d/{}", "n".repeat(150));
        let odd = vec![3u8; 1000];
        b.append_data(&mut header(T::Regular, 1000), &long, &odd[..])
            .unwrap();
        // A PAX entry: a 200-character name and an xattr.
        let pax_name = format!("d2/{}", "p".repeat(200));
        append_pax(
            &mut b,
            &[
                ("path", pax_name.as_bytes()),
                ("SCHILY.xattr.user.test", b"value"),
                ("mtime", b"1700000000.25"),
            ],
        );
        let mut h = header(T::Regular, 3);
        h.set_path("d2/short-stand-in").unwrap();
        h.set_cksum();
        b.append(&h, &b"pax"[..]).unwrap();
        let mut h = header(T::Link, 0);
        b.append_link(&mut h, "d/hl", "d/f").unwrap();
        let mut h = header(T::Symlink, 0);
        b.append_link(&mut h, "d/sl", "f").unwrap();
        let mut h = header(T::Fifo, 0);
        b.append_data(&mut h, "d/fifo", io::empty()).unwrap();
        if is_root() {
            let mut h = header(T::Char, 0);
            h.set_device_major(1).unwrap();
            h.set_device_minor(3).unwrap();
            b.append_data(&mut h, "d/null", io::empty()).unwrap();
            let mut h = header(T::Block, 0);
            h.set_device_major(7).unwrap();
            h.set_device_minor(0).unwrap();
            b.append_data(&mut h, "d/loop", io::empty()).unwrap();
        }
        b.append_data(&mut header(T::Regular, 0), ".wh.gone", io::empty())
            .unwrap();
        b.append_data(&mut header(T::Regular, 0), "d2/.wh..wh..opq", io::empty())
            .unwrap();
        let mut tar = b.into_inner().unwrap();
        tar.extend_from_slice(&[0u8; 8192]); // record padding, as GNU tar and Go write it
        tar
    }

    fn mode() -> WhiteoutMode {
        if is_root() {
            WhiteoutMode::Overlay
        } else {
            WhiteoutMode::OverlayUser
        }
    }

    fn extract_recorded(tar: &[u8]) -> (tempfile::TempDir, PathBuf, String) {
        let dir = tempfile::tempdir().unwrap();
        let layer = dir.path().join("diff");
        fs::create_dir(&layer).unwrap();
        let split = dir.path().join("tar-split.zst");
        let stats = extract_with_split(tar, &layer, mode(), Some(&split)).unwrap();
        (dir, split, stats.diff_id)
    }

    #[test]
    fn extract_then_assemble_is_byte_identical() {
        let tar = sample_tar();
        let (dir, split, diff_id) = extract_recorded(&tar);
        let layer = dir.path().join("diff");
        assert_eq!(fs::read(layer.join("d/f")).unwrap(), b"hello");
        let name = format!("d2/{}", "p".repeat(200));
        assert_eq!(fs::read(layer.join(name)).unwrap(), b"pax");
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        assert!(fs::symlink_metadata(layer.join("d/fifo"))
            .unwrap()
            .file_type()
            .is_fifo());
        assert_eq!(
            fs::metadata(layer.join("d")).unwrap().mtime(),
            1_700_000_000
        );
        if is_root() {
            let null = fs::symlink_metadata(layer.join("d/null")).unwrap();
            assert!(null.file_type().is_char_device());
            assert_eq!(null.rdev(), libc::makedev(1, 3));
            assert_eq!(null.uid(), 1000);
        }
        let mut out = Vec::new();
        let (digest, size) = assemble(&split, &layer, &mut out).unwrap();
        assert_eq!(size, tar.len() as u64);
        assert!(out == tar, "assembled tar differs");
        assert_eq!(digest, diff_id);
        // The record holds headers, not contents.
        assert!(fs::metadata(&split).unwrap().len() < 2048);
    }

    #[test]
    fn gzip_layer_assembles_to_its_uncompressed_tar() {
        use std::io::Write as _;
        let tar = sample_tar();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&tar).unwrap();
        let (dir, split, _) = extract_recorded(&gz.finish().unwrap());
        let mut out = Vec::new();
        assemble(&split, &dir.path().join("diff"), &mut out).unwrap();
        assert!(out == tar);
    }

    #[test]
    fn a_changed_file_is_refused() {
        let tar = sample_tar();
        let (dir, split, _) = extract_recorded(&tar);
        let layer = dir.path().join("diff");
        fs::write(layer.join("d/f"), b"hello world").unwrap();
        let err = assemble(&split, &layer, io::sink()).unwrap_err();
        assert!(matches!(err, Error::Corrupt(_)), "{err}");
        // Same size, other bytes: the digest check catches it.
        fs::write(layer.join("d/f"), b"HELLO").unwrap();
        let err = assemble(&split, &layer, io::sink()).unwrap_err();
        assert!(matches!(err, Error::DigestMismatch { .. }), "{err}");
    }

    #[test]
    fn a_symlink_swapped_in_is_not_followed_out() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("f"), b"HELLO").unwrap();
        let tar = sample_tar();
        let (dir, split, _) = extract_recorded(&tar);
        let layer = dir.path().join("diff");
        fs::remove_file(layer.join("d/f")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("f"), layer.join("d/f")).unwrap();
        assert!(assemble(&split, &layer, io::sink()).is_err());
        // A directory swapped for an absolute symlink resolves inside the layer, not on the host.
        let tar = sample_tar();
        let (dir, split, _) = extract_recorded(&tar);
        let layer = dir.path().join("diff");
        fs::rename(layer.join("d"), layer.join("moved")).unwrap();
        std::os::unix::fs::symlink(outside.path(), layer.join("d")).unwrap();
        assert!(assemble(&split, &layer, io::sink()).is_err());
    }

    #[test]
    fn failed_extraction_leaves_no_record() {
        let tar = sample_tar();
        let dir = tempfile::tempdir().unwrap();
        let split = dir.path().join("s.zst");
        let layer = dir.path().join("diff");
        fs::create_dir(&layer).unwrap();
        let cut = &tar[..700];
        assert!(extract_with_split(cut, &layer, mode(), Some(&split)).is_err());
        assert!(!split.exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn big_varints() {
        for v in [0u64, 127, 128, 300, u64::MAX] {
            let mut b = Vec::new();
            put_varint(&mut b, v).unwrap();
            assert_eq!(get_varint(&mut &b[..]).unwrap(), v);
        }
    }
}
