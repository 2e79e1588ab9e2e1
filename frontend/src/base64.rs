//! Base64 (decoding the standard or URL-safe alphabet, padded or not; encoding the standard
//! one, padded): in the browser by `atob` and `btoa`, so that no base64 code is compiled into
//! the page (BENCHMARKS.md, "The page"); natively by the base64 crate.

/// The bytes `encoded` stands for, or `None` if it is not base64.
#[cfg(target_arch = "wasm32")]
pub fn decode(encoded: &str) -> Option<Vec<u8>> {
    // `atob` takes the standard alphabet, with or without padding, and answers one character
    // per byte.
    let standard: String = encoded
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let bytes = web_sys::window()?.atob(&standard).ok()?;
    bytes.chars().map(|c| u8::try_from(c).ok()).collect()
}

/// `bytes` in standard base64, padded, as Cognito takes SECRET_HASH and the SRP signature.
#[cfg(target_arch = "wasm32")]
pub fn encode(bytes: &[u8]) -> String {
    // `btoa` takes one character per byte.
    let binary: String = bytes.iter().copied().map(char::from).collect();
    web_sys::window().and_then(|w| w.btoa(&binary).ok()).unwrap_or_default()
}

#[cfg(not(target_arch = "wasm32"))]
pub fn encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(not(target_arch = "wasm32"))]
pub fn decode(encoded: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::alphabet::{STANDARD, URL_SAFE};
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

    let lenient = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let alphabet = if encoded.contains(['-', '_']) { &URL_SAFE } else { &STANDARD };
    GeneralPurpose::new(alphabet, lenient).decode(encoded).ok()
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};

    #[test]
    fn both_alphabets_with_or_without_padding() {
        assert_eq!(decode("aGk=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(decode("aGk").as_deref(), Some(&b"hi"[..]));
        assert_eq!(decode("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode("+/8=").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode("%%%"), None);
        assert_eq!(encode(&[0xfb, 0xff]), "+/8=");
        assert_eq!(decode(&encode(&[0, 1, 0xfe, 0xff])).as_deref(), Some(&[0, 1, 0xfe, 0xff][..]));
    }
}
