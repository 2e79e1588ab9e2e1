//! The API's response body, exactly as existing clients parse it:
//! `{"response": {"resultStatus": "SUCCESS", "results": {"email": "..."}}}` or
//! `{"response": {"resultStatus": "FAILURE", "error": {"code": "...", "message": "..."}}}`.

use serde::{Deserialize, Serialize};

/// The outer object of every API response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub response: Outcome,
}

/// What the API says happened.
///
/// Read through [`OutcomeWire`] rather than serde's internally tagged enums, which buffer
/// the whole object first: the same JSON, and about 4 KB less in the page's wasm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "resultStatus", rename_all = "UPPERCASE", try_from = "OutcomeWire")]
pub enum Outcome {
    Success { results: WhoAmI },
    Failure { error: ErrorBody },
}

/// `resultStatus` and whichever of `results` and `error` came with it.
#[derive(Deserialize)]
struct OutcomeWire {
    #[serde(rename = "resultStatus")]
    result_status: ResultStatus,
    results: Option<WhoAmI>,
    error: Option<ErrorBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "UPPERCASE")]
enum ResultStatus {
    Success,
    Failure,
}

impl TryFrom<OutcomeWire> for Outcome {
    type Error = &'static str;

    fn try_from(wire: OutcomeWire) -> Result<Self, Self::Error> {
        match (wire.result_status, wire.results, wire.error) {
            (ResultStatus::Success, Some(results), _) => Ok(Outcome::Success { results }),
            (ResultStatus::Failure, _, Some(error)) => Ok(Outcome::Failure { error }),
            (ResultStatus::Success, None, _) => Err("a SUCCESS response without results"),
            (ResultStatus::Failure, _, None) => Err("a FAILURE response without error"),
        }
    }
}

/// The caller's verified identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhoAmI {
    pub email: String,
}

/// Why the API refused: a stable machine-readable `code` and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

impl Envelope {
    pub fn success(email: impl Into<String>) -> Self {
        Self { response: Outcome::Success { results: WhoAmI { email: email.into() } } }
    }

    pub fn failure(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { response: Outcome::Failure { error: ErrorBody { code: code.into(), message: message.into() } } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Captured from the original Python Lambda behind API Gateway (see the seed's README).
    const SEED_SUCCESS: &str =
        r#"{"response": {"resultStatus": "SUCCESS", "results": {"email": "lucian@example.com"}}}"#;

    #[test]
    fn success_round_trips_the_seed_payload() {
        let parsed: Envelope = serde_json::from_str(SEED_SUCCESS).unwrap();
        assert_eq!(parsed, Envelope::success("lucian@example.com"));
        let written = serde_json::to_string(&parsed).unwrap();
        assert_eq!(written, SEED_SUCCESS.replace(": ", ":").replace(", ", ","));
    }

    #[test]
    fn failure_shape() {
        let written = serde_json::to_value(Envelope::failure("token_expired", "the token has expired")).unwrap();
        assert_eq!(
            written,
            serde_json::json!({"response": {"resultStatus": "FAILURE", "error": {"code": "token_expired", "message": "the token has expired"}}})
        );
        let back: Envelope = serde_json::from_value(written).unwrap();
        assert!(matches!(back.response, Outcome::Failure { ref error } if error.code == "token_expired"));
    }

    #[test]
    fn status_without_its_field_is_refused() {
        for body in [
            r#"{"response": {"resultStatus": "SUCCESS"}}"#,
            r#"{"response": {"resultStatus": "SUCCESS", "error": {"code": "c", "message": "m"}}}"#,
            r#"{"response": {"resultStatus": "FAILURE", "results": {"email": "a@example.com"}}}"#,
            r#"{"response": {"resultStatus": "MAYBE", "results": {"email": "a@example.com"}}}"#,
            r#"{"response": {"results": {"email": "a@example.com"}}}"#,
        ] {
            assert!(serde_json::from_str::<Envelope>(body).is_err(), "{body}");
        }
    }
}
