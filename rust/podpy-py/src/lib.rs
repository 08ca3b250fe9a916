//! `podpy._native`: converts arguments, releases the GIL around the core, maps errors.
//! Everything it exports is listed in `_native` at the bottom (and typed in `_native.pyi`).

use podpy_core::archive::{self, IdMap, IdRange, WhiteoutMode};
use podpy_core::diff::{self as core_diff, Compression};
use podpy_core::mount::{self as core_mount, Kernel, Mounter};
use podpy_core::split;
use podpy_core::Error;
use pyo3::create_exception;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use std::fs::File;
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::path::Path;

create_exception!(_native, NativeError, pyo3::exceptions::PyException);
create_exception!(_native, UnsafePathError, NativeError);
create_exception!(_native, DigestMismatchError, NativeError);
create_exception!(_native, CorruptArchiveError, NativeError);

/// The one place core errors become Python exceptions (io errors keep their errno, so
/// Python picks the matching OSError subclass).
fn to_py(err: Error) -> PyErr {
    match err {
        Error::Io(e) => match e.raw_os_error() {
            Some(errno) => {
                PyOSError::new_err((errno, std::io::Error::from_raw_os_error(errno).to_string()))
            }
            None => PyOSError::new_err(e.to_string()),
        },
        Error::UnsafePath(_) => UnsafePathError::new_err(err.to_string()),
        Error::Corrupt(_) => CorruptArchiveError::new_err(err.to_string()),
        Error::DigestMismatch { .. } => DigestMismatchError::new_err(err.to_string()),
    }
}

/// Run `f` without the GIL and map its error.
fn release<T: Send>(py: Python<'_>, f: impl FnOnce() -> Result<T, Error> + Send) -> PyResult<T> {
    py.allow_threads(f).map_err(to_py)
}

#[pyclass(frozen, module = "podpy._native")]
struct LayerStats {
    #[pyo3(get)]
    diff_id: String,
    #[pyo3(get)]
    compressed_digest: String,
    #[pyo3(get)]
    compressed_size: u64,
    #[pyo3(get)]
    uncompressed_size: u64,
    #[pyo3(get)]
    compression: String,
}

#[derive(FromPyObject)]
enum Source {
    Fd(i32),
    Path(String),
}

/// A borrowed fd (never closed here) or a path opened for `open`.
fn with_file<T>(
    target: Source,
    open: impl FnOnce(&str) -> std::io::Result<File>,
    f: impl FnOnce(&File) -> Result<T, Error>,
) -> Result<T, Error> {
    match target {
        Source::Path(p) => f(&open(&p)?),
        Source::Fd(fd) => {
            // SAFETY: the caller keeps fd open for the duration of the call.
            let file = ManuallyDrop::new(unsafe { File::from_raw_fd(fd) });
            f(&file)
        }
    }
}

#[pyfunction]
#[pyo3(signature = (source, dest, *, expected_digest=None, whiteouts="overlay", split_path=None,
                    uid_map=None, gid_map=None))]
#[allow(clippy::too_many_arguments)]
fn extract_layer(
    py: Python<'_>,
    source: Source,
    dest: &str,
    expected_digest: Option<String>,
    whiteouts: &str,
    split_path: Option<String>,
    uid_map: Option<Vec<(u32, u32, u32)>>,
    gid_map: Option<Vec<(u32, u32, u32)>>,
) -> PyResult<LayerStats> {
    let mode = WhiteoutMode::parse(whiteouts)
        .ok_or_else(|| PyValueError::new_err(format!("unknown whiteout mode {whiteouts:?}")))?;
    let ranges = |map: Option<Vec<(u32, u32, u32)>>| -> Vec<IdRange> {
        map.unwrap_or_default()
            .into_iter()
            .map(|(container, host, size)| IdRange {
                container,
                host,
                size,
            })
            .collect()
    };
    let ids = IdMap {
        uids: ranges(uid_map),
        gids: ranges(gid_map),
    };
    let dest = dest.to_owned();
    let stats = release(py, move || {
        let split = split_path.as_deref().map(Path::new);
        let stats = with_file(
            source,
            |p| File::open(p),
            |file| archive::extract_mapped(file, Path::new(&dest), mode, split, &ids),
        )?;
        if let Some(expected) = expected_digest {
            if expected != stats.compressed_digest {
                return Err(Error::DigestMismatch {
                    expected,
                    actual: stats.compressed_digest,
                });
            }
        }
        Ok(stats)
    })?;
    Ok(LayerStats {
        diff_id: stats.diff_id,
        compressed_digest: stats.compressed_digest,
        compressed_size: stats.compressed_size,
        uncompressed_size: stats.uncompressed_size,
        compression: stats.compression.to_string(),
    })
}

/// Rebuild a layer's original tar from its tar-split record; (diff_id, size).
#[pyfunction]
fn assemble_layer(
    py: Python<'_>,
    split_path: &str,
    layer_dir: &str,
    out: Source,
) -> PyResult<(String, u64)> {
    release(py, || {
        with_file(
            out,
            |p| File::create(p),
            |file| {
                let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
                let result = split::assemble(Path::new(split_path), Path::new(layer_dir), &mut w)?;
                std::io::Write::flush(&mut w)?;
                Ok(result)
            },
        )
    })
}

#[pyclass(frozen, module = "podpy._native")]
struct DiffStats {
    #[pyo3(get)]
    diff_id: String,
    #[pyo3(get)]
    digest: String,
    #[pyo3(get)]
    size: u64,
    #[pyo3(get)]
    compressed_size: u64,
    #[pyo3(get)]
    entries: u64,
}

/// Write an overlay upper directory (or a layer in overlay form) as a layer tar.
#[pyfunction]
#[pyo3(signature = (upper_dir, lower_dirs, out, compression=None, level=None))]
fn diff_layer(
    py: Python<'_>,
    upper_dir: &str,
    lower_dirs: Vec<String>,
    out: Source,
    compression: Option<&str>,
    level: Option<i32>,
) -> PyResult<DiffStats> {
    let compression = Compression::parse(compression, level)
        .ok_or_else(|| PyValueError::new_err(format!("unknown compression {compression:?}")))?;
    let lowers: Vec<std::path::PathBuf> = lower_dirs.iter().map(Into::into).collect();
    let stats = release(py, || {
        with_file(
            out,
            |p| File::create(p),
            |file| {
                let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
                let stats = core_diff::diff(Path::new(upper_dir), &lowers, &mut w, compression)?;
                std::io::Write::flush(&mut w)?;
                Ok(stats)
            },
        )
    })?;
    Ok(DiffStats {
        diff_id: stats.diff_id,
        digest: stats.digest,
        size: stats.size,
        compressed_size: stats.compressed_size,
        entries: stats.entries,
    })
}

#[pyfunction]
#[pyo3(signature = (source, target, fstype, flags=0, data=None))]
fn mount(
    py: Python<'_>,
    source: &str,
    target: &str,
    fstype: &str,
    flags: u64,
    data: Option<&str>,
) -> PyResult<()> {
    release(py, || {
        Kernel.mount(source, Path::new(target), fstype, flags, data)
    })
}

#[pyfunction]
#[pyo3(signature = (lowers, upper, work, target, options=""))]
fn mount_overlay(
    py: Python<'_>,
    lowers: Vec<String>,
    upper: &str,
    work: &str,
    target: &str,
    options: &str,
) -> PyResult<()> {
    release(py, || {
        core_mount::mount_overlay(
            &Kernel,
            &lowers,
            Path::new(upper),
            Path::new(work),
            Path::new(target),
            options,
        )
    })
}

#[pyfunction]
#[pyo3(signature = (target, detach=false))]
fn unmount(py: Python<'_>, target: &str, detach: bool) -> PyResult<()> {
    release(py, || Kernel.unmount(Path::new(target), detach))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<LayerStats>()?;
    m.add_class::<DiffStats>()?;
    m.add_function(wrap_pyfunction!(extract_layer, m)?)?;
    m.add_function(wrap_pyfunction!(assemble_layer, m)?)?;
    m.add_function(wrap_pyfunction!(diff_layer, m)?)?;
    m.add_function(wrap_pyfunction!(mount, m)?)?;
    m.add_function(wrap_pyfunction!(mount_overlay, m)?)?;
    m.add_function(wrap_pyfunction!(unmount, m)?)?;
    m.add("NativeError", py.get_type::<NativeError>())?;
    m.add("UnsafePathError", py.get_type::<UnsafePathError>())?;
    m.add("DigestMismatchError", py.get_type::<DigestMismatchError>())?;
    m.add("CorruptArchiveError", py.get_type::<CorruptArchiveError>())?;
    Ok(())
}
