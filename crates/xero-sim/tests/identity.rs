//! End-to-end tests of the simulated identity service over real HTTP: consent page,
//! code exchange (Basic, body secret, PKCE), redirect URI and scope rules, refresh
//! rotation with grace and idle expiry, secrets, revocation, client_credentials,
//! discovery and JWKS.

mod common;

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use ring::signature::{RsaPublicKeyComponents, RSA_PKCS1_2048_8192_SHA256};
use xero_sim::{decode_claims, AppKind, AppSpec, Consent, Endpoint, User};

#[tokio::test]
async fn consent_page_then_basic_exchange_issues_xero_shaped_tokens() {
    let (sim, a, b) = sim_with_orgs();
    sim.set_user(User { email: "pat@example.com".into(), given_name: "Pat".into(), family_name: "Lee".into() });
    let app = sim.add_app(AppSpec::default());
    let http = http();
    let url = authorize_url(&sim, &app.client_id, REDIRECT, SCOPES, &[("state", "xyz 1/2")]);
    let html = http.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Acme Sync") && html.contains("pat@example.com"));
    assert!(html.contains("<form method=\"post\" action=\"/identity/connect/authorize/consent\">"));
    assert!(html.contains(&format!("<input type=\"checkbox\" name=\"tenant\" value=\"{a}\" checked>")));
    assert!(html.contains(&format!("<input type=\"checkbox\" name=\"tenant\" value=\"{b}\" checked>")));
    assert!(html.contains("<button type=\"submit\" name=\"decision\" value=\"allow\">Allow access</button>"));
    assert!(html.contains("value=\"cancel\">Cancel</button>"));

    let loc = consent(&http, &sim, &url, "allow", None).await;
    assert!(loc.as_str().starts_with("http://localhost:8749/callback?code="));
    assert_eq!(param(&loc, "state").as_deref(), Some("xyz 1/2"));
    assert_eq!(param(&loc, "scope").as_deref(), Some(SCOPES));
    assert!(param(&loc, "session_state").is_some());
    let code = param(&loc, "code").unwrap();

    let (status, body) = exchange(&http, &sim, &app, &code).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 1800);
    assert_eq!(body["scope"], SCOPES);
    assert!(s(&body["refresh_token"]).len() >= 60);
    let at = decode_claims(s(&body["access_token"])).unwrap();
    assert_eq!(at["iss"], sim.url());
    assert_eq!(at["aud"], format!("{}/resources", sim.url()));
    assert_eq!(at["client_id"], app.client_id.as_str());
    assert!(at["scope"].as_array().unwrap().iter().any(|s| s == "accounting.settings"));
    assert_eq!(at["exp"].as_u64().unwrap() - at["iat"].as_u64().unwrap(), 1800);
    for claim in ["nbf", "sub", "xero_userid", "global_session_id", "jti", "authentication_event_id"] {
        assert!(!at[claim].is_null(), "access token lacks {claim}");
    }
    let id = decode_claims(s(&body["id_token"])).unwrap();
    assert_eq!(id["aud"], app.client_id.as_str());
    assert_eq!(id["email"], "pat@example.com");
    assert_eq!(id["preferred_username"], "pat@example.com");
    assert_eq!(id["given_name"], "Pat");
    assert_eq!(id["family_name"], "Lee");
    assert_eq!(id["xero_userid"], at["xero_userid"]);
    assert!(!id["sid"].is_null() && !id["global_session_id"].is_null());

    // Both organisations connected under the token's authentication event.
    let conns = sim.connections_of(&app.client_id);
    assert_eq!(conns.len(), 2);
    assert!(conns.iter().all(|c| c.auth_event_id == s(&at["authentication_event_id"])));
    assert_eq!(sim.count(Endpoint::Authorize), 2);
    assert_eq!(sim.count_grant("authorization_code"), 1);
}

#[tokio::test]
async fn body_secret_exchange_and_code_single_use() {
    let (sim, _, _) = sim_with_orgs();
    let app = sim.add_app(AppSpec::default());
    let http = http();
    let code = code_for(&http, &sim, &app, SCOPES, &[]).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("client_id", app.client_id.as_str()),
        ("client_secret", app.client_secret.as_deref().unwrap()),
    ];
    let (status, body) = token(&http, &sim, None, &form).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = token(&http, &sim, None, &form).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn token_endpoint_rejects_bad_clients_and_requests() {
    let (sim, _, _) = sim_with_orgs();
    let app = sim.add_app(AppSpec::default());
    let http = http();
    let code = code_for(&http, &sim, &app, SCOPES, &[]).await;
    let secret = app.client_secret.clone().unwrap();
    let form = [("grant_type", "authorization_code"), ("code", code.as_str()), ("redirect_uri", REDIRECT)];
    // A pasted secret with a trailing space is invalid_client at Xero.
    let padded = format!("{secret} ");
    let (st, b) = token(&http, &sim, Some((&app.client_id, &padded)), &form).await;
    assert_eq!((st, b["error"].as_str()), (400, Some("invalid_client")));
    let (st, b) = token(&http, &sim, Some(("0123456789ABCDEF0123456789ABCDEF", &secret)), &form).await;
    assert_eq!((st, b["error"].as_str()), (400, Some("invalid_client")));
    let (st, b) = token(&http, &sim, Some((&app.client_id, &secret)), &[("grant_type", "password")]).await;
    assert_eq!((st, b["error"].as_str()), (400, Some("unsupported_grant_type")));
    // Wrong redirect_uri at the exchange.
    let (st, b) = token(
        &http,
        &sim,
        Some((&app.client_id, &secret)),
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "http://localhost:8749/callback/"),
        ],
    )
    .await;
    assert_eq!((st, b["error"].as_str()), (400, Some("invalid_grant")));
    // JSON instead of a form.
    let resp = http
        .post(format!("{}/connect/token", sim.url()))
        .json(&serde_json::json!({"grant_type": "authorization_code"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(resp.json::<serde_json::Value>().await.unwrap()["error"], "invalid_request");
    // The code was not burnt by the failures above.
    let (st, _) = exchange(&http, &sim, &app, &code).await;
    assert_eq!(st, 200);
}

#[tokio::test]
async fn pkce_requires_s256_and_a_matching_verifier() {
    let (sim, _, _) = sim_with_orgs();
    let app = sim.add_app(pkce_spec());
    assert!(app.client_secret.is_none());
    let http = http();
    // No challenge, or the plain method: Xero's error page, no redirect.
    for extra in [vec![], vec![("code_challenge", VERIFIER), ("code_challenge_method", "plain")]] {
        let resp = http.get(authorize_url(&sim, &app.client_id, REDIRECT, SCOPES, &extra)).send().await.unwrap();
        assert_eq!(resp.status(), 500);
        assert!(resp.headers().get("location").is_none());
        assert!(resp.text().await.unwrap().contains("invalid_request"));
    }
    let ch = challenge(VERIFIER);
    let extra = [("code_challenge", ch.as_str()), ("code_challenge_method", "S256")];
    let pkce_form = |code: &str, verifier: &str| {
        vec![
            ("grant_type".to_string(), "authorization_code".to_string()),
            ("client_id".to_string(), app.client_id.clone()),
            ("code".to_string(), code.to_string()),
            ("redirect_uri".to_string(), REDIRECT.to_string()),
            ("code_verifier".to_string(), verifier.to_string()),
        ]
    };
    let send = |form: Vec<(String, String)>| {
        let http = http.clone();
        let url = format!("{}/connect/token", sim.url());
        async move {
            let r = http.post(url).form(&form).send().await.unwrap();
            (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap())
        }
    };
    let code = code_for(&http, &sim, &app, SCOPES, &extra).await;
    let wrong = "x".repeat(43);
    let (st, b) = send(pkce_form(&code, &wrong)).await;
    assert_eq!((st, b["error"].as_str()), (400, Some("invalid_grant")));
    let (st, b) = send(pkce_form(&code, "short")).await;
    assert_eq!((st, b["error"].as_str()), (400, Some("invalid_grant")));
    let (st, b) = send(pkce_form(&code, VERIFIER)).await;
    assert_eq!(st, 200, "{b}");
    let rt = s(&b["refresh_token"]).to_string();
    // A PKCE app refreshes with client_id alone.
    let (st, b) = send(vec![
        ("grant_type".into(), "refresh_token".into()),
        ("client_id".into(), app.client_id.clone()),
        ("refresh_token".into(), rt),
    ])
    .await;
    assert_eq!(st, 200, "{b}");
}

#[tokio::test]
async fn codes_expire_after_five_minutes() {
    let (sim, _, _) = sim_with_orgs();
    let app = sim.add_app(AppSpec::default());
    let http = http();
    let code = code_for(&http, &sim, &app, SCOPES, &[]).await;
    sim.advance_clock(Duration::from_secs(5 * 60 + 1));
    let (st, b) = exchange(&http, &sim, &app, &code).await;
    assert_eq!((st, b["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn wrong_redirect_uri_or_client_shows_error_page_without_redirect() {
    let (sim, _, _) = sim_with_orgs();
    let app = sim.add_app(AppSpec::default());
    let http = http();
    for bad in [
        "http://localhost:8749/callback/",
        "http://localhost:8750/callback",
        "http://127.0.0.1:8749/callback",
        "https://localhost:8749/callback",
    ] {
        let resp = http.get(authorize_url(&sim, &app.client_id, bad, SCOPES, &[("state", "s")])).send().await.unwrap();
        assert_eq!(resp.status(), 500, "{bad}");
        assert!(resp.headers().get("location").is_none());
        let html = resp.text().await.unwrap();
        assert!(html.contains("Error code: 500"));
        assert!(html.contains("unauthorized_client : Invalid redirect_uri"), "{html}");
    }
    let resp =
        http.get(authorize_url(&sim, "0123456789ABCDEF0123456789ABCDEF", REDIRECT, SCOPES, &[])).send().await.unwrap();
    assert_eq!(resp.status(), 500);
    assert!(resp.text().await.unwrap().contains("unauthorized_client"));
    let mut url = authorize_url(&sim, &app.client_id, REDIRECT, SCOPES, &[]);
    url = url.replace("response_type=code", "response_type=token");
    assert_eq!(http.get(url).send().await.unwrap().status(), 500);
}

#[tokio::test]
async fn broad_scopes_refused_for_new_apps_only() {
    let (sim, _, _) = sim_with_orgs();
    let new_app = sim.add_app(AppSpec::default());
    let old_app = sim.add_app(AppSpec { name: "Legacy Sync".into(), created: (2025, 1, 1), ..AppSpec::default() });
    let http = http();
    let broad = "openid offline_access accounting.transactions accounting.settings";
    let resp = http.get(authorize_url(&sim, &new_app.client_id, REDIRECT, broad, &[])).send().await.unwrap();
    assert_eq!(resp.status(), 500);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Invalid scope for client"));
    assert!(!html.contains("accounting.transactions"), "the scope is not named");
    for scope in ["accounting.reports.read", "made.up", "bankfeeds"] {
        let resp = http.get(authorize_url(&sim, &new_app.client_id, REDIRECT, scope, &[])).send().await.unwrap();
        assert_eq!(resp.status(), 500, "{scope}");
    }
    let resp = http.get(authorize_url(&sim, &old_app.client_id, REDIRECT, broad, &[])).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let granular = "offline_access accounting.invoices.read accounting.reports.profitandloss.read";
    let resp = http.get(authorize_url(&sim, &new_app.client_id, REDIRECT, granular, &[])).send().await.unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn refresh_rotates_with_thirty_minute_grace() {
    let (sim, _, _) = sim_with_orgs();
    let http = http();
    let (app, first) = connected_web_app(&http, &sim, SCOPES).await;
    let secret = app.client_secret.clone().unwrap();
    let rt1 = s(&first["refresh_token"]).to_string();
    let event = decode_claims(s(&first["access_token"])).unwrap()["authentication_event_id"].clone();

    let (st, second) = refresh(&http, &sim, &app.client_id, &secret, &rt1).await;
    assert_eq!(st, 200, "{second}");
    let rt2 = s(&second["refresh_token"]).to_string();
    assert_ne!(rt1, rt2);
    assert_eq!(decode_claims(s(&second["access_token"])).unwrap()["authentication_event_id"], event);
    assert!(second["id_token"].is_string());

    // The previous token still works inside the grace period (a lost response).
    sim.advance_clock(Duration::from_secs(29 * 60));
    let (st, third) = refresh(&http, &sim, &app.client_id, &secret, &rt1).await;
    assert_eq!(st, 200, "{third}");
    let rt3 = s(&third["refresh_token"]).to_string();
    sim.advance_clock(Duration::from_secs(2 * 60));
    let (st, b) = refresh(&http, &sim, &app.client_id, &secret, &rt1).await;
    assert_eq!((st, b["error"].as_str()), (400, Some("invalid_grant")));
    let (st, _) = refresh(&http, &sim, &app.client_id, &secret, &rt3).await;
    assert_eq!(st, 200);
    assert_eq!(sim.count_grant("refresh_token"), 4);
}

#[tokio::test]
async fn refresh_tokens_expire_after_sixty_idle_days() {
    let (sim, _, _) = sim_with_orgs();
    let http = http();
    let (app, first) = connected_web_app(&http, &sim, SCOPES).await;
    let secret = app.client_secret.clone().unwrap();
    sim.advance_clock(Duration::from_secs(59 * 86_400));
    let (st, b) = refresh(&http, &sim, &app.client_id, &secret, s(&first["refresh_token"])).await;
    assert_eq!(st, 200);
    let rt = s(&b["refresh_token"]).to_string();
    sim.advance_clock(Duration::from_secs(61 * 86_400));
    let (st, b) = refresh(&http, &sim, &app.client_id, &secret, &rt).await;
    assert_eq!((st, b["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn refresh_token_belongs_to_the_client_not_the_secret() {
    let (sim, _, _) = sim_with_orgs();
    let http = http();
    let (app, first) = connected_web_app(&http, &sim, SCOPES).await;
    let old = app.client_secret.clone().unwrap();
    let new = sim.generate_secret(&app.client_id);
    assert_eq!(new.len(), 48);
    assert!(new.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    let (st, b) = refresh(&http, &sim, &app.client_id, &new, s(&first["refresh_token"])).await;
    assert_eq!(st, 200, "{b}");
    let (st, b) = refresh(&http, &sim, &app.client_id, &old, s(&b["refresh_token"])).await;
    assert_eq!(st, 200, "both secrets valid: {b}");
    sim.delete_secret(&app.client_id, &old);
    let (st, e) = refresh(&http, &sim, &app.client_id, &old, s(&b["refresh_token"])).await;
    assert_eq!((st, e["error"].as_str()), (400, Some("invalid_client")));
}

#[tokio::test]
async fn killed_refresh_tokens_are_invalid_grant() {
    let (sim, _, _) = sim_with_orgs();
    let http = http();
    let (app, first) = connected_web_app(&http, &sim, SCOPES).await;
    sim.kill_refresh_tokens();
    let (st, b) =
        refresh(&http, &sim, &app.client_id, app.client_secret.as_deref().unwrap(), s(&first["refresh_token"])).await;
    assert_eq!((st, b["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn no_refresh_token_without_offline_access_and_no_id_token_without_openid() {
    let (sim, _, _) = sim_with_orgs();
    let http = http();
    let (_, body) = connected_web_app(&http, &sim, "accounting.settings.read").await;
    assert!(body.get("refresh_token").is_none());
    assert!(body.get("id_token").is_none());
    assert!(body["access_token"].is_string());
}

#[tokio::test]
async fn revocation_kills_the_grant_and_drops_the_users_connections() {
    let (sim, _, _) = sim_with_orgs();
    let http = http();
    let (app, first) = connected_web_app(&http, &sim, SCOPES).await;
    assert_eq!(sim.connections_of(&app.client_id).len(), 2);
    let resp = http
        .post(format!("{}/connect/revocation", sim.url()))
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[("token", s(&first["refresh_token"]))])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(sim.connections_of(&app.client_id).is_empty());
    let (st, b) =
        refresh(&http, &sim, &app.client_id, app.client_secret.as_deref().unwrap(), s(&first["refresh_token"])).await;
    assert_eq!((st, b["error"].as_str()), (400, Some("invalid_grant")));
    assert_eq!(sim.count(Endpoint::Revocation), 1);
}

#[tokio::test]
async fn client_credentials_only_for_custom_connections() {
    let (sim, org, _) = sim_with_orgs();
    let custom = sim.add_app(AppSpec {
        name: "Back Office".into(),
        kind: AppKind::Custom,
        redirect_uris: vec![],
        custom_tenant: Some(org.clone()),
        ..AppSpec::default()
    });
    let web = sim.add_app(AppSpec::default());
    let http = http();
    let cc = [("grant_type", "client_credentials")];
    let (st, b) = token(&http, &sim, Some((&custom.client_id, custom.client_secret.as_deref().unwrap())), &cc).await;
    assert_eq!(st, 200, "{b}");
    assert!(b.get("refresh_token").is_none() && b.get("id_token").is_none());
    let access = s(&b["access_token"]).to_string();
    // No tenant header needed; the one organisation answers.
    let resp = organisation(&http, &sim, &access, None).await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["Organisations"][0]["OrganisationID"], org.as_str());
    let conns: serde_json::Value =
        http.get(format!("{}/connections", sim.url())).bearer_auth(&access).send().await.unwrap().json().await.unwrap();
    assert_eq!(conns.as_array().unwrap().len(), 1);
    assert_eq!(conns[0]["tenantId"], org.as_str());

    let (st, b) = token(&http, &sim, Some((&web.client_id, web.client_secret.as_deref().unwrap())), &cc).await;
    assert_eq!((st, b["error"].as_str()), (400, Some("unauthorized_client")));
    // A custom connection has no consent screen.
    let resp = http.get(authorize_url(&sim, &custom.client_id, REDIRECT, SCOPES, &[])).send().await.unwrap();
    assert_eq!(resp.status(), 500);
}

#[tokio::test]
async fn cancel_and_scripted_consent() {
    let (sim, a, b) = sim_with_orgs();
    let app = sim.add_app(AppSpec::default());
    let http = http();
    let url = authorize_url(&sim, &app.client_id, REDIRECT, SCOPES, &[("state", "st8")]);
    let loc = consent(&http, &sim, &url, "cancel", None).await;
    assert_eq!(param(&loc, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&loc, "state").as_deref(), Some("st8"));
    assert!(param(&loc, "code").is_none());
    assert!(sim.connections_of(&app.client_id).is_empty());

    sim.set_consent(Consent::Deny);
    let loc = consent(&http, &sim, &url, "allow", None).await;
    assert_eq!(param(&loc, "error").as_deref(), Some("access_denied"));

    sim.set_consent(Consent::Allow(vec![b.clone()]));
    let loc = consent(&http, &sim, &url, "allow", Some(vec![a.clone()])).await;
    assert!(param(&loc, "code").is_some());
    let conns = sim.connections_of(&app.client_id);
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0].tenant_id, b);

    // Allow with no organisation re-shows the page.
    sim.set_consent(Consent::AllowAsPosted);
    let html = http.get(&url).send().await.unwrap().text().await.unwrap();
    let consent_id = values_of(&html, "consent_id").remove(0);
    let resp = http
        .post(format!("{}/identity/connect/authorize/consent", sim.url()))
        .form(&[("consent_id", consent_id.as_str()), ("decision", "allow")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("at least one organisation"));
}

#[tokio::test]
async fn discovery_and_jwks_verify_issued_tokens() {
    let (sim, _, _) = sim_with_orgs();
    let http = http();
    let (_, body) = connected_web_app(&http, &sim, SCOPES).await;
    let disco: serde_json::Value =
        http.get(format!("{}/.well-known/openid-configuration", sim.url())).send().await.unwrap().json().await.unwrap();
    assert_eq!(disco["issuer"], sim.url());
    assert_eq!(disco["token_endpoint"], format!("{}/connect/token", sim.url()));
    assert_eq!(disco["authorization_endpoint"], format!("{}/identity/connect/authorize", sim.url()));
    assert_eq!(disco["revocation_endpoint"], format!("{}/connect/revocation", sim.url()));
    let jwks_uri = s(&disco["jwks_uri"]).to_string();
    assert_eq!(jwks_uri, format!("{}/.well-known/openid-configuration/jwks", sim.url()));
    let jwks: serde_json::Value = http.get(&jwks_uri).send().await.unwrap().json().await.unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(key["kty"], "RSA");
    for token in [s(&body["access_token"]), s(&body["id_token"])] {
        let parts: Vec<&str> = token.split('.').collect();
        let header: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header["alg"], "RS256");
        assert_eq!(header["kid"], key["kid"]);
        let n = URL_SAFE_NO_PAD.decode(s(&key["n"])).unwrap();
        let e = URL_SAFE_NO_PAD.decode(s(&key["e"])).unwrap();
        let sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        RsaPublicKeyComponents { n: &n, e: &e }
            .verify(&RSA_PKCS1_2048_8192_SHA256, format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig)
            .expect("token verifies against the JWKS");
    }
}

/// Xero's identity server authenticates the client before it looks at the grant
/// (docs/xero-platform.md §9): a code that cannot exist tells wrong credentials
/// (`invalid_client`) from accepted ones (`invalid_grant`), for every app type. The wizard
/// relies on this to prove credentials before sending anyone to the consent page.
#[tokio::test]
async fn the_client_is_authenticated_before_the_grant_is_looked_at() {
    let (sim, _, _) = sim_with_orgs();
    let web = sim.add_app(AppSpec::default());
    let pkce = sim.add_app(pkce_spec());
    let custom = sim.add_app(AppSpec { kind: AppKind::Custom, redirect_uris: vec![], ..AppSpec::default() });
    let http = http();
    let bogus = [("grant_type", "authorization_code"), ("code", "no-such-code"), ("redirect_uri", REDIRECT)];
    let secret = web.client_secret.clone().unwrap();
    let (st, b) = token(&http, &sim, Some((&web.client_id, &secret)), &bogus).await;
    assert_eq!((st, b["error"].as_str()), (400, Some("invalid_grant")), "right credentials");
    let typo = format!("{}x", &secret[..secret.len() - 1]);
    let (_, b) = token(&http, &sim, Some((&web.client_id, &typo)), &bogus).await;
    assert_eq!(b["error"], "invalid_client", "wrong secret");
    let (_, b) = token(&http, &sim, Some(("0123456789ABCDEF0123456789ABCDEF", &secret)), &bogus).await;
    assert_eq!(b["error"], "invalid_client", "unknown Client ID");

    // A mobile or desktop app: the Client ID alone.
    let with_id = |id: &str| {
        let mut f = bogus.to_vec();
        f.push(("client_id", id));
        f.push(("code_verifier", VERIFIER));
        f.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>()
    };
    let form = with_id(&pkce.client_id);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (_, b) = token(&http, &sim, None, &pairs).await;
    assert_eq!(b["error"], "invalid_grant", "known PKCE Client ID");
    let form = with_id("FEDCBA9876543210FEDCBA9876543210");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (_, b) = token(&http, &sim, None, &pairs).await;
    assert_eq!(b["error"], "invalid_client", "unknown PKCE Client ID");

    // A custom connection's credentials used for the code flow: authenticated, then refused
    // for the grant type.
    let csecret = custom.client_secret.clone().unwrap();
    let (_, b) = token(&http, &sim, Some((&custom.client_id, &csecret)), &bogus).await;
    assert_eq!(b["error"], "unauthorized_client");
    // And a web app's credentials used as a custom connection.
    let (_, b) = token(&http, &sim, Some((&web.client_id, &secret)), &[("grant_type", "client_credentials")]).await;
    assert_eq!(b["error"], "unauthorized_client");
}

/// OpenID Connect Core §3.1.2.1: the nonce of the authorize request comes back in the
/// id_token of the code exchange, and never in a refreshed one.
#[tokio::test]
async fn the_authorize_requests_nonce_comes_back_in_the_id_token() {
    let (sim, _, _) = sim_with_orgs();
    let app = sim.add_app(AppSpec::default());
    let http = http();
    let code = code_for(&http, &sim, &app, SCOPES, &[("nonce", "n-0123456789abcdef")]).await;
    let (st, body) = exchange(&http, &sim, &app, &code).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(decode_claims(s(&body["id_token"])).unwrap()["nonce"], "n-0123456789abcdef");
    let secret = app.client_secret.clone().unwrap();
    let (_, refreshed) = refresh(&http, &sim, &app.client_id, &secret, s(&body["refresh_token"])).await;
    assert!(decode_claims(s(&refreshed["id_token"])).unwrap().get("nonce").is_none());
    let code = code_for(&http, &sim, &app, SCOPES, &[]).await;
    let (_, body) = exchange(&http, &sim, &app, &code).await;
    assert!(decode_claims(s(&body["id_token"])).unwrap().get("nonce").is_none(), "no nonce sent, none returned");
}
