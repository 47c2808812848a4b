//! Who owns the other end of a loopback TCP connection: this user, another user of the same
//! computer, or nobody can tell on this platform.
//!
//! The loopback listener accepts Xero's redirect only from a program of the user it runs as.
//! The consent address (state, nonce, PKCE challenge) is passed to the browser on its command
//! line, which other users of a shared computer can read; with it they can run the same sign-in
//! into their own organisation and deliver their code to the listener (RFC 9700 §4.5, RFC 8252
//! §8.6 on loopback redirects). Their connection then comes from a socket they own.
//!
//! - Linux: the peer's own entry in `/proc/net/tcp` and `tcp6` (through the `procfs` crate)
//!   names its owner's uid. If the table cannot be read, or does not even list this end of the
//!   connection (a kernel emulation such as WSL 1 or gVisor), the platform cannot tell.
//! - Windows: the TCP table with owning process IDs (`GetExtendedTcpTable`), then that process's
//!   token user compared with this process's (see `peer/windows.rs`).
//! - Elsewhere (macOS, the BSDs): not known; the listener accepts the connection and the README
//!   says so.

use std::net::SocketAddr;

#[cfg(windows)]
mod windows;

/// The owner of a connection's far end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Owner {
    /// A program of the user this process runs as.
    ThisUser,
    /// Someone else; the text says who, as far as is known ("user 65534"), for the message.
    OtherUser(String),
    /// This platform (or this machine's kernel) does not tell.
    Unknown,
}

/// The owner of the socket at `peer` that is connected to our `local` address.
pub(crate) fn owner(local: SocketAddr, peer: SocketAddr) -> Owner {
    imp(local, peer)
}

#[cfg(target_os = "linux")]
fn imp(local: SocketAddr, peer: SocketAddr) -> Owner {
    let mut entries = Vec::new();
    for table in [procfs::net::tcp(), procfs::net::tcp6()].into_iter().flatten() {
        entries.extend(table.into_iter().map(|e| (e.local_address, e.remote_address, e.uid)));
    }
    linux_verdict(&entries, local, peer, rustix::process::geteuid().as_raw())
}

/// The verdict from the kernel's TCP table, as `(local, remote, uid)` rows. The peer's socket
/// is the row whose local address is the peer and whose remote address is us; our own end of
/// the connection must be listed too, or the table is not a real one.
#[cfg(any(target_os = "linux", test))]
fn linux_verdict(entries: &[(SocketAddr, SocketAddr, u32)], local: SocketAddr, peer: SocketAddr, me: u32) -> Owner {
    let same = |a: SocketAddr, b: SocketAddr| a.port() == b.port() && canonical(a) == canonical(b);
    if let Some((_, _, uid)) = entries.iter().find(|(l, r, _)| same(*l, peer) && same(*r, local)) {
        return if *uid == me { Owner::ThisUser } else { Owner::OtherUser(format!("user {uid}")) };
    }
    if entries.iter().any(|(l, r, _)| same(*l, local) && same(*r, peer)) {
        // Our end is listed but the peer's is not: it is gone already, or hidden; either way
        // nothing vouches for it.
        return Owner::OtherUser("an unknown user".into());
    }
    Owner::Unknown
}

/// An address with IPv4-mapped IPv6 (`::ffff:127.0.0.1`) written as IPv4, as the tables mix both.
#[cfg(any(target_os = "linux", test))]
fn canonical(a: SocketAddr) -> std::net::IpAddr {
    match a.ip() {
        std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(std::net::IpAddr::V6(v6), std::net::IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(windows)]
fn imp(local: SocketAddr, peer: SocketAddr) -> Owner {
    windows::owner(local, peer)
}

#[cfg(not(any(target_os = "linux", windows)))]
fn imp(_local: SocketAddr, _peer: SocketAddr) -> Owner {
    Owner::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_peers_own_row_decides_and_a_missing_one_is_not_trusted() {
        let (us, them) = (a("127.0.0.1:8749"), a("127.0.0.1:50000"));
        let rows = [(us, them, 0), (them, us, 1000)];
        assert_eq!(linux_verdict(&rows, us, them, 1000), Owner::ThisUser);
        assert_eq!(linux_verdict(&rows, us, them, 0), Owner::OtherUser("user 1000".into()));
        // Only our end listed: the peer is not vouched for.
        assert_eq!(linux_verdict(&rows[..1], us, them, 0), Owner::OtherUser("an unknown user".into()));
        // An empty table (an emulated kernel) tells nothing.
        assert_eq!(linux_verdict(&[], us, them, 0), Owner::Unknown);
        // IPv4-mapped rows match plain IPv4 addresses.
        let mapped = [(a("[::ffff:127.0.0.1]:50000"), a("[::ffff:127.0.0.1]:8749"), 7)];
        assert_eq!(linux_verdict(&mapped, us, them, 7), Owner::ThisUser);
    }

    #[cfg(any(target_os = "linux", windows))]
    #[test]
    fn a_connection_from_this_process_is_this_users() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, peer) = listener.accept().unwrap();
        assert_eq!(peer, client.local_addr().unwrap());
        let started = std::time::Instant::now();
        let found = owner(server.local_addr().unwrap(), peer);
        eprintln!("owner look-up took {:?}", started.elapsed());
        if crate::testing::under_wine() {
            // Wine's TCP table names no owning process (PID 0): nothing can be told there.
            assert_eq!(found, Owner::Unknown);
        } else {
            assert_eq!(found, Owner::ThisUser);
        }
    }
}
