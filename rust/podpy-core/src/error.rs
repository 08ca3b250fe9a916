//! The core's typed errors; the binding maps each kind to a Python exception.

use std::fmt;
use std::io;

#[derive(Debug)]
pub enum Error {
    /// An operating-system error, with its errno kept.
    Io(io::Error),
    /// A tar entry that would write outside the destination.
    UnsafePath(String),
    /// A stream that is not a valid (compressed) tar archive.
    Corrupt(String),
    /// Content whose digest is not the one it was announced with.
    DigestMismatch { expected: String, actual: String },
}

pub type Result<T> = std::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "{e}"),
            Error::UnsafePath(p) => write!(f, "{p}: path escapes the layer root"),
            Error::Corrupt(m) => write!(f, "corrupt archive: {m}"),
            Error::DigestMismatch { expected, actual } => {
                write!(f, "digest mismatch: expected {expected}, got {actual}")
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}
