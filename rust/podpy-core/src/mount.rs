//! Mounting overlay root filesystems, behind a small trait so that callers can record instead of mount.

use crate::{Error, Result};
use std::ffi::CString;
use std::io;
use std::path::Path;

/// The mount syscalls podpy needs.
pub trait Mounter {
    fn mount(
        &self,
        source: &str,
        target: &Path,
        fstype: &str,
        flags: u64,
        data: Option<&str>,
    ) -> Result<()>;
    fn unmount(&self, target: &Path, detach: bool) -> Result<()>;
}

/// The real kernel.
pub struct Kernel;

fn cstring(s: &[u8]) -> Result<CString> {
    CString::new(s).map_err(|_| Error::Io(io::Error::from_raw_os_error(libc::EINVAL)))
}

impl Mounter for Kernel {
    fn mount(
        &self,
        source: &str,
        target: &Path,
        fstype: &str,
        flags: u64,
        data: Option<&str>,
    ) -> Result<()> {
        let source = cstring(source.as_bytes())?;
        let target = cstring(target.as_os_str().as_encoded_bytes())?;
        let fstype = cstring(fstype.as_bytes())?;
        let data = data.map(|d| cstring(d.as_bytes())).transpose()?;
        let data_ptr = data
            .as_ref()
            .map_or(std::ptr::null(), |d| d.as_ptr().cast::<libc::c_void>());
        // SAFETY: all pointers are valid NUL-terminated strings (or null for data) for the call.
        let rc = unsafe {
            libc::mount(
                source.as_ptr(),
                target.as_ptr(),
                fstype.as_ptr(),
                flags,
                data_ptr,
            )
        };
        if rc != 0 {
            return Err(Error::Io(io::Error::last_os_error()));
        }
        Ok(())
    }

    fn unmount(&self, target: &Path, detach: bool) -> Result<()> {
        let target = cstring(target.as_os_str().as_encoded_bytes())?;
        let flags = if detach { libc::MNT_DETACH } else { 0 };
        // SAFETY: target is a valid NUL-terminated string.
        if unsafe { libc::umount2(target.as_ptr(), flags) } != 0 {
            return Err(Error::Io(io::Error::last_os_error()));
        }
        Ok(())
    }
}

/// The option string of an overlay mount.
pub fn overlay_options(lowers: &[String], upper: &Path, work: &Path, extra: &str) -> String {
    let mut data = format!(
        "lowerdir={},upperdir={},workdir={}",
        lowers.join(":"),
        upper.display(),
        work.display()
    );
    if !extra.is_empty() {
        data.push(',');
        data.push_str(extra);
    }
    data
}

pub fn mount_overlay(
    m: &dyn Mounter,
    lowers: &[String],
    upper: &Path,
    work: &Path,
    target: &Path,
    extra: &str,
) -> Result<()> {
    m.mount(
        "overlay",
        target,
        "overlay",
        0,
        Some(&overlay_options(lowers, upper, work, extra)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::path::PathBuf;

    #[derive(Default)]
    struct Recorder(RefCell<Vec<String>>);

    impl Mounter for Recorder {
        fn mount(
            &self,
            source: &str,
            target: &Path,
            fstype: &str,
            _f: u64,
            data: Option<&str>,
        ) -> Result<()> {
            self.0.borrow_mut().push(format!(
                "{source} {} {fstype} {}",
                target.display(),
                data.unwrap_or("")
            ));
            Ok(())
        }
        fn unmount(&self, target: &Path, _detach: bool) -> Result<()> {
            self.0
                .borrow_mut()
                .push(format!("umount {}", target.display()));
            Ok(())
        }
    }

    #[test]
    fn overlay_mount_is_recorded_with_lowers_in_order() {
        let r = Recorder::default();
        let lowers = vec!["l/A".to_string(), "l/B".to_string()];
        mount_overlay(
            &r,
            &lowers,
            &PathBuf::from("/u"),
            &PathBuf::from("/w"),
            &PathBuf::from("/m"),
            "",
        )
        .unwrap();
        assert_eq!(
            r.0.borrow()[0],
            "overlay /m overlay lowerdir=l/A:l/B,upperdir=/u,workdir=/w"
        );
    }
}
