//! Which certificates Xero's hosts may present: the operating system's verification
//! (`rustls-platform-verifier`: the Windows and macOS verifiers, the system store on Linux, which
//! honours `SSL_CERT_FILE` and `SSL_CERT_DIR`), with the roots this program used to bundle kept as
//! extra trust anchors, so nothing that verified before stops verifying.
//!
//! Offices behind HTTPS inspection (Zscaler, Netskope, firewalls) install their own root in the
//! operating system (issue 16). When verification fails anyway, the failure carries the name of
//! the certificate's issuer, so the message can say who stands between this computer and Xero.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, OtherError, SignatureScheme};
use std::sync::Arc;

/// Why a server's certificate was refused, with the issuer it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untrusted {
    /// The common name (else the whole name) of the issuer of the topmost certificate presented:
    /// the root this computer would need to trust. `None` when the certificate is unreadable.
    pub issuer: Option<String>,
    /// What the verifier said.
    pub reason: UntrustedReason,
}

/// The verifier's reason, as far as the message differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UntrustedReason {
    /// Issued by a root this computer does not trust (HTTPS inspection, or a broken store).
    UnknownIssuer,
    /// Expired or not valid yet: often this computer's clock, not the certificate.
    OutsideValidity,
    /// Issued for another host name.
    WrongHost,
    /// Anything else (revoked, unreadable…).
    Other,
}

impl std::fmt::Display for Untrusted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "certificate not trusted ({:?}, issuer {:?})", self.reason, self.issuer)
    }
}

impl std::error::Error for Untrusted {}

/// The rustls configuration every Xero call uses. The verifier is made on the first handshake,
/// not here: loading the system's store costs milliseconds that a command answering from the
/// keychain alone (`token` with a valid token, BENCHMARKS.md) must not pay.
pub(crate) fn client_config() -> rustls::ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = NamingVerifier { provider: provider.clone(), inner: std::sync::OnceLock::new() };
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth()
}

/// The platform verifier with the bundled roots as extra anchors; the bundled roots alone when
/// the platform verifier cannot start (a Linux machine with no readable store at all).
fn platform_verifier(provider: &Arc<rustls::crypto::CryptoProvider>) -> Arc<dyn ServerCertVerifier> {
    let bundled = webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned();
    match rustls_platform_verifier::Verifier::new_with_extra_roots(bundled, provider.clone()) {
        Ok(v) => Arc::new(v),
        Err(_) => {
            let mut roots = rustls::RootCertStore::empty();
            roots.add_parsable_certificates(webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned());
            rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .expect("the bundled roots make a verifier")
        }
    }
}

/// The platform verifier, made on first use, whose refusals name the issuer (see [`Untrusted`]).
#[derive(Debug)]
struct NamingVerifier {
    provider: Arc<rustls::crypto::CryptoProvider>,
    inner: std::sync::OnceLock<Arc<dyn ServerCertVerifier>>,
}

impl NamingVerifier {
    fn inner(&self) -> &Arc<dyn ServerCertVerifier> {
        self.inner.get_or_init(|| platform_verifier(&self.provider))
    }
}

impl ServerCertVerifier for NamingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.inner().verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now).map_err(|e| {
            let rustls::Error::InvalidCertificate(why) = &e else { return e };
            let reason = match why {
                CertificateError::UnknownIssuer => UntrustedReason::UnknownIssuer,
                CertificateError::Expired
                | CertificateError::ExpiredContext { .. }
                | CertificateError::NotValidYet
                | CertificateError::NotValidYetContext { .. } => UntrustedReason::OutsideValidity,
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                    UntrustedReason::WrongHost
                }
                _ => UntrustedReason::Other,
            };
            let top = intermediates.last().unwrap_or(end_entity);
            let untrusted = Untrusted { issuer: issuer_name(top), reason };
            rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(untrusted))))
        })
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner().verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner().verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        // Asked when the handshake starts; the provider's list is what the platform verifier
        // answers too, and asking it here would load the store for every client made.
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// The issuer's common name, else its whole distinguished name; only printable characters,
/// at most 100 of them (the name comes from whoever answered).
fn issuer_name(der: &[u8]) -> Option<String> {
    use x509_cert::der::Decode;
    let cert = x509_cert::Certificate::from_der(der).ok()?;
    let issuer = cert.tbs_certificate().issuer();
    let name = match issuer.common_name() {
        Ok(Some(cn)) => String::from(cn),
        _ => issuer.to_string(),
    };
    let clean: String = name.chars().filter(|c| !c.is_control()).take(100).collect();
    (!clean.trim().is_empty()).then(|| clean.trim().to_string())
}

/// The refusal inside an error's chain of sources, if a certificate was refused.
pub(crate) fn untrusted_in(error: &(dyn std::error::Error + 'static)) -> Option<Untrusted> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = next {
        if let Some(rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(inner)))) =
            e.downcast_ref::<rustls::Error>()
        {
            if let Some(u) = inner.downcast_ref::<Untrusted>() {
                return Some(u.clone());
            }
        }
        // rustls' error travels inside an io::Error, whose `source` skips the custom payload.
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(u) = untrusted_in(inner) {
                    return Some(u);
                }
            }
        }
        next = e.source();
    }
    None
}
