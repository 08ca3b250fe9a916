//! podpy-pause waits until SIGINT or SIGTERM and then exits 0; other signals it ignores or reaps.

use std::process::{Child, Command};
use std::thread::sleep;
use std::time::{Duration, Instant};

fn spawn() -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_podpy-pause"))
        .spawn()
        .expect("spawn podpy-pause");
    sleep(Duration::from_millis(100)); // let it install its handlers
    child
}

fn signal(child: &Child, sig: libc::c_int) {
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, sig) }, 0);
}

fn wait_exit(child: &mut Child, within: Duration) -> Option<i32> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code();
        }
        sleep(Duration::from_millis(10));
    }
    None
}

#[test]
fn exits_zero_on_sigterm_and_sigint() {
    for sig in [libc::SIGTERM, libc::SIGINT] {
        let mut child = spawn();
        signal(&child, sig);
        assert_eq!(wait_exit(&mut child, Duration::from_secs(5)), Some(0));
    }
}

#[test]
fn keeps_running_on_sigchld() {
    let mut child = spawn();
    signal(&child, libc::SIGCHLD);
    assert_eq!(wait_exit(&mut child, Duration::from_millis(200)), None);
    signal(&child, libc::SIGTERM);
    assert_eq!(wait_exit(&mut child, Duration::from_secs(5)), Some(0));
}

#[test]
fn version_flag() {
    let out = Command::new(env!("CARGO_BIN_EXE_podpy-pause"))
        .arg("-v")
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("podpy-pause "));
}
