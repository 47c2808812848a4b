//! A small HTTP CONNECT proxy on loopback, as an office network puts between a computer and
//! Xero: it logs every host it is asked to reach and tunnels to loopback targets only, or,
//! like a proxy that wants a sign-in, answers every CONNECT with 407.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running proxy; its threads end with the test process.
pub struct ConnectProxy {
    /// `http://127.0.0.1:PORT`, for `HTTPS_PROXY`.
    pub url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    /// Starts a proxy; with `sign_in_required` it refuses every request with 407.
    pub fn start(sign_in_required: bool) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let log = log.clone();
                std::thread::spawn(move || serve(client, &log, sign_in_required));
            }
        });
        ConnectProxy { url, seen }
    }

    /// Every `host:port` asked for, in order (a refused one too).
    pub fn hosts(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(mut client: TcpStream, log: &Mutex<Vec<String>>, sign_in_required: bool) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut words = text.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("").to_string());
    log.lock().unwrap().push(target.clone());
    if sign_in_required {
        let _ = client.write_all(
            b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"office\"\r\n\
              Content-Length: 0\r\nConnection: close\r\n\r\n",
        );
        return;
    }
    let loopback = target.starts_with("localhost:") || target.starts_with("127.0.0.1:");
    if method != "CONNECT" || !loopback {
        let _ = client.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    }
    let Ok(upstream) = TcpStream::connect(target.replace("localhost:", "127.0.0.1:")) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    if client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").is_err() {
        return;
    }
    let _ = client.set_read_timeout(None);
    let (mut up_read, mut client_write) = (upstream.try_clone().unwrap(), client.try_clone().unwrap());
    let back = std::thread::spawn(move || {
        let _ = std::io::copy(&mut up_read, &mut client_write);
        let _ = client_write.shutdown(std::net::Shutdown::Write);
    });
    let (mut client_read, mut up_write) = (client, upstream);
    let _ = std::io::copy(&mut client_read, &mut up_write);
    let _ = up_write.shutdown(std::net::Shutdown::Write);
    let _ = back.join();
}
