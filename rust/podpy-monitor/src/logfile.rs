//! The container log in Podman's k8s-file format: `TIMESTAMP STREAM F|P TEXT\n`.
//!
//! Each read chunk is split at newlines; a trailing piece without a newline is
//! written as a partial (`P`) record, which readers join with what follows.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

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

/// Append the k8s-file records for one chunk of output to `out`.
pub fn format_chunk(out: &mut Vec<u8>, timestamp: &str, stream: Stream, chunk: &[u8]) {
    let mut rest = chunk;
    while !rest.is_empty() {
        let (line, partial, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], false, &rest[i + 1..]),
            None => (rest, true, &rest[rest.len()..]),
        };
        out.extend_from_slice(timestamp.as_bytes());
        out.push(b' ');
        out.extend_from_slice(stream.name().as_bytes());
        out.extend_from_slice(if partial { b" P " } else { b" F " });
        out.extend_from_slice(line);
        out.push(b'\n');
        rest = next;
    }
}

pub struct LogFile {
    file: File,
    buf: Vec<u8>,
}

impl LogFile {
    pub fn open(path: &Path) -> io::Result<LogFile> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .custom_flags(libc::O_CLOEXEC)
            .open(path)?;
        Ok(LogFile {
            file,
            buf: Vec::with_capacity(9 * 1024),
        })
    }

    pub fn write_chunk(&mut self, timestamp: &str, stream: Stream, chunk: &[u8]) -> io::Result<()> {
        self.buf.clear();
        format_chunk(&mut self.buf, timestamp, stream, chunk);
        let result = self.file.write_all(&self.buf);
        if self.buf.capacity() > 64 * 1024 {
            self.buf = Vec::with_capacity(9 * 1024);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
