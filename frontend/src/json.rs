//! JSON in and out of the page. In the browser, text is parsed by the browser's own
//! `JSON.parse` and a small serde deserializer reads the parsed value, so that no JSON parser
//! is compiled into the page's wasm; natively (the unit tests) serde_json parses. Writing is
//! serde_json's everywhere: its writer is small, and smaller than building a JavaScript value
//! to stringify.
//!
//! The browser's reader is a serde `Deserializer` written here, and `cargo test` runs
//! serde_json instead: only the wasm tests (`frontend/tests/web.rs`,
//! `the_browsers_json_reads_what_serde_json_reads`, over every captured payload the page reads)
//! run it. What it reads, by what a serde type asks for:
//!
//! - structs and maps from JSON objects (not arrays); unknown keys are skipped without being
//!   looked at; a missing key is an error unless the field has `#[serde(default)]` or is an
//!   `Option` with it;
//! - `Option`: `null` and `undefined` are `None`;
//! - `bool`; `u64` and `i64` from integral numbers within JavaScript's safe range (±2^53), so
//!   a fraction or a larger number is refused, not rounded; `String`, `&str` (owned) and
//!   identifiers from strings; newtype structs;
//! - enums from a string naming a unit variant only (`"SUCCESS"`), not `{"Variant": ...}`;
//! - everything else (`f64`, smaller integers, sequences, tuples, and whatever buffers through
//!   serde's `Content`: internally tagged and untagged enums, `flatten`) through
//!   `deserialize_any`, which reads any JSON value: these work, but each use links a copy of
//!   it for its visitor, so the page's own types avoid them (BENCHMARKS.md, "What went");
//! - not at all: numbers beyond ±2^53 as integers (`u128` and `i128` included), since
//!   `JSON.parse` has already rounded them.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Text that is not JSON, or not of the expected shape. The message is for the
/// configuration error only; every other caller maps this to its own sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(pub String);

/// Parses `text` into `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    imp::from_str(text, false)
}

/// Parses `text` into `T`, refusing anything but a JSON object at the top level.
pub fn object_from_str<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    imp::from_str(text, true)
}

/// Writes `value` as JSON text; `None` only if `value` cannot be written as JSON.
pub fn to_string<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

const NOT_AN_OBJECT: &str = "the top level is not an object";

#[cfg(target_arch = "wasm32")]
mod imp {
    use js_sys::{Array, JSON, Object};
    use serde::de::value::StringDeserializer;
    use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer as _, Visitor};
    use wasm_bindgen::{JsCast as _, JsValue};

    use super::{JsonError, NOT_AN_OBJECT};

    pub fn from_str<T: DeserializeOwned>(text: &str, object: bool) -> Result<T, JsonError> {
        let value = JSON::parse(text).map_err(|e| {
            JsonError(
                e.dyn_ref::<js_sys::Error>()
                    .and_then(|e| e.message().as_string())
                    .unwrap_or_else(|| "not valid JSON".to_owned()),
            )
        })?;
        if object && (Array::is_array(&value) || !value.is_object()) {
            return Err(JsonError(NOT_AN_OBJECT.to_owned()));
        }
        T::deserialize(Value(value)).map_err(|Invalid| JsonError("not of the expected shape".to_owned()))
    }

    /// Any deserialization error. It carries no message on purpose: formatting serde's
    /// messages (which can include floating-point numbers) would put `core::fmt`'s float
    /// printing into the page, and no caller shows them.
    #[derive(Debug)]
    struct Invalid;

    impl std::fmt::Display for Invalid {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("not of the expected shape")
        }
    }

    impl std::error::Error for Invalid {}

    impl de::Error for Invalid {
        fn custom<T: std::fmt::Display>(_: T) -> Self {
            Invalid
        }
    }

    /// A value from `JSON.parse`, read by serde as serde_json would read the same text.
    struct Value(JsValue);

    /// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
    const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

    impl<'de> de::Deserializer<'de> for Value {
        type Error = Invalid;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            let value = self.0;
            if value.is_null() || value.is_undefined() {
                visitor.visit_unit()
            } else if let Some(b) = value.as_bool() {
                visitor.visit_bool(b)
            } else if let Some(n) = value.as_f64() {
                match safe_integer(&value) {
                    Some(i) => visitor.visit_i64(i),
                    None => visitor.visit_f64(n),
                }
            } else if let Some(s) = value.as_string() {
                visitor.visit_string(s)
            } else if Array::is_array(&value) {
                visitor.visit_seq(Seq { items: value.unchecked_into(), next: 0 })
            } else if value.is_object() {
                visitor.visit_map(Map::of(&value))
            } else {
                Err(Invalid)
            }
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            if self.0.is_null() || self.0.is_undefined() { visitor.visit_none() } else { visitor.visit_some(self) }
        }

        // The typed methods below each read only the JavaScript type they expect, rather than
        // forwarding to `deserialize_any`: every struct, field and value visitor gets its
        // own copy of whichever method it calls, and a copy of `deserialize_any` (every
        // JavaScript type) for each of them made up much of the page's JSON code.

        fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            visitor.visit_bool(self.0.as_bool().ok_or(Invalid)?)
        }

        fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            visitor.visit_u64(safe_integer(&self.0).and_then(|n| u64::try_from(n).ok()).ok_or(Invalid)?)
        }

        fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            visitor.visit_i64(safe_integer(&self.0).ok_or(Invalid)?)
        }

        fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            visitor.visit_string(self.0.as_string().ok_or(Invalid)?)
        }

        fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            self.deserialize_string(visitor)
        }

        fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            self.deserialize_string(visitor)
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Invalid> {
            self.deserialize_map(visitor)
        }

        fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            if !self.0.is_object() || Array::is_array(&self.0) {
                return Err(Invalid);
            }
            visitor.visit_map(Map::of(&self.0))
        }

        /// A value nobody reads (an unknown key's): accepted without looking inside.
        fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
            visitor.visit_unit()
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Invalid> {
            visitor.visit_newtype_struct(self)
        }

        /// Unit variants only (`"Variant"`), the only enums the page reads this way.
        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _variants: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Invalid> {
            let name = self.0.as_string().ok_or(Invalid)?;
            let name: StringDeserializer<Invalid> = name.into_deserializer();
            visitor.visit_enum(name)
        }

        serde::forward_to_deserialize_any! {
            i8 i16 i32 i128 u8 u16 u32 u128 f32 f64 char bytes byte_buf unit
            unit_struct seq tuple tuple_struct
        }
    }

    /// An integral JavaScript number within the range it holds exactly.
    #[expect(clippy::cast_possible_truncation, reason = "an integral number within the safe range")]
    fn safe_integer(value: &JsValue) -> Option<i64> {
        let n = value.as_f64()?;
        (n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER).then_some(n as i64)
    }

    struct Seq {
        items: Array,
        next: u32,
    }

    impl<'de> de::SeqAccess<'de> for Seq {
        type Error = Invalid;

        fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Invalid> {
            if self.next >= self.items.length() {
                return Ok(None);
            }
            let item = self.items.get(self.next);
            self.next += 1;
            seed.deserialize(Value(item)).map(Some)
        }
    }

    /// An object's own properties, as `Object.entries` lists them.
    struct Map {
        entries: Array,
        next: u32,
        value: Option<JsValue>,
    }

    impl Map {
        /// The entries of `object`, a plain JavaScript object.
        fn of(object: &JsValue) -> Self {
            Self { entries: Object::entries(object.unchecked_ref()), next: 0, value: None }
        }
    }

    impl<'de> de::MapAccess<'de> for Map {
        type Error = Invalid;

        fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Invalid> {
            if self.next >= self.entries.length() {
                return Ok(None);
            }
            let entry: Array = self.entries.get(self.next).unchecked_into();
            self.next += 1;
            self.value = Some(entry.get(1));
            seed.deserialize(Value(entry.get(0))).map(Some)
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Invalid> {
            seed.deserialize(Value(self.value.take().ok_or(Invalid)?))
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use serde::de::DeserializeOwned;

    use super::{JsonError, NOT_AN_OBJECT};

    pub fn from_str<T: DeserializeOwned>(text: &str, object: bool) -> Result<T, JsonError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| JsonError(e.to_string()))?;
        if object && !value.is_object() {
            return Err(JsonError(NOT_AN_OBJECT.to_owned()));
        }
        serde_json::from_value(value).map_err(|e| JsonError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Tokens;

    #[test]
    fn round_trip_and_shape() {
        let tokens = Tokens { id_token: "i".into(), access_token: "a".into(), refresh_token: None, hosted: false };
        let text = to_string(&tokens).unwrap();
        assert_eq!(text, r#"{"id_token":"i","access_token":"a","refresh_token":null,"hosted":false}"#);
        assert_eq!(from_str::<Tokens>(&text), Ok(tokens));
        assert!(from_str::<Tokens>("{").is_err());
        assert_eq!(object_from_str::<serde::de::IgnoredAny>("[1]").map(|_| ()), Err(JsonError(NOT_AN_OBJECT.into())));
    }
}
