//! The REST API (v1) proxy event API Gateway sends the Lambda after its Cognito authorizer
//! accepted a token, built from a local HTTP request and the token's verified claims.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, Method, Uri};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use whoami_lambda::verify::VerifiedClaims;

/// The stage name the local API pretends to be deployed as.
pub const STAGE: &str = "local";

static REQUEST_COUNTER: AtomicU64 = AtomicU64::new(1);

/// The parts of a request the event carries.
#[derive(Debug)]
pub struct Incoming<'a> {
    pub method: &'a Method,
    /// The path below the API's prefix, starting with `/`.
    pub path: &'a str,
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    pub host: &'a str,
}

/// The event for `incoming`, as JSON text, with `claims` (from [`authorizer_claims`],
/// serialized once per token) as the authorizer's.
pub fn rest_event(incoming: &Incoming<'_>, claims: &RawValue) -> String {
    let mut headers = HashMap::new();
    let mut multi_value_headers: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, value) in incoming.headers {
        let Ok(value) = value.to_str() else { continue };
        headers.insert(name.as_str(), value);
        multi_value_headers.entry(name.as_str()).or_default().push(value);
    }
    let (query, multi_query) = query_parameters(incoming.uri.query());
    let proxy = incoming.path.trim_start_matches('/');
    let event = RestEvent {
        resource: "/{proxy+}",
        path: incoming.path,
        http_method: incoming.method.as_str(),
        headers,
        multi_value_headers,
        query_string_parameters: query,
        multi_value_query_string_parameters: multi_query,
        path_parameters: (!proxy.is_empty()).then(|| HashMap::from([("proxy", proxy)])),
        stage_variables: None,
        request_context: RequestContext {
            resource_id: "local",
            authorizer: Authorizer { claims },
            resource_path: "/{proxy+}",
            http_method: incoming.method.as_str(),
            request_time_epoch: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis()),
            path: format!("/{STAGE}{}", incoming.path),
            account_id: "000000000000",
            protocol: "HTTP/1.1",
            stage: STAGE,
            domain_prefix: "local",
            request_id: format!("local-{:012}", REQUEST_COUNTER.fetch_add(1, Ordering::Relaxed)),
            identity: Identity {
                source_ip: "127.0.0.1",
                user_agent: incoming.headers.get("user-agent").and_then(|v| v.to_str().ok()),
            },
            domain_name: incoming.host,
            api_id: "local",
        },
        body: (!incoming.body.is_empty()).then(|| String::from_utf8_lossy(incoming.body)),
        is_base64_encoded: false,
    };
    serde_json::to_string(&event).expect("the event serializes")
}

/// A REST API proxy event, in API Gateway's field names.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RestEvent<'a> {
    resource: &'static str,
    path: &'a str,
    http_method: &'a str,
    headers: HashMap<&'a str, &'a str>,
    multi_value_headers: HashMap<&'a str, Vec<&'a str>>,
    query_string_parameters: Option<HashMap<String, String>>,
    multi_value_query_string_parameters: Option<HashMap<String, Vec<String>>>,
    path_parameters: Option<HashMap<&'static str, &'a str>>,
    stage_variables: Option<HashMap<String, String>>,
    request_context: RequestContext<'a>,
    body: Option<Cow<'a, str>>,
    is_base64_encoded: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestContext<'a> {
    resource_id: &'static str,
    authorizer: Authorizer<'a>,
    resource_path: &'static str,
    http_method: &'a str,
    request_time_epoch: u128,
    path: String,
    account_id: &'static str,
    protocol: &'static str,
    stage: &'static str,
    domain_prefix: &'static str,
    request_id: String,
    identity: Identity<'a>,
    domain_name: &'a str,
    api_id: &'static str,
}

#[derive(Serialize)]
struct Authorizer<'a> {
    claims: &'a RawValue,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Identity<'a> {
    source_ip: &'static str,
    user_agent: Option<&'a str>,
}

/// Claims as API Gateway's Cognito authorizer writes them: every value a string, `exp`
/// and `iat` as dates such as `Mon Jul 15 05:58:22 UTC 2019`, lists as `[a b]`.
pub fn authorizer_claims(claims: &VerifiedClaims) -> Map<String, Value> {
    claims
        .iter()
        .map(|(name, value)| {
            let text = match (name.as_str(), value) {
                ("exp" | "iat", Value::Number(n)) => n.as_i64().map_or_else(|| n.to_string(), format_date),
                (_, Value::String(s)) => s.clone(),
                (_, Value::Array(items)) => {
                    let items: Vec<String> =
                        items.iter().map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned)).collect();
                    format!("[{}]", items.join(" "))
                }
                (_, other) => other.to_string(),
            };
            (name.clone(), Value::String(text))
        })
        .collect()
}

/// A Unix time in the format of Java's `Date.toString()` in UTC, which API Gateway uses.
pub fn format_date(unix_seconds: i64) -> String {
    chrono::DateTime::from_timestamp(unix_seconds, 0)
        .map_or_else(|| unix_seconds.to_string(), |t| t.format("%a %b %d %H:%M:%S UTC %Y").to_string())
}

/// Query parameters as API Gateway gives them: the last value of each name, and all values.
type Parameters = (Option<HashMap<String, String>>, Option<HashMap<String, Vec<String>>>);

fn query_parameters(query: Option<&str>) -> Parameters {
    let Some(query) = query.filter(|q| !q.is_empty()) else { return (None, None) };
    let mut single = HashMap::new();
    let mut multi: HashMap<String, Vec<String>> = HashMap::new();
    let url = reqwest::Url::parse(&format!("http://local/?{query}")).expect("any query string parses");
    for (name, value) in url.query_pairs() {
        single.insert(name.to_string(), value.to_string());
        multi.entry(name.to_string()).or_default().push(value.to_string());
    }
    (Some(single), Some(multi))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn dates_look_like_api_gateways() {
        assert_eq!(format_date(1_563_170_302), "Mon Jul 15 05:58:22 UTC 2019");
        assert_eq!(format_date(1_704_067_200), "Mon Jan 01 00:00:00 UTC 2024");
    }

    #[test]
    fn claims_become_strings() {
        let claims: VerifiedClaims = serde_json::from_value(json!({
            "exp": 1_563_170_302, "iat": 1_563_166_702, "auth_time": 1_563_166_702,
            "email": "a@b.c", "email_verified": true, "cognito:groups": ["admins", "ops"]
        }))
        .unwrap();
        let written = authorizer_claims(&claims);
        assert_eq!(written["exp"], "Mon Jul 15 05:58:22 UTC 2019");
        assert_eq!(written["iat"], "Mon Jul 15 04:58:22 UTC 2019");
        assert_eq!(written["auth_time"], "1563166702");
        assert_eq!(written["email"], "a@b.c");
        assert_eq!(written["email_verified"], "true");
        assert_eq!(written["cognito:groups"], "[admins ops]");
    }

    #[test]
    fn the_event_parses_as_a_rest_request_with_claims() {
        let claims: VerifiedClaims = serde_json::from_value(json!({"email": "a@b.c", "token_use": "id"})).unwrap();
        let headers = HeaderMap::from_iter([(axum::http::header::AUTHORIZATION, "tok".parse().unwrap())]);
        let uri: Uri = "/api/whoami?x=1&x=2".parse().unwrap();
        let incoming = Incoming {
            method: &Method::GET,
            path: "/whoami",
            uri: &uri,
            headers: &headers,
            body: b"",
            host: "127.0.0.1:8080",
        };
        let claims = serde_json::value::to_raw_value(&authorizer_claims(&claims)).unwrap();
        let text = rest_event(&incoming, &claims);
        let event: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(event["requestContext"]["authorizer"]["claims"]["email"], "a@b.c");
        assert_eq!(event["multiValueQueryStringParameters"]["x"], json!(["1", "2"]));
        assert_eq!(event["pathParameters"]["proxy"], "whoami");
        let request = lambda_http::request::from_str(&text).unwrap();
        assert_eq!(request.method(), "GET");
        assert!(matches!(
            lambda_http::RequestExt::request_context_ref(&request),
            Some(lambda_http::request::RequestContext::ApiGatewayV1(_))
        ));
    }
}
