//! Finishing a consent from another device: the person pastes the address their browser ended
//! on (`http://localhost:PORT/callback?code=…&state=…`, which on a laptop that is not this
//! computer shows "this site can't be reached"), and it is checked exactly as the loopback
//! listener checks a request. Xero offers no device-code flow (docs/xero-platform.md §4), so
//! this is the way a server without a browser finishes setup.
//!
//! A front end keeps the [`PasteSender`] and sends each pasted text; the consent's wait reads
//! the [`PastedAddresses`] alongside the listener, and whichever answers first wins. A paste
//! that is not such an address is refused in one sentence (never echoing the text, which may
//! hold a code) and the wait goes on.

use crate::domain::RedirectUri;
use crate::secret::Secret;
use std::fmt;
use std::sync::Arc;
use tokio::sync::{mpsc, Mutex};

/// Where a front end sends what a person pasted (see the module documentation).
#[derive(Clone)]
pub struct PasteSender(mpsc::UnboundedSender<Secret>);

impl PasteSender {
    /// Hands a pasted text to the waiting consent. False when nothing reads pastes any more
    /// (the consent has ended).
    pub fn send(&self, pasted: Secret) -> bool {
        self.0.send(pasted).is_ok()
    }
}

impl fmt::Debug for PasteSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasteSender")
    }
}

/// The receiving end, given to the consent through [`crate::flows::ConsentOptions`]; the
/// default receives nothing, ever.
#[derive(Clone, Default)]
pub struct PastedAddresses(Option<Arc<Mutex<mpsc::UnboundedReceiver<Secret>>>>);

impl fmt::Debug for PastedAddresses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "PastedAddresses(open)" } else { "PastedAddresses(none)" })
    }
}

/// A connected pair: what the front end sends, the consent receives.
pub fn channel() -> (PasteSender, PastedAddresses) {
    let (tx, rx) = mpsc::unbounded_channel();
    (PasteSender(tx), PastedAddresses(Some(Arc::new(Mutex::new(rx)))))
}

impl PastedAddresses {
    /// The next pasted text; never completes when there is no sender (or it is gone and all
    /// was read), so a `select!` arm on it simply stays quiet. Cancel-safe.
    pub(crate) async fn next(&self) -> Secret {
        if let Some(rx) = &self.0 {
            if let Some(text) = rx.lock().await.recv().await {
                return text;
            }
        }
        std::future::pending().await
    }
}

/// A pasted address turned into what the listener would have received: the request target
/// (path and query) and the Host header. The sentence says why not, without the pasted text.
pub(crate) fn as_request(pasted: &str, uri: &RedirectUri) -> Result<(String, String), String> {
    // Terminals and chat programs add whitespace, quotes or angle brackets around a copied address.
    let text = pasted.trim().trim_matches(|c: char| matches!(c, '"' | '\'' | '<' | '>' | '`')).trim();
    let not_an_address = || {
        format!(
            "That is not the address your browser ended on: after \"Allow access\", copy the whole address from \
             the browser's address bar; it starts with {}?code=",
            uri.as_str()
        )
    };
    let url = url::Url::parse(text).map_err(|_| not_an_address())?;
    // https too: a browser that forces HTTPS on localhost ends on https://localhost:PORT/… with
    // Xero's answer in it (issue 16).
    if !matches!(url.scheme(), "http" | "https") || url.query().is_none() {
        return Err(not_an_address());
    }
    let host = match (url.host_str(), url.port_or_known_default()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        _ => return Err(not_an_address()),
    };
    let target = format!("{}?{}", url.path(), url.query().unwrap_or(""));
    Ok((target, host))
}

/// Why a pasted address was refused once it parsed but the listener's checks said no.
pub(crate) fn refusal(uri: &RedirectUri, wrong_place: bool) -> String {
    if wrong_place {
        format!(
            "That address is not the redirect URI this sign-in waits on: paste the one that starts with {}?code=",
            uri.as_str()
        )
    } else {
        "That address belongs to another sign-in or is cut short: paste the whole address from the browser where \
         you allowed access for this sign-in."
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri() -> RedirectUri {
        RedirectUri::parse("http://localhost:33333/callback").unwrap()
    }

    #[test]
    fn surrounding_whitespace_and_quotes_are_ignored() {
        for pasted in [
            "http://localhost:33333/callback?code=c&state=s",
            "  \"http://localhost:33333/callback?code=c&state=s\"\n",
            "'http://localhost:33333/callback?code=c&state=s'",
            "<http://localhost:33333/callback?code=c&state=s>",
            "https://localhost:33333/callback?code=c&state=s",
        ] {
            let (target, host) = as_request(pasted, &uri()).unwrap();
            assert_eq!((target.as_str(), host.as_str()), ("/callback?code=c&state=s", "localhost:33333"), "{pasted}");
        }
    }

    #[test]
    fn what_is_not_an_address_is_refused_without_repeating_it() {
        for pasted in
            ["", "the-code-itself", "ftp://localhost:33333/callback?code=c0de", "http://localhost:33333/callback"]
        {
            let why = as_request(pasted, &uri()).unwrap_err();
            assert!(why.contains("http://localhost:33333/callback?code="), "{why}");
            assert!(!why.contains("the-code-itself") && !why.contains("c0de"), "{why}");
        }
    }

    #[tokio::test]
    async fn a_paste_reaches_the_receiver_and_no_sender_means_silence() {
        let (tx, rx) = channel();
        assert!(tx.send(Secret::new("x")));
        assert_eq!(rx.next().await.expose(), "x");
        let none = PastedAddresses::default();
        let quiet = tokio::time::timeout(std::time::Duration::from_millis(20), none.next()).await;
        assert!(quiet.is_err());
        drop(rx);
        assert!(!tx.send(Secret::new("y")), "a sender knows when nobody reads");
    }
}
