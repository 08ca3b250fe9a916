//! The monitor ↔ CLI protocol, in one place (its Python twin is the top of
//! `python/podpy/runtime/monitor.py`).
//!
//! Sync fd (a socket at `--sync-fd`), one JSON object per line:
//!   monitor → CLI  `{"type":"started","pid":N}`
//!                  `{"type":"error","message":"…","runtime_exit_code":N}`  (then the monitor exits 1)
//!                  `{"type":"exited","exit_code":N,"exited_at":"RFC3339"}`
//!   CLI → monitor  `{"type":"cleaned"}`  (the attached CLI cleaned up: skip the exit command)
//! Exit file (written atomically before `exited` is sent):
//!   `{"exit_code":N,"exited_at":"RFC3339","oom_killed":false}`
//! `runtime_exit_code` is the runtime's exit code (128+signal if killed), or -1 when the
//! runtime could not be run at all or the failure was the monitor's own.
//!
//! Attach socket (`--attach-socket PATH`, a `SOCK_SEQPACKET` listener; `--attach-fd N` is one more
//! client connected before the runtime runs, so an attached CLI misses no output). Any number of
//! clients; each packet is one kind byte and its payload:
//!   monitor → client  1 DATA        stdout bytes (all tty output is stdout)
//!                     2 DATA        stderr bytes
//!                     3 CODE        the container exited: CODE is its exit code, i32 big-endian;
//!                                   the monitor closes the connection after it
//!   client → monitor  1 DATA        bytes for the container's stdin (dropped unless `--stdin`)
//!                     2             end of the client's stdin: close the container's stdin
//!                                   (pipes only; a tty stays open)
//!                     3 ROWS COLS   resize the tty, both u16 big-endian
//! A client detaches by closing its end; the container keeps running.

use std::fmt::Write;

pub const MSG_STARTED: &str = "started";
pub const MSG_ERROR: &str = "error";
pub const MSG_EXITED: &str = "exited";
pub const MSG_CLEANED: &str = "cleaned";

/// `runtime_exit_code` when the failure happened before or around the runtime.
pub const NO_RUNTIME_EXIT: i32 = -1;

/// What the monitor tells the CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToCli {
    Started {
        pid: i32,
    },
    Error {
        message: String,
        runtime_exit_code: i32,
    },
    Exited {
        exit_code: i32,
        exited_at: String,
    },
}

impl ToCli {
    /// The message as one newline-terminated JSON line.
    pub fn encode(&self) -> String {
        let mut s = String::with_capacity(64);
        match self {
            ToCli::Started { pid } => {
                let _ = write!(s, "{{\"type\":\"{MSG_STARTED}\",\"pid\":{pid}}}");
            }
            ToCli::Error {
                message,
                runtime_exit_code,
            } => {
                let _ = write!(s, "{{\"type\":\"{MSG_ERROR}\",\"message\":");
                json_string(&mut s, message);
                let _ = write!(s, ",\"runtime_exit_code\":{runtime_exit_code}}}");
            }
            ToCli::Exited {
                exit_code,
                exited_at,
            } => {
                let _ = write!(
                    s,
                    "{{\"type\":\"{MSG_EXITED}\",\"exit_code\":{exit_code},\"exited_at\":"
                );
                json_string(&mut s, exited_at);
                s.push('}');
            }
        }
        s.push('\n');
        s
    }
}

/// What the CLI may tell the monitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromCli {
    Cleaned,
    Unknown,
}

impl FromCli {
    pub fn decode(line: &[u8]) -> FromCli {
        let text = String::from_utf8_lossy(line);
        match parse_flat_object(&text).and_then(|o| string_field(&o, "type").map(str::to_owned)) {
            Some(t) if t == MSG_CLEANED => FromCli::Cleaned,
            _ => FromCli::Unknown,
        }
    }
}

pub const PKT_STDOUT: u8 = 1;
pub const PKT_STDERR: u8 = 2;
pub const PKT_EXIT: u8 = 3;
pub const PKT_STDIN: u8 = 1;
pub const PKT_STDIN_EOF: u8 = 2;
pub const PKT_RESIZE: u8 = 3;
/// Largest payload of one attach packet (output chunks are read at most this big).
pub const PKT_MAX_DATA: usize = 8192;

/// One packet an attach client sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientPacket<'a> {
    Stdin(&'a [u8]),
    StdinEof,
    Resize { rows: u16, cols: u16 },
    Unknown,
}

impl ClientPacket<'_> {
    pub fn decode(pkt: &[u8]) -> ClientPacket<'_> {
        match pkt {
            [PKT_STDIN, data @ ..] => ClientPacket::Stdin(data),
            [PKT_STDIN_EOF] => ClientPacket::StdinEof,
            [PKT_RESIZE, r0, r1, c0, c1] => ClientPacket::Resize {
                rows: u16::from_be_bytes([*r0, *r1]),
                cols: u16::from_be_bytes([*c0, *c1]),
            },
            _ => ClientPacket::Unknown,
        }
    }
}

/// The exit packet: kind byte and the exit code.
pub fn exit_packet(exit_code: i32) -> [u8; 5] {
    let c = exit_code.to_be_bytes();
    [PKT_EXIT, c[0], c[1], c[2], c[3]]
}

/// The exit file's content.
pub fn exit_file_json(exit_code: i32, exited_at: &str, oom_killed: bool) -> String {
    let mut s = String::with_capacity(96);
    let _ = write!(s, "{{\"exit_code\":{exit_code},\"exited_at\":");
    json_string(&mut s, exited_at);
    let _ = writeln!(s, ",\"oom_killed\":{oom_killed}}}");
    s
}

/// The last `"level":"error"` message of a runtime's JSON log (runc, crun `--log-format json`).
pub fn last_runtime_error(log: &str) -> Option<String> {
    let mut found = None;
    for line in log.lines() {
        let Some(obj) = parse_flat_object(line.trim()) else {
            continue;
        };
        if string_field(&obj, "level") == Some("error") {
            if let Some(msg) = string_field(&obj, "msg") {
                found = Some(msg.to_owned());
            }
        }
    }
    found
}

/// The message of a logrus text line (`time="…" level=error msg="…"`), which runc prints on
/// stderr when it has no `--log`; None for other lines.
pub fn logrus_text_error(line: &str) -> Option<String> {
    if !(line.contains("level=error") || line.contains("level=fatal")) {
        return None;
    }
    let rest = &line[line.find("msg=")? + 4..];
    let Some(quoted) = rest.strip_prefix('"') else {
        return Some(rest.split(' ').next().unwrap_or("").to_owned());
    };
    let mut out = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// Append `text` as a JSON string literal.
pub fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A top-level JSON value as far as the protocol cares: strings are decoded, the rest is kept raw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Str(String),
    Raw(String),
}

fn string_field<'a>(obj: &'a [(String, Value)], key: &str) -> Option<&'a str> {
    obj.iter()
        .rev()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| match v {
            Value::Str(s) => Some(s.as_str()),
            Value::Raw(_) => None,
        })
}

/// Parse one JSON object, keeping its top-level members; nested values are skipped as raw text.
/// Returns None on anything malformed: callers treat that as "no message".
pub fn parse_flat_object(text: &str) -> Option<Vec<(String, Value)>> {
    let mut p = Parser {
        b: text.as_bytes(),
        i: 0,
    };
    p.ws();
    p.eat(b'{')?;
    let mut members = Vec::new();
    p.ws();
    if p.peek() == Some(b'}') {
        p.i += 1;
    } else {
        loop {
            p.ws();
            let key = p.string()?;
            p.ws();
            p.eat(b':')?;
            p.ws();
            let value = if p.peek() == Some(b'"') {
                Value::Str(p.string()?)
            } else {
                Value::Raw(p.raw_value()?)
            };
            members.push((key, value));
            p.ws();
            match p.next()? {
                b',' => continue,
                b'}' => break,
                _ => return None,
            }
        }
    }
    p.ws();
    (p.i == p.b.len()).then_some(members)
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn eat(&mut self, want: u8) -> Option<()> {
        (self.next()? == want).then_some(())
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.b.get(self.i..self.i + 4)?;
        let text = std::str::from_utf8(digits).ok()?;
        self.i += 4;
        u32::from_str_radix(text, 16).ok()
    }

    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out: Vec<u8> = Vec::new();
        loop {
            match self.next()? {
                b'"' => break,
                b'\\' => match self.next()? {
                    b'"' => out.push(b'"'),
                    b'\\' => out.push(b'\\'),
                    b'/' => out.push(b'/'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'u' => {
                        let mut cp = self.hex4()?;
                        if (0xD800..0xDC00).contains(&cp)
                            && self.b.get(self.i..self.i + 2) == Some(b"\\u")
                        {
                            self.i += 2;
                            let low = self.hex4()?;
                            if (0xDC00..0xE000).contains(&low) {
                                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                            }
                        }
                        let c = char::from_u32(cp).unwrap_or('\u{fffd}');
                        let mut tmp = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                    }
                    _ => return None,
                },
                c => out.push(c),
            }
        }
        Some(String::from_utf8_lossy(&out).into_owned())
    }

    /// Skip a number, literal, array or object, returning its text.
    fn raw_value(&mut self) -> Option<String> {
        let start = self.i;
        let mut depth = 0usize;
        loop {
            match self.peek() {
                None => break,
                Some(b'"') => {
                    self.string()?;
                    continue;
                }
                Some(b'{' | b'[') => depth += 1,
                Some(b'}' | b']') => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                Some(b',') if depth == 0 => break,
                _ => {}
            }
            self.i += 1;
        }
        if depth != 0 || self.i == start {
            return None;
        }
        Some(
            String::from_utf8_lossy(&self.b[start..self.i])
                .trim()
                .to_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_messages() {
        assert_eq!(
            ToCli::Started { pid: 42 }.encode(),
            "{\"type\":\"started\",\"pid\":42}\n"
        );
        assert_eq!(
            ToCli::Error { message: "exec: \"nope\": not\tfound\n".into(), runtime_exit_code: 1 }.encode(),
            "{\"type\":\"error\",\"message\":\"exec: \\\"nope\\\": not\\tfound\\n\",\"runtime_exit_code\":1}\n"
        );
        assert_eq!(
            ToCli::Exited {
                exit_code: 137,
                exited_at: "T".into()
            }
            .encode(),
            "{\"type\":\"exited\",\"exit_code\":137,\"exited_at\":\"T\"}\n"
        );
        assert_eq!(
            exit_file_json(3, "T", false),
            "{\"exit_code\":3,\"exited_at\":\"T\",\"oom_killed\":false}\n"
        );
    }

    #[test]
    fn attach_packets() {
        assert_eq!(ClientPacket::decode(b"\x01hi"), ClientPacket::Stdin(b"hi"));
        assert_eq!(ClientPacket::decode(b"\x01"), ClientPacket::Stdin(b""));
        assert_eq!(ClientPacket::decode(b"\x02"), ClientPacket::StdinEof);
        assert_eq!(ClientPacket::decode(b"\x02x"), ClientPacket::Unknown);
        assert_eq!(
            ClientPacket::decode(&[3, 0, 24, 1, 4]),
            ClientPacket::Resize {
                rows: 24,
                cols: 260
            }
        );
        assert_eq!(ClientPacket::decode(&[3, 0, 24, 1]), ClientPacket::Unknown);
        assert_eq!(ClientPacket::decode(b""), ClientPacket::Unknown);
        assert_eq!(ClientPacket::decode(b"\x09"), ClientPacket::Unknown);
        assert_eq!(exit_packet(5), [3, 0, 0, 0, 5]);
        assert_eq!(exit_packet(-1), [3, 255, 255, 255, 255]);
    }

    #[test]
    fn escapes_control_characters() {
        let mut s = String::new();
        json_string(&mut s, "a\u{1}b\u{7f}é");
        assert_eq!(s, "\"a\\u0001b\\u007fé\"");
    }

    #[test]
    fn decodes_cli_messages() {
        assert_eq!(FromCli::decode(b"{\"type\":\"cleaned\"}"), FromCli::Cleaned);
        assert_eq!(
            FromCli::decode(b" { \"type\" : \"cleaned\" , \"x\": [1,{\"a\":\"}\"}] } "),
            FromCli::Cleaned
        );
        assert_eq!(FromCli::decode(b"{\"type\":\"other\"}"), FromCli::Unknown);
        assert_eq!(FromCli::decode(b"{\"type\":\"cleaned\""), FromCli::Unknown);
        assert_eq!(FromCli::decode(b"garbage"), FromCli::Unknown);
        assert_eq!(FromCli::decode(b"{\"type\":1}"), FromCli::Unknown);
        assert_eq!(FromCli::decode(b"\xff\xfe"), FromCli::Unknown);
        assert_eq!(FromCli::decode(b""), FromCli::Unknown);
    }

    #[test]
    fn finds_the_last_runtime_error() {
        let log = concat!(
            "{\"level\":\"warning\",\"msg\":\"w\",\"time\":\"t\"}\n",
            "{\"level\":\"error\",\"msg\":\"first\",\"time\":\"t\"}\n",
            "not json\n",
            "{\"level\":\"error\",\"msg\":\"runc run failed: exec: \\\"nope\\\": executable file not found in $PATH\"}\n",
            "{\"level\":\"info\",\"msg\":\"later\"}\n",
        );
        assert_eq!(
            last_runtime_error(log).as_deref(),
            Some("runc run failed: exec: \"nope\": executable file not found in $PATH")
        );
        assert_eq!(
            last_runtime_error("{\"level\":\"info\",\"msg\":\"x\"}"),
            None
        );
        assert_eq!(last_runtime_error(""), None);
    }

    #[test]
    fn logrus_text_lines() {
        let line = r#"time="2026-11-28T20:08:33Z" level=error msg="runc run failed: exec: \"nope\": not found""#;
        assert_eq!(
            logrus_text_error(line).as_deref(),
            Some("runc run failed: exec: \"nope\": not found")
        );
        assert_eq!(
            logrus_text_error("level=fatal msg=short rest").as_deref(),
            Some("short")
        );
        assert_eq!(logrus_text_error(r#"level=warning msg="w""#), None);
        assert_eq!(logrus_text_error(r#"level=error msg="unterminated"#), None);
        assert_eq!(logrus_text_error("plain text"), None);
    }

    #[test]
    fn unicode_escapes() {
        let obj = parse_flat_object(r#"{"m":"\u00e9\ud83d\ude00\ud800x"}"#).unwrap();
        assert_eq!(obj[0].1, Value::Str("é😀\u{fffd}x".into()));
        assert!(parse_flat_object(r#"{"m":"\u12"}"#).is_none());
        assert!(parse_flat_object(r#"{"m":"\q"}"#).is_none());
        assert!(parse_flat_object(r#"{"a":1} x"#).is_none());
        assert_eq!(parse_flat_object("{}").unwrap(), vec![]);
    }
}
