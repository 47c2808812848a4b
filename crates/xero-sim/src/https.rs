//! The simulator over HTTPS, as an office network that inspects HTTPS shows Xero to a computer:
//! every certificate issued by a private authority (say "Example Corp Inspection CA") that the
//! operating system trusts only if IT installed its root (issue 16). [`CertificateAuthority`]
//! makes such an authority and a server certificate for `localhost` and `127.0.0.1`;
//! `Simulator::serve_https` terminates TLS with it in front of the simulator's plain port, and
//! from then on tokens name the https origin as their issuer, as Xero's name its identity host.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A private certificate authority.
pub struct CertificateAuthority {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl std::fmt::Debug for CertificateAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CertificateAuthority")
    }
}

/// A server's certificate chain and key, for `Simulator::serve_https`.
#[derive(Debug, Clone)]
pub struct ServerIdentity {
    pub(crate) chain: Vec<CertificateDer<'static>>,
    pub(crate) key: Vec<u8>,
}

impl CertificateAuthority {
    /// A new self-signed root named `common_name` (organisation "Example Corp").
    pub fn new(common_name: &str) -> CertificateAuthority {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("no names to check");
        params.distinguished_name.push(DnType::CommonName, common_name);
        params.distinguished_name.push(DnType::OrganizationName, "Example Corp");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let key = KeyPair::generate().expect("a key is generated");
        CertificateAuthority { issuer: CertifiedIssuer::self_signed(params, key).expect("the root signs itself") }
    }

    /// The root certificate in PEM: what IT installs in the operating system's store (or what
    /// `SSL_CERT_FILE` names).
    pub fn root_pem(&self) -> String {
        self.issuer.pem()
    }

    /// A server certificate for `localhost` and `127.0.0.1`, issued by this authority.
    pub fn issue_localhost(&self) -> ServerIdentity {
        let mut params = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .expect("valid subject alternative names");
        params.distinguished_name.push(DnType::CommonName, "localhost");
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let key = KeyPair::generate().expect("a key is generated");
        let cert = params.signed_by(&key, &self.issuer).expect("the root signs the server certificate");
        ServerIdentity { chain: vec![cert.der().clone(), self.issuer.der().clone()], key: key.serialize_der() }
    }
}

/// The TLS configuration of a server with this identity.
pub(crate) fn server_config(identity: &ServerIdentity) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(identity.key.clone()));
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default versions")
        .with_no_client_auth()
        .with_single_cert(identity.chain.clone(), key)
        .expect("the certificate matches its key");
    Arc::new(config)
}

/// Accepts TLS on `listener` and forwards each connection's plain bytes to `plain` (the
/// simulator's own port), until the runtime stops. A handshake the client aborts (it does not
/// trust the certificate) just ends that connection.
pub(crate) async fn forward(
    listener: tokio::net::TcpListener,
    config: Arc<rustls::ServerConfig>,
    plain: std::net::SocketAddr,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            continue;
        };
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let handshake = tokio::time::timeout(std::time::Duration::from_secs(10), acceptor.accept(tcp)).await;
            let Ok(Ok(mut tls)) = handshake else { return };
            let Ok(mut upstream) = tokio::net::TcpStream::connect(plain).await else { return };
            let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
        });
    }
}
