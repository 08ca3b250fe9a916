//! The infra container's PID 1: it holds the pod's namespaces open and does nothing else.
//!
//! Like the Kubernetes pause program: it sleeps in `sigsuspend()`, reaps any child that gets
//! reparented to it (it is PID 1 of a shared PID namespace), and exits 0 on SIGINT or SIGTERM
//! so that stopping the pod is quick and clean.

use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_stop(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

extern "C" fn on_child(_: libc::c_int) {
    reap();
}

/// Collect every exited child without blocking (async-signal-safe: only waitpid).
fn reap() {
    loop {
        // SAFETY: waitpid with a null status pointer and WNOHANG has no memory effects.
        let pid = unsafe { libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) };
        if pid <= 0 {
            break;
        }
    }
}

fn install(sig: libc::c_int, handler: extern "C" fn(libc::c_int)) -> std::io::Result<()> {
    // SAFETY: a zeroed sigaction is valid; the handlers only touch an atomic and call waitpid.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler as usize;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        if libc::sigaction(sig, &action, std::ptr::null_mut()) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("-v") {
        println!("podpy-pause {}", env!("CARGO_PKG_VERSION"));
        return;
    }
    for (sig, handler) in [
        (libc::SIGINT, on_stop as extern "C" fn(libc::c_int)),
        (libc::SIGTERM, on_stop),
        (libc::SIGCHLD, on_child),
    ] {
        if let Err(e) = install(sig, handler) {
            eprintln!("podpy-pause: installing a signal handler: {e}");
            std::process::exit(1);
        }
    }
    // The signals stay blocked except inside sigsuspend: one that comes between the check and the
    // wait is delivered when the wait begins, never lost.
    // SAFETY: plain signal-mask calls on zero-initialised sets.
    unsafe {
        let mut blocked: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut blocked);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGCHLD] {
            libc::sigaddset(&mut blocked, sig);
        }
        let mut waiting: libc::sigset_t = std::mem::zeroed();
        libc::sigprocmask(libc::SIG_BLOCK, &blocked, &mut waiting);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGCHLD] {
            libc::sigdelset(&mut waiting, sig);
        }
        while !STOP.load(Ordering::SeqCst) {
            libc::sigsuspend(&waiting);
        }
    }
    reap();
}
