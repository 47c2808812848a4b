//! Contract: the simulator's `GET /connections` and `GET Organisation` answers, and the client's
//! parsing of them, checked against Xero's published OpenAPI definitions vendored in
//! `tests/contract/xero-openapi/` — their schemas and their example responses. A simulator that
//! invents or mistypes a field fails here, and so does a client that cannot read what Xero's
//! own examples show.

use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::OnceLock;
use xero_connect::probe::parse_organisation;
use xero_connect::tenants::parse_connections;
use xero_sim::{seed_demo, AppKind, AppSpec, OrgSpec, Simulator};

// ---- The schema checker -------------------------------------------------------------------

/// Every way `value` breaks `schema` (a node of `spec`), each message prefixed with its path.
fn check(value: &Value, schema: &Value, spec: &Value, path: &str) -> Vec<String> {
    // OpenAPI 3.0 ignores the siblings of a `$ref` (Xero writes `type: string` beside some),
    // so the referenced schema is the whole story.
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("unsupported $ref {r}"));
        let target = spec.pointer(&format!("/components/schemas/{name}"));
        return check(value, target.unwrap_or_else(|| panic!("{path}: $ref {r} points nowhere")), spec, path);
    }
    if value.is_null() && schema["nullable"] == true {
        return Vec::new();
    }
    // Xero's `Connection` has no `type`, only `properties`: it still describes an object.
    let ty = schema["type"].as_str().or(schema.get("properties").map(|_| "object"));
    let type_ok = match ty {
        Some("string") => value.is_string(),
        Some("boolean") => value.is_boolean(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("array") => value.is_array(),
        Some("object") => value.is_object(),
        Some(other) => panic!("{path}: the checker does not know type {other}"),
        None => true,
    };
    if !type_ok {
        // Nothing below means anything for a value of the wrong type.
        return vec![format!("{path}: expected {}, got {value}", ty.unwrap_or_default())];
    }
    let mut errors = Vec::new();
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            errors.push(format!("{path}: {value} is not in its enum"));
        }
    }
    if let Some(s) = value.as_str() {
        // Other formats (int32, double, date, byte…) only annotate numbers or are unused here.
        let format = schema["format"].as_str().unwrap_or_default();
        let msdate = schema["x-is-msdate"] == true || schema["x-is-msdate-time"] == true;
        let bad = match format {
            "uuid" => !is_uuid(s),
            "date-time" => !is_date_time(s),
            _ => msdate && !is_ms_date(s),
        };
        if bad {
            let what = if msdate { "/Date(ms)/" } else { format };
            errors.push(format!("{path}: {s:?} is not a {what}"));
        }
    }
    if let (Some(items), Some(a)) = (schema.get("items"), value.as_array()) {
        for (i, v) in a.iter().enumerate() {
            errors.extend(check(v, items, spec, &format!("{path}[{i}]")));
        }
    }
    if let Some(o) = value.as_object() {
        let props = schema["properties"].as_object();
        for (k, v) in o {
            match props.and_then(|p| p.get(k)) {
                Some(s) => errors.extend(check(v, s, spec, &format!("{path}.{k}"))),
                // A field the schema does not declare is a field real Xero does not send.
                None if props.is_some() => errors.push(format!("{path}.{k}: not declared by the schema")),
                None => {}
            }
        }
        for r in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !o.contains_key(r) {
                errors.push(format!("{path}.{r}: required but missing"));
            }
        }
    }
    errors
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

/// RFC 3339 date-time, except that the zone may be missing: Xero's `/connections` sends UTC as
/// `2019-12-07T18:46:19.5165400`, and its own example does the same.
fn is_date_time(s: &str) -> bool {
    let shape = |s: &str, pattern: &str| {
        s.len() == pattern.len()
            && s.chars().zip(pattern.chars()).all(|(c, p)| if p == 'd' { c.is_ascii_digit() } else { c == p })
    };
    let (Some(head), Some(rest)) = (s.get(..19), s.get(19..)) else {
        return false;
    };
    let rest = rest.strip_prefix('.').map_or(rest, |r| r.trim_start_matches(|c: char| c.is_ascii_digit()));
    let zone_ok = rest.is_empty() || rest == "Z" || (rest.starts_with(['+', '-']) && shape(&rest[1..], "dd:dd"));
    shape(head, "dddd-dd-ddTdd:dd:dd") && zone_ok
}

/// The Accounting API's `/Date(1552404447003)/`, optionally with an offset (`+0000`).
fn is_ms_date(s: &str) -> bool {
    let Some(inner) = s.strip_prefix("/Date(").and_then(|r| r.strip_suffix(")/")) else {
        return false;
    };
    let inner = inner.strip_prefix('-').unwrap_or(inner); // before 1970
    let (ms, offset) = inner.split_at(inner.find(['+', '-']).unwrap_or(inner.len()));
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    digits(ms) && (offset.is_empty() || offset.len() == 5 && digits(&offset[1..]))
}

// ---- Xero's definitions --------------------------------------------------------------------

fn openapi_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("contract/xero-openapi");
    assert!(
        dir.join("xero-identity.yaml").is_file() && dir.join("xero_accounting.yaml").is_file(),
        "Xero's OpenAPI definitions (xero-identity.yaml, xero_accounting.yaml) are not in {}: \
         they are vendored in tests/contract/xero-openapi (see SOURCE.md there)",
        dir.display()
    );
    dir
}

fn load(file: &str) -> Value {
    let path = openapi_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()))
}

/// `xero-identity.yaml`, parsed once for all tests.
fn identity() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| load("xero-identity.yaml"))
}

/// `xero_accounting.yaml` (926 KB), parsed once for all tests.
fn accounting() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| load("xero_accounting.yaml"))
}

/// The `application/json` content of an operation's 200 response (schema and example).
fn response_200<'a>(spec: &'a Value, path: &str) -> &'a Value {
    let pointer = format!("/paths/{}/get/responses/200/content/application~1json", path.replace('/', "~1"));
    spec.pointer(&pointer).unwrap_or_else(|| panic!("the spec has no JSON 200 response for GET {path}"))
}

fn schema<'a>(spec: &'a Value, name: &str) -> &'a Value {
    spec.pointer(&format!("/components/schemas/{name}")).unwrap_or_else(|| panic!("no schema {name}"))
}

// ---- Talking to the simulator --------------------------------------------------------------

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime").block_on(f)
}

/// An access token of a custom connection (client_credentials, no consent, no keyring).
fn custom_token(sim: &Simulator, client_id: &str, secret: &str) -> String {
    block_on(async {
        let resp = reqwest::Client::new()
            .post(format!("{}/connect/token", sim.url()))
            .basic_auth(client_id, Some(secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("token request");
        assert_eq!(resp.status(), 200, "token request refused");
        let v: Value = resp.json().await.expect("token JSON");
        v["access_token"].as_str().expect("access_token").to_string()
    })
}

/// The body of a successful JSON GET.
fn get(url: &str, token: &str, tenant: Option<&str>) -> Vec<u8> {
    block_on(async {
        let mut req = reqwest::Client::new().get(url).bearer_auth(token).header("Accept", "application/json");
        if let Some(t) = tenant {
            req = req.header("xero-tenant-id", t);
        }
        let resp = req.send().await.expect("GET reaches the simulator");
        let status = resp.status();
        let body = resp.bytes().await.expect("body").to_vec();
        assert_eq!(status, 200, "GET {url}: {}", String::from_utf8_lossy(&body));
        body
    })
}

fn json_of(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)))
}

/// A custom connection bound to `tenant` and its access token.
fn custom_connection(sim: &Simulator, tenant: &str) -> (String, String) {
    let spec = AppSpec { kind: AppKind::Custom, custom_tenant: Some(tenant.into()), ..AppSpec::default() };
    let app = sim.add_app(spec);
    let token = custom_token(sim, &app.client_id, app.client_secret.as_deref().expect("custom apps have a secret"));
    (app.client_id, token)
}

// ---- Tests ---------------------------------------------------------------------------------

#[test]
fn simulator_connections_follow_the_connection_schema_and_parse() {
    let spec = identity();
    let sim = Simulator::start().expect("simulator starts");
    let demo = seed_demo(&sim);
    let (client_id, token) = custom_connection(&sim, &demo.harbour_uk);
    let body = get(&format!("{}/connections", sim.url()), &token, None);
    let list = json_of(&body);

    assert_eq!(list.as_array().map(Vec::len), Some(1), "one connection: {list}");
    let errors = check(&list, &response_200(spec, "/Connections")["schema"], spec, "$");
    assert!(errors.is_empty(), "/connections breaks the contract:\n{}", errors.join("\n"));
    for (i, c) in list.as_array().into_iter().flatten().enumerate() {
        let errors = check(c, schema(spec, "Connection"), spec, &format!("$[{i}]"));
        assert!(errors.is_empty(), "a connection breaks the contract:\n{}", errors.join("\n"));
    }

    let parsed = parse_connections(&body).expect("the client reads the simulator's /connections");
    let held = sim.connections_of(&client_id);
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].tenant_id, demo.harbour_uk);
    assert_eq!(parsed[0].tenant_name.as_deref(), Some("Harbour Bakery"));
    assert_eq!(parsed[0].tenant_type.as_deref(), Some("ORGANISATION"));
    assert_eq!(parsed[0].id, held[0].id);
    assert_eq!(parsed[0].auth_event_id.as_deref(), Some(held[0].auth_event_id.as_str()));
}

#[test]
fn simulator_organisation_follows_the_organisations_schema_and_parses() {
    let spec = accounting();
    let response = response_200(spec, "/Organisation");
    // The response schema `Organisations` declares only the `Organisations` array, yet Xero's
    // own example (what the API really sends) carries the envelope Id, Status, ProviderName,
    // DateTimeUTC too. Exactly those deviations of the example are tolerated, no others.
    let envelope = check(&response["example"], &response["schema"], spec, "$");
    assert!(envelope.iter().all(|e| e.ends_with("not declared by the schema") && !e.starts_with("$.Organisations")));

    let sim = Simulator::start().expect("simulator starts");
    let demo = seed_demo(&sim);
    let us = sim.add_org(OrgSpec {
        name: "Prairie Hardware".into(),
        country_code: "US".into(),
        base_currency: "USD".into(),
        is_demo: false,
        version: "US".into(),
    });
    let cases = [
        (demo.demo_company.clone(), "Demo Company (AU)", "AU", "AUD", "AU", true),
        (demo.harbour_uk.clone(), "Harbour Bakery", "GB", "GBP", "UK", false),
        (us, "Prairie Hardware", "US", "USD", "US", false),
    ];
    for (tenant, name, country, currency, version, is_demo) in cases {
        let (_, token) = custom_connection(&sim, &tenant);
        let body = get(&format!("{}/api.xro/2.0/Organisation", sim.url()), &token, Some(&tenant));
        let v = json_of(&body);

        let errors: Vec<String> =
            check(&v, &response["schema"], spec, "$").into_iter().filter(|e| !envelope.contains(e)).collect();
        assert!(errors.is_empty(), "{name}: Organisation answer breaks the contract:\n{}", errors.join("\n"));
        // The envelope has no schema: hold it to the JSON types and formats of Xero's example.
        for (k, ex) in response["example"].as_object().into_iter().flatten() {
            assert_eq!(std::mem::discriminant(&v[k]), std::mem::discriminant(ex), "{name}: $.{k} is {}", v[k]);
        }
        assert!(
            is_uuid(v["Id"].as_str().unwrap_or_default()) && is_ms_date(v["DateTimeUTC"].as_str().unwrap_or_default())
        );
        let orgs = v["Organisations"].as_array().expect("Organisations array");
        assert_eq!(orgs.len(), 1, "{name}: {v}");
        for (i, o) in orgs.iter().enumerate() {
            let errors = check(o, schema(spec, "Organisation"), spec, &format!("$.Organisations[{i}]"));
            assert!(errors.is_empty(), "{name}: organisation breaks the contract:\n{}", errors.join("\n"));
        }

        let o = parse_organisation(&body).expect("the client reads the simulator's Organisation");
        assert_eq!(o.id, tenant);
        assert_eq!(o.name, name);
        assert_eq!(o.country_code.as_deref(), Some(country));
        assert_eq!(o.base_currency.as_deref(), Some(currency));
        assert_eq!(o.version.as_deref(), Some(version));
        assert_eq!(o.is_demo_company, is_demo, "{name}");
    }
}

#[test]
fn the_client_parses_xeros_own_examples() {
    // GET /connections: the example is JSON inside a YAML string.
    let identity = identity();
    let example = response_200(identity, "/Connections")["example"].as_str().expect("a /connections example");
    let expected = json_of(example.as_bytes());
    let errors = check(&expected, &response_200(identity, "/Connections")["schema"], identity, "$");
    assert!(errors.is_empty(), "Xero's example fails the checker (the checker is wrong):\n{}", errors.join("\n"));
    let parsed = parse_connections(example.as_bytes()).expect("the client reads Xero's /connections example");
    let want = expected.as_array().expect("an array");
    assert!(!want.is_empty());
    assert_eq!(parsed.len(), want.len());
    for (p, w) in parsed.iter().zip(want) {
        assert_eq!(p.id, w["id"]);
        assert_eq!(p.tenant_id, w["tenantId"]);
        assert_eq!(p.tenant_name.as_deref(), w["tenantName"].as_str());
        assert_eq!(p.tenant_type.as_deref(), w["tenantType"].as_str());
        assert_eq!(p.created_date_utc.as_deref(), w["createdDateUtc"].as_str());
        assert_eq!(p.updated_date_utc.as_deref(), w["updatedDateUtc"].as_str());
    }

    // GET /Organisation: the example is YAML, i.e. the JSON Xero sends.
    let accounting = accounting();
    let expected = &response_200(accounting, "/Organisation")["example"];
    let w = &expected["Organisations"][0];
    let errors = check(w, schema(accounting, "Organisation"), accounting, "$.Organisations[0]");
    assert!(errors.is_empty(), "Xero's example fails the checker (the checker is wrong):\n{}", errors.join("\n"));
    let body = serde_json::to_vec(expected).unwrap();
    let o = parse_organisation(&body).expect("the client reads Xero's Organisation example");
    assert_eq!(o.id, w["OrganisationID"]);
    assert_eq!(o.name, w["Name"]);
    assert_eq!(o.legal_name.as_deref(), w["LegalName"].as_str());
    assert_eq!(o.country_code.as_deref(), w["CountryCode"].as_str());
    assert_eq!(o.base_currency.as_deref(), w["BaseCurrency"].as_str());
    assert_eq!(o.version.as_deref(), w["Version"].as_str());
    assert_eq!(o.short_code.as_deref(), w["ShortCode"].as_str());
    assert_eq!(Some(o.is_demo_company), w["IsDemoCompany"].as_bool());
}

#[test]
fn the_checker_reports_a_wrong_type_and_an_undeclared_field() {
    let spec = identity();
    let value = json!({
        "id": 42,
        "tenantId": "fe79f7dd-b6d4-4a92-ba7b-538af6289c58",
        "createdDateUtc": "2019-12-07T18:46:19.5165400",
        "nickname": "invented by a simulator",
    });
    let errors = check(&value, schema(spec, "Connection"), spec, "$");
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors[0].starts_with("$.id: expected string"), "{errors:#?}");
    assert!(errors[1].starts_with("$.nickname: not declared"), "{errors:#?}");

    // Formats and enums fail too.
    let bad = json!({ "id": "not-a-uuid", "createdDateUtc": "07/12/2019" });
    assert_eq!(check(&bad, schema(spec, "Connection"), spec, "$").len(), 2);
    let org = json!({ "Version": "MARS", "CreatedDateUTC": "2019-01-01" });
    assert_eq!(check(&org, schema(accounting(), "Organisation"), accounting(), "$").len(), 2);
}
