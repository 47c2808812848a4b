//! Windows: the process that owns the peer's end of a loopback connection, from the TCP table
//! with owning process IDs (`GetExtendedTcpTable`, class `TCP_TABLE_OWNER_PID_CONNECTIONS`),
//! and whether that process runs as this process's user (its token's user SID, `EqualSid`).
//!
//! The only `unsafe` code of the project lives here: these are plain Win32 calls through
//! `windows-sys`, which offers them only as `unsafe fn`, and no maintained crate wraps the
//! owner-PID table together with a process's token user. Each call's buffer is sized by the call
//! itself (the documented two-call pattern) and every handle is closed on every path.
#![allow(unsafe_code)]

use super::Owner;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use windows_sys::Win32::Foundation::{CloseHandle, ERROR_INSUFFICIENT_BUFFER, HANDLE, NO_ERROR};
use windows_sys::Win32::NetworkManagement::IpHelper::{
    GetExtendedTcpTable, MIB_TCP6ROW_OWNER_PID, MIB_TCPROW_OWNER_PID, TCP_TABLE_OWNER_PID_CONNECTIONS,
};
use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6};
use windows_sys::Win32::Security::{EqualSid, GetTokenInformation, TokenUser, TOKEN_QUERY, TOKEN_USER};
use windows_sys::Win32::System::Threading::{
    GetCurrentProcess, OpenProcess, OpenProcessToken, PROCESS_QUERY_LIMITED_INFORMATION,
};

/// One connection row: local end, remote end, owning process.
type Row = (SocketAddr, SocketAddr, u32);

pub(super) fn owner(local: SocketAddr, peer: SocketAddr) -> Owner {
    let mut rows = tcp4_rows().unwrap_or_default();
    rows.extend(tcp6_rows().unwrap_or_default());
    let Some(&(_, _, pid)) = rows.iter().find(|(l, r, _)| *l == peer && *r == local) else {
        return if rows.iter().any(|(l, r, _)| *l == local && *r == peer) {
            Owner::OtherUser("an unknown user".into())
        } else {
            Owner::Unknown
        };
    };
    if pid == std::process::id() {
        return Owner::ThisUser;
    }
    // PID 0 (the idle process) owns no live connection on Windows; a table that says so for
    // one (Wine's does) does not know the owner.
    if pid == 0 {
        return Owner::Unknown;
    }
    match same_user_as_me(pid) {
        Some(true) => Owner::ThisUser,
        Some(false) => Owner::OtherUser(format!("the user of process {pid}")),
        // A process whose token this user may not read is not one of this user's programs.
        None => Owner::OtherUser(format!("the user of process {pid}")),
    }
}

/// The table of one address family, as raw bytes (u64 words keep the rows aligned).
fn table(family: u16) -> Option<Vec<u64>> {
    let mut size: u32 = 0;
    for _ in 0..4 {
        let mut buf = vec![0u64; (size as usize).div_ceil(8).max(1)];
        size = (buf.len() * 8) as u32;
        // SAFETY: `buf` is writable for `size` bytes and outlives the call; the other
        // arguments are plain values.
        let rc = unsafe {
            GetExtendedTcpTable(
                buf.as_mut_ptr().cast(),
                &mut size,
                0,
                u32::from(family),
                TCP_TABLE_OWNER_PID_CONNECTIONS,
                0,
            )
        };
        match rc {
            NO_ERROR => return Some(buf),
            // The table grew between the two calls: `size` now holds the new need.
            ERROR_INSUFFICIENT_BUFFER => continue,
            _ => return None,
        }
    }
    None
}

/// The rows of a table: a `u32` count followed by the rows (`MIB_TCPTABLE_OWNER_PID` and
/// `MIB_TCP6TABLE_OWNER_PID` both start so, the rows aligned to 4 bytes).
fn rows_of<T: Copy>(buf: &[u64]) -> Vec<T> {
    let bytes = buf.len() * 8;
    // SAFETY: the buffer holds at least the count (the call succeeded), and rows are read
    // only while they lie inside it; `read_unaligned` needs no alignment.
    unsafe {
        let base = buf.as_ptr().cast::<u8>();
        let n = base.cast::<u32>().read_unaligned() as usize;
        let first = 4usize.next_multiple_of(std::mem::align_of::<T>());
        let fit = bytes.saturating_sub(first) / std::mem::size_of::<T>();
        (0..n.min(fit)).map(|i| base.add(first + i * std::mem::size_of::<T>()).cast::<T>().read_unaligned()).collect()
    }
}

/// A port as the table keeps it: network byte order in the low 16 bits.
fn port(raw: u32) -> u16 {
    u16::from_be(raw as u16)
}

fn tcp4_rows() -> Option<Vec<Row>> {
    let buf = table(AF_INET)?;
    Some(
        rows_of::<MIB_TCPROW_OWNER_PID>(&buf)
            .into_iter()
            .map(|r| {
                let addr = |a: u32| IpAddr::V4(Ipv4Addr::from(a.to_ne_bytes()));
                (
                    SocketAddr::new(addr(r.dwLocalAddr), port(r.dwLocalPort)),
                    SocketAddr::new(addr(r.dwRemoteAddr), port(r.dwRemotePort)),
                    r.dwOwningPid,
                )
            })
            .collect(),
    )
}

fn tcp6_rows() -> Option<Vec<Row>> {
    let buf = table(AF_INET6)?;
    Some(
        rows_of::<MIB_TCP6ROW_OWNER_PID>(&buf)
            .into_iter()
            .map(|r| {
                (
                    SocketAddr::new(IpAddr::V6(Ipv6Addr::from(r.ucLocalAddr)), port(r.dwLocalPort)),
                    SocketAddr::new(IpAddr::V6(Ipv6Addr::from(r.ucRemoteAddr)), port(r.dwRemotePort)),
                    r.dwOwningPid,
                )
            })
            .collect(),
    )
}

/// Closes a handle when dropped.
struct Handle(HANDLE);

impl Drop for Handle {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the handle was opened by this module and is closed once.
            unsafe { CloseHandle(self.0) };
        }
    }
}

/// The token user (a `TOKEN_USER` followed by its SID) of a process handle.
fn token_user(process: HANDLE) -> Option<Vec<u64>> {
    let mut token = Handle(std::ptr::null_mut());
    // SAFETY: `token.0` is a valid place for the returned handle.
    if unsafe { OpenProcessToken(process, TOKEN_QUERY, &mut token.0) } == 0 {
        return None;
    }
    let mut needed: u32 = 0;
    // SAFETY: a null buffer of length 0 asks for the size only.
    unsafe { GetTokenInformation(token.0, TokenUser, std::ptr::null_mut(), 0, &mut needed) };
    if needed == 0 {
        return None;
    }
    let mut buf = vec![0u64; (needed as usize).div_ceil(8)];
    // SAFETY: `buf` is writable for `needed` bytes.
    let ok = unsafe { GetTokenInformation(token.0, TokenUser, buf.as_mut_ptr().cast(), needed, &mut needed) };
    (ok != 0).then_some(buf)
}

/// Whether process `pid` runs as this process's user; `None` when its token cannot be read.
fn same_user_as_me(pid: u32) -> Option<bool> {
    // SAFETY: plain values; the returned handle is owned by `Handle`.
    let process = Handle(unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) });
    if process.0.is_null() {
        return None;
    }
    let theirs = token_user(process.0)?;
    // SAFETY: the pseudo-handle of the current process needs no closing.
    let mine = token_user(unsafe { GetCurrentProcess() })?;
    // SAFETY: both buffers start with a TOKEN_USER (aligned by the u64 words) whose SID pointer
    // points into the same buffer, alive for the call.
    let equal = unsafe {
        let a = (*theirs.as_ptr().cast::<TOKEN_USER>()).User.Sid;
        let b = (*mine.as_ptr().cast::<TOKEN_USER>()).User.Sid;
        EqualSid(a, b)
    };
    Some(equal != 0)
}
