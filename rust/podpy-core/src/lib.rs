//! podpy's core: unpacking image layers and mounting root filesystems.
//!
//! Nothing here knows about Python; the `podpy-py` crate binds it.

pub mod archive;
pub mod beneath;
pub mod diff;
pub mod error;
pub mod mount;
pub mod split;

pub use error::{Error, Result};
