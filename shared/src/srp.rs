//! Cognito's USER_SRP_AUTH client (SRP-6a as amazon-cognito-identity-js and pycognito compute it),
//! written once over a small big-integer trait so the page and the CLI can each bring their own.
//!
//! Nothing here reads a clock, draws random bytes or does I/O: the caller passes the random
//! bytes behind `a` and the current time, which is also what makes the test vectors in
//! `tests/data/srp/` reproducible.
//!
//! The steps, in the reference clients' words (H is SHA-256, `|` concatenation):
//! `k = H(PAD(N) | PAD(g))`, `A = g^a mod N`, `u = H(PAD(A) | PAD(B))`,
//! `x = H(PAD(salt) | H(poolName | USER_ID_FOR_SRP | ":" | password))`,
//! `S = (B - k*g^x)^(a + u*x) mod N`, `key = HKDF-SHA256(salt = PAD(u), ikm = PAD(S),
//! info = "Caldera Derived Key")[..16]` and the claim's signature
//! `Base64(HMAC-SHA256(key, poolName | USER_ID_FOR_SRP | SECRET_BLOCK | TIMESTAMP))`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::UserPoolId;

/// The 3072-bit group of RFC 5054 (the prime of RFC 3526's group 15), as every Cognito client
/// has it; the generator is 2.
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);
const G: u8 = 2;
const INFO: &[u8] = b"Caldera Derived Key";

/// The non-negative integers the protocol computes with, from whatever library the caller
/// links: the page uses the browser's BigInt, the CLI and the tests `num-bigint` (feature
/// `num-bigint`). Every value fits in a few times 3072 bits.
pub trait BigNum: Sized {
    /// The integer whose big-endian bytes these are (leading zeros allowed, empty is zero).
    fn from_be_bytes(bytes: &[u8]) -> Self;
    /// Big-endian bytes; leading zero bytes are allowed and ignored by the caller.
    fn to_be_bytes(&self) -> Vec<u8>;
    fn is_zero(&self) -> bool;
    #[must_use]
    fn add(&self, other: &Self) -> Self;
    /// `self - other`; the protocol only asks when `other <= self`.
    #[must_use]
    fn sub(&self, other: &Self) -> Self;
    #[must_use]
    fn mul(&self, other: &Self) -> Self;
    #[must_use]
    fn rem(&self, modulus: &Self) -> Self;
    /// `self^exponent mod modulus`.
    #[must_use]
    fn modpow(&self, exponent: &Self, modulus: &Self) -> Self;
}

/// What Cognito sent in its PASSWORD_VERIFIER challenge: the strings of its
/// `ChallengeParameters`, but for `SECRET_BLOCK`, which the caller decodes (the page with the
/// browser's `atob`, so that no base64 decoder is compiled into it).
#[derive(Debug, Clone, Copy)]
pub struct PasswordVerifier<'a> {
    /// `SALT`, hexadecimal.
    pub salt_hex: &'a str,
    /// `SRP_B`, hexadecimal.
    pub srp_b_hex: &'a str,
    /// `SECRET_BLOCK`, decoded from base64: signed as bytes (and passed back to Cognito as
    /// the base64 text it came as).
    pub secret_block: &'a [u8],
    /// `USER_ID_FOR_SRP`: the name the password was registered under (often the user's `sub`),
    /// which may differ from what the user typed.
    pub user_id_for_srp: &'a str,
}

/// The values for RespondToAuthChallenge's `ChallengeResponses`, next to
/// `PASSWORD_CLAIM_SECRET_BLOCK` (the challenge's `SECRET_BLOCK`, unchanged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// `USERNAME`: the challenge's `USER_ID_FOR_SRP`.
    pub username: String,
    /// `TIMESTAMP`, the time that was signed, in [`cognito_timestamp`]'s format.
    pub timestamp: String,
    /// `PASSWORD_CLAIM_SIGNATURE` before base64 ([`Answer::signature_base64`]); the page
    /// encodes it with the browser's `btoa`, so that no base64 encoder is compiled into it.
    pub signature: [u8; 32],
}

impl Answer {
    /// `PASSWORD_CLAIM_SIGNATURE` as Cognito takes it.
    pub fn signature_base64(&self) -> String {
        STANDARD.encode(self.signature)
    }
}

/// Why a PASSWORD_VERIFIER challenge cannot be answered. Each means Cognito (or something
/// posing as it) sent values no honest server sends, so the answer is to start again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SrpError {
    #[error("the challenge's {0} is not hexadecimal; sign in again")]
    NotHex(&'static str),
    #[error("the challenge's SRP_B is 0 modulo N, which no honest server sends; sign in again")]
    ZeroB,
    #[error("the challenge's SRP_B makes the scrambling parameter u zero; sign in again")]
    ZeroU,
}

/// One sign-in's SRP client: the secret `a` and the public `A` sent as `SRP_A`.
#[derive(Debug)]
pub struct Client<Num> {
    a: Num,
    /// `PAD(A)`, hashed into `u`.
    a_padded: Vec<u8>,
    n: Num,
}

impl<Num: BigNum> Client<Num> {
    /// A client whose secret `a` is `random_a` read as a big-endian integer, from a
    /// cryptographic generator. The page and the CLI draw 40 bytes: RFC 3526 (section 8) puts
    /// the exponent this 3072-bit group needs at 260 to 420 bits, and the work grows with `a`'s
    /// length (the reference clients draw 128 bytes, which makes `A` about three times and `S`
    /// twice as slow to compute, and Cognito cannot tell the difference). Fewer than 32 bytes
    /// (RFC 5054's minimum) or more than 128 do not compile. (The reference clients reduce `a`
    /// modulo N; up to 128 bytes it is already smaller.)
    pub fn new<const LENGTH: usize>(random_a: &[u8; LENGTH]) -> Self {
        const { assert!(LENGTH >= 32 && LENGTH <= 128, "a is 32 to 128 random bytes") };
        let n = Num::from_be_bytes(&decode_hex(N_HEX).expect("N is hexadecimal"));
        let a = Num::from_be_bytes(random_a);
        let big_a = Num::from_be_bytes(&[G]).modpow(&a, &n);
        Self { a, a_padded: pad(&big_a.to_be_bytes()), n }
    }

    /// `SRP_A` for InitiateAuth's `AuthParameters`: `A` in lowercase hexadecimal without leading
    /// zeros, as the reference clients send it.
    pub fn srp_a(&self) -> String {
        let hex = encode_hex(&self.a_padded);
        hex.trim_start_matches('0').to_owned()
    }

    /// The answer to Cognito's PASSWORD_VERIFIER challenge for `password` in `pool`, signed
    /// at `unix_seconds` (Cognito refuses a timestamp far from its own clock).
    pub fn answer(
        &self,
        challenge: &PasswordVerifier<'_>,
        pool: &UserPoolId,
        password: &str,
        unix_seconds: u64,
    ) -> Result<Answer, SrpError> {
        // B and the salt are integers to the reference clients (amazon-cognito-identity-js
        // parses both with `new BigInteger(hex, 16)`), so leading zero bytes are not hashed.
        let b_bytes = decode_hex(challenge.srp_b_hex).ok_or(SrpError::NotHex("SRP_B"))?;
        let salt = decode_hex(challenge.salt_hex).ok_or(SrpError::NotHex("SALT"))?;
        let pool_name = pool_name(pool);
        let user = challenge.user_id_for_srp;

        let b = Num::from_be_bytes(&b_bytes);
        // B = 0 (mod N) would make S independent of the password, and so the proof worthless.
        let b_mod_n = b.rem(&self.n);
        if b_mod_n.is_zero() {
            return Err(SrpError::ZeroB);
        }
        let u = sha256(&[&self.a_padded, &pad(&b_bytes)]);
        let identity = sha256(&[pool_name.as_bytes(), user.as_bytes(), b":", password.as_bytes()]);
        let x = sha256(&[&pad(&salt), &identity]);
        let key = self.key(&b_mod_n, &u, &x)?;

        let timestamp = cognito_timestamp(unix_seconds);
        let signature =
            hmac_sha256(&key, &[pool_name.as_bytes(), user.as_bytes(), challenge.secret_block, timestamp.as_bytes()]);
        Ok(Answer { username: user.to_owned(), timestamp, signature })
    }

    /// The 16-byte key from the shared secret `S = (B - k*g^x)^(a + u*x) mod N`, for `B` already
    /// reduced modulo N and the hashes `u` and `x`.
    #[expect(clippy::many_single_char_names, reason = "the names are the protocol's, as in its papers and RFC 5054")]
    fn key(&self, b_mod_n: &Num, u: &[u8; 32], x: &[u8; 32]) -> Result<[u8; 16], SrpError> {
        // u = 0 would make S independent of x, and so of the password.
        if u.iter().all(|&byte| byte == 0) {
            return Err(SrpError::ZeroU);
        }
        let n = &self.n;
        let k = Num::from_be_bytes(&sha256(&[&pad_n(), &[G]]));
        let x = Num::from_be_bytes(x);
        let k_g_x = k.mul(&Num::from_be_bytes(&[G]).modpow(&x, n)).rem(n);
        // B - k*g^x may be negative; adding N first keeps every value non-negative, and the
        // result is the same modulo N.
        let base = b_mod_n.add(n).sub(&k_g_x).rem(n);
        let exponent = self.a.add(&Num::from_be_bytes(u).mul(&x));
        let s = base.modpow(&exponent, n);

        let hkdf = hkdf::Hkdf::<Sha256>::new(Some(&pad(u)), &pad(&s.to_be_bytes()));
        let mut key = [0; 16];
        hkdf.expand(INFO, &mut key).expect("16 bytes is a valid HKDF-SHA256 length");
        Ok(key)
    }
}

/// SHA-256 of `parts` one after the other. Every hash of the protocol goes through this one
/// function, so the page's wasm holds one copy of the hashing code rather than one inlined
/// wherever a hash is taken (measured smaller gzipped).
#[inline(never)]
fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part);
    }
    hash.finalize().into()
}

/// HMAC-SHA256 of `parts` one after the other, under `key` (not inlined, as [`sha256`]).
#[inline(never)]
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// The part of a user pool id after the underscore (`AbC123` of `eu-west-1_AbC123`), which
/// Cognito hashes into `x` and signs.
pub fn pool_name(pool: &UserPoolId) -> &str {
    pool.as_str().split_once('_').map_or("", |(_, name)| name)
}

/// Cognito's TIMESTAMP format, `Sat Sep 5 03:04:05 UTC 2026`: English names, the day of the
/// month not padded, always UTC (the format Java's `EEE MMM d HH:mm:ss z yyyy` gives).
pub fn cognito_timestamp(unix_seconds: u64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let days = unix_seconds / 86_400;
    let seconds = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{} {} {day} {:02}:{:02}:{:02} UTC {year}",
        // 1 January 1970 was a Thursday.
        WEEKDAYS[usize::try_from(days % 7).expect("below 7")],
        MONTHS[usize::try_from(month - 1).expect("below 12")],
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
    )
}

/// The proleptic Gregorian (year, month 1..=12, day 1..=31) of a count of days since
/// 1970-01-01, by Howard Hinnant's `civil_from_days` (days counted in 400-year eras that
/// start on 1 March, so the leap day is the last day of its year).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468; // days since 0000-03-01
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_based_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * march_based_month + 2) / 5 + 1;
    let month = if march_based_month < 10 { march_based_month + 3 } else { march_based_month - 9 };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

/// The reference clients' `padHex` on bytes: the integer's big-endian bytes without leading
/// zeros, with one zero byte in front when the top bit is set (so the bytes would read as a
/// positive two's-complement number, as Java's BigInteger on Cognito's side writes them), and
/// `[0]` for zero.
fn pad(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|&byte| byte != 0).unwrap_or(bytes.len());
    let digits = &bytes[start..];
    let mut padded = Vec::with_capacity(digits.len() + 1);
    if digits.first().is_none_or(|&top| top & 0x80 != 0) {
        padded.push(0);
    }
    padded.extend_from_slice(digits);
    padded
}

/// `PAD(N)`: N's top bit is set, so a zero byte in front of its 384 bytes.
fn pad_n() -> Vec<u8> {
    pad(&decode_hex(N_HEX).expect("N is hexadecimal"))
}

/// Hexadecimal (either case, odd length read as if it had a leading `0`) to bytes; `None` for
/// an empty string or any other character.
fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        char::from(c).to_digit(16).map(|d| u8::try_from(d).expect("a hex digit fits in a byte"))
    }
    if hex.is_empty() {
        return None;
    }
    let digits = hex.as_bytes();
    let (first, rest) = digits.split_at(digits.len() % 2);
    let mut bytes = Vec::with_capacity(digits.len().div_ceil(2));
    if let [single] = first {
        bytes.push(nibble(*single)?);
    }
    for pair in rest.chunks_exact(2) {
        bytes.push(nibble(pair[0])? << 4 | nibble(pair[1])?);
    }
    Some(bytes)
}

/// Lowercase hexadecimal, two digits a byte (a table rather than `{:02x}`, so the page's wasm
/// needs no hexadecimal formatting code for this alone).
fn encode_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|byte| [DIGITS[usize::from(byte >> 4)], DIGITS[usize::from(byte & 0xf)]])
        .map(char::from)
        .collect()
}

/// The native backend: `num-bigint`'s `BigUint` (feature `num-bigint`), for the CLI and the
/// tests. The page uses the browser's BigInt instead (frontend's `bigint`), which costs its
/// wasm far less (BENCHMARKS.md, "SRP in the page").
#[cfg(feature = "num-bigint")]
impl BigNum for num_bigint::BigUint {
    fn from_be_bytes(bytes: &[u8]) -> Self {
        Self::from_bytes_be(bytes)
    }
    fn to_be_bytes(&self) -> Vec<u8> {
        self.to_bytes_be()
    }
    fn is_zero(&self) -> bool {
        self.bits() == 0
    }
    fn add(&self, other: &Self) -> Self {
        self + other
    }
    fn sub(&self, other: &Self) -> Self {
        self - other
    }
    fn mul(&self, other: &Self) -> Self {
        self * other
    }
    fn rem(&self, modulus: &Self) -> Self {
        self % modulus
    }
    fn modpow(&self, exponent: &Self, modulus: &Self) -> Self {
        Self::modpow(self, exponent, modulus)
    }
}

#[cfg(test)]
mod tests {
    use super::{decode_hex, encode_hex, pad};

    #[test]
    fn pad_adds_a_zero_byte_only_when_the_top_bit_is_set() {
        let check = |input: &[u8], expected: &[u8]| assert_eq!(pad(input), expected, "{input:02x?}");
        check(&[], &[0]);
        check(&[0, 0], &[0]);
        check(&[0x7f, 1], &[0x7f, 1]);
        check(&[0x80], &[0, 0x80]);
        check(&[0, 0, 0x12], &[0x12]);
        check(&[0, 0xff, 0], &[0, 0xff, 0]);
    }

    #[test]
    fn hex_round_trips_and_refuses_what_is_not_hex() {
        assert_eq!(decode_hex("0aF"), Some(vec![0, 0xaf]));
        assert_eq!(decode_hex("abc"), Some(vec![0x0a, 0xbc]));
        assert_eq!(encode_hex(&[0, 0xab, 0x1f]), "00ab1f");
        for bad in ["", "0x12", "12 3", "g0", "é"] {
            assert_eq!(decode_hex(bad), None, "{bad}");
        }
    }

    #[cfg(feature = "num-bigint")]
    #[test]
    fn a_zero_u_is_refused() {
        use super::{BigNum as _, Client, SrpError};
        use num_bigint::BigUint;
        // u is a SHA-256 output, so no B can be chosen to make it zero; the check is on the
        // hash itself.
        let client = Client::<BigUint>::new(&[7; 128]);
        let b = BigUint::from_be_bytes(&[5]);
        assert_eq!(client.key(&b, &[0; 32], &[1; 32]), Err(SrpError::ZeroU));
        assert!(client.key(&b, &[1; 32], &[1; 32]).is_ok());
    }
}
