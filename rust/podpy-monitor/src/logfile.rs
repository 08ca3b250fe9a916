//! The container log in Podman's k8s-file format: `TIMESTAMP STREAM F|P TEXT\n`.
//!
//! Each read chunk is split at newlines; a trailing piece without a newline is
//! written as a partial (`P`) record, which readers join with what follows.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::timefmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    /// The attach packet kind for this stream's data.
    pub fn packet_kind(self) -> u8 {
        match self {
            Stream::Stdout => crate::protocol::PKT_STDOUT,
            Stream::Stderr => crate::protocol::PKT_STDERR,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

/// The pieces of a chunk: each line (without its newline) and whether it is partial.
fn records(chunk: &[u8]) -> impl Iterator<Item = (&[u8], bool)> {
    let mut rest = chunk;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let item = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => {
                let line = &rest[..i];
                rest = &rest[i + 1..];
                (line, false)
            }
            None => {
                let line = rest;
                rest = &rest[rest.len()..];
                (line, true)
            }
        };
        Some(item)
    })
}

/// Append one record to `out` (`TIMESTAMP STREAM F|P TEXT\n`, local time with its offset).
fn format_record(out: &mut Vec<u8>, timestamp: &str, stream: Stream, line: &[u8], partial: bool) {
    out.extend_from_slice(timestamp.as_bytes());
    out.push(b' ');
    out.extend_from_slice(stream.name().as_bytes());
    out.extend_from_slice(if partial { b" P " } else { b" F " });
    out.extend_from_slice(line);
    out.push(b'\n');
}

/// Append the k8s-file records for one chunk of output to `out`.
#[cfg(test)]
pub fn format_chunk(out: &mut Vec<u8>, timestamp: &str, stream: Stream, chunk: &[u8]) {
    for (line, partial) in records(chunk) {
        format_record(out, timestamp, stream, line, partial);
    }
}

pub struct LogFile {
    file: File,
    path: PathBuf,
    /// 0: no limit. Otherwise the file is restarted (conmon's behaviour) before a record
    /// would take it past this size.
    size_max: u64,
    written: u64,
    buf: Vec<u8>,
}

fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .custom_flags(libc::O_CLOEXEC)
        .open(path)
}

impl LogFile {
    pub fn open(path: &Path, size_max: u64) -> io::Result<LogFile> {
        let file = open_append(path)?;
        let written = file.metadata().map_or(0, |m| m.len());
        Ok(LogFile {
            file,
            path: path.to_owned(),
            size_max,
            written,
            buf: Vec::with_capacity(9 * 1024),
        })
    }

    /// Replace the file by an empty one (a new inode, so followers notice), as conmon does.
    fn rotate(&mut self) -> io::Result<()> {
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .mode(0o600)
            .custom_flags(libc::O_CLOEXEC)
            .open(&tmp)?;
        std::fs::rename(&tmp, &self.path)?;
        drop(file);
        self.file = open_append(&self.path)?;
        self.written = 0;
        Ok(())
    }

    pub fn write_chunk(
        &mut self,
        secs: i64,
        nanos: u32,
        stream: Stream,
        chunk: &[u8],
    ) -> io::Result<()> {
        let stamp = timefmt::local(secs, nanos);
        self.buf.clear();
        let mut result = Ok(());
        for (line, partial) in records(chunk) {
            let before = self.buf.len();
            format_record(&mut self.buf, &stamp, stream, line, partial);
            let size_before = self.written + before as u64;
            if self.size_max > 0
                && size_before > 0
                && size_before + (self.buf.len() - before) as u64 > self.size_max
            {
                let head: Vec<u8> = self.buf.drain(..before).collect();
                if let Err(e) = self.file.write_all(&head).and_then(|()| self.rotate()) {
                    result = Err(e);
                    break;
                }
            }
        }
        if result.is_ok() {
            result = self.file.write_all(&self.buf);
            self.written += self.buf.len() as u64;
        }
        if self.buf.capacity() > 64 * 1024 {
            self.buf = Vec::with_capacity(9 * 1024);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    fn fmt(chunk: &[u8]) -> String {
        let mut out = Vec::new();
        format_chunk(&mut out, "T", Stream::Stdout, chunk);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn full_partial_and_empty_lines() {
        assert_eq!(fmt(b"hello\n"), "T stdout F hello\n");
        assert_eq!(fmt(b"a\nb\n"), "T stdout F a\nT stdout F b\n");
        assert_eq!(fmt(b"abc"), "T stdout P abc\n");
        assert_eq!(fmt(b"a\nbc"), "T stdout F a\nT stdout P bc\n");
        assert_eq!(fmt(b"\n\n"), "T stdout F \nT stdout F \n");
        assert_eq!(fmt(b""), "");
        let mut out = Vec::new();
        format_chunk(&mut out, "T", Stream::Stderr, b"x y\n");
        assert_eq!(out, b"T stderr F x y\n");
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("podpy-log-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn restarts_the_file_before_it_would_pass_the_limit() {
        let dir = temp_dir("rotate");
        let path = dir.join("ctr.log");
        // Records at one timestamp have one size: measure one first.
        let mut one = Vec::new();
        format_record(
            &mut one,
            &timefmt::local(0, 0),
            Stream::Stdout,
            b"xxxx",
            false,
        );
        let rec = one.len() as u64;
        let mut log = LogFile::open(&path, rec * 3).unwrap();
        log.write_chunk(0, 0, Stream::Stdout, b"xxxx\nxxxx\n")
            .unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), rec * 2);
        let before = std::fs::metadata(&path).unwrap().ino();
        log.write_chunk(0, 0, Stream::Stdout, b"xxxx\nxxxx\n")
            .unwrap();
        // The third record filled the file; the fourth started a new one.
        assert_eq!(std::fs::metadata(&path).unwrap().len(), rec);
        assert_ne!(std::fs::metadata(&path).unwrap().ino(), before);
        drop(log);
        // Reopened: the size so far counts.
        let mut log = LogFile::open(&path, rec * 2).unwrap();
        log.write_chunk(0, 0, Stream::Stdout, b"xxxx\nxxxx\n")
            .unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), rec);
        // A single record over the limit is still written whole.
        let mut log = LogFile::open(&path, 4).unwrap();
        log.write_chunk(0, 0, Stream::Stdout, b"long line\n")
            .unwrap();
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .ends_with(" stdout F long line\n"));
        assert!(!dir.join("ctr.log.tmp").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
