//! The REST API (v1) proxy event API Gateway sends the Lambda after its Cognito authorizer
//! accepted a token, built from a local HTTP request and the token's verified claims.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, Method, Uri};
use serde_json::{Map, Value, json};
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

/// The event for `incoming`, with `claims` as the authorizer's.
pub fn rest_event(incoming: &Incoming<'_>, claims: &VerifiedClaims) -> Value {
    let mut headers = Map::new();
    let mut multi_headers = Map::new();
    for (name, value) in incoming.headers {
        let Ok(value) = value.to_str() else { continue };
        headers.insert(name.as_str().to_owned(), json!(value));
        multi_headers
            .entry(name.as_str().to_owned())
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .expect("always an array")
            .push(json!(value));
    }
    let (query, multi_query) = query_parameters(incoming.uri.query());
    let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let request_id = format!("local-{:012}", REQUEST_COUNTER.fetch_add(1, Ordering::Relaxed));
    let proxy = incoming.path.trim_start_matches('/');
    let user_agent = incoming.headers.get("user-agent").and_then(|v| v.to_str().ok());
    let body = (!incoming.body.is_empty()).then(|| String::from_utf8_lossy(incoming.body).into_owned());
    json!({
        "resource": "/{proxy+}",
        "path": incoming.path,
        "httpMethod": incoming.method.as_str(),
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": if proxy.is_empty() { Value::Null } else { json!({ "proxy": proxy }) },
        "stageVariables": null,
        "requestContext": {
            "resourceId": "local",
            "authorizer": { "claims": authorizer_claims(claims) },
            "resourcePath": "/{proxy+}",
            "httpMethod": incoming.method.as_str(),
            "requestTimeEpoch": now_ms,
            "path": format!("/{STAGE}{}", incoming.path),
            "accountId": "000000000000",
            "protocol": "HTTP/1.1",
            "stage": STAGE,
            "domainPrefix": "local",
            "requestId": request_id,
            "identity": { "sourceIp": "127.0.0.1", "userAgent": user_agent },
            "domainName": incoming.host,
            "apiId": "local"
        },
        "body": body,
        "isBase64Encoded": false
    })
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

fn query_parameters(query: Option<&str>) -> (Value, Value) {
    let Some(query) = query.filter(|q| !q.is_empty()) else { return (Value::Null, Value::Null) };
    let mut single = Map::new();
    let mut multi = Map::new();
    let url = reqwest::Url::parse(&format!("http://local/?{query}")).expect("any query string parses");
    for (name, value) in url.query_pairs() {
        single.insert(name.to_string(), json!(value));
        multi.entry(name.to_string()).or_insert_with(|| json!([])).as_array_mut().expect("array").push(json!(value));
    }
    (Value::Object(single), Value::Object(multi))
}

#[cfg(test)]
mod tests {
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
        let event = rest_event(&incoming, &claims);
        assert_eq!(event["requestContext"]["authorizer"]["claims"]["email"], "a@b.c");
        assert_eq!(event["multiValueQueryStringParameters"]["x"], json!(["1", "2"]));
        let request = lambda_http::request::from_str(&event.to_string()).unwrap();
        assert_eq!(request.method(), "GET");
        assert!(matches!(
            lambda_http::RequestExt::request_context_ref(&request),
            Some(lambda_http::request::RequestContext::ApiGatewayV1(_))
        ));
    }
}
