//! The SRP client's big integers on the browser's own BigInt, so the page links no big-integer
//! library (a Rust one cost three times as much wasm; BENCHMARKS.md, "SRP in the page").
//!
//! Additions, products and remainders are js-sys's BigInt operators; the conversions from
//! and to bytes and the modular power are a few lines of JavaScript, because doing them
//! through one js-sys call per byte or per bit would cross into JavaScript thousands of times.

use js_sys::BigInt;
use wasm_bindgen::prelude::wasm_bindgen;
use whoami_shared::srp::BigNum;

#[wasm_bindgen(inline_js = r"
export function bigint_from_bytes(bytes) {
    let hex = '0x0';
    for (const byte of bytes) hex += (byte < 16 ? '0' : '') + byte.toString(16);
    return BigInt(hex);
}

export function bigint_to_bytes(n) {
    let hex = n.toString(16);
    if (hex.length % 2) hex = '0' + hex;
    const bytes = new Uint8Array(hex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(2 * i, 2), 16);
    return bytes;
}

// Left to right over the exponent's hexadecimal digits: four squarings, then one product with
// base^digit from a table; one product per four bits instead of one per set bit (two per four
// on average) as bit-by-bit square-and-multiply, and products and remainders of 3072-bit
// BigInts are the whole cost.
export function bigint_modpow(base, exponent, modulus) {
    const powers = [1n];
    for (let i = 1; i < 16; i++) powers.push(powers[i - 1] * base % modulus);
    let result = 1n;
    for (const digit of exponent.toString(16)) {
        for (let i = 0; i < 4; i++) result = result * result % modulus;
        result = result * powers[parseInt(digit, 16)] % modulus;
    }
    return result % modulus;
}
")]
extern "C" {
    fn bigint_from_bytes(bytes: &[u8]) -> BigInt;
    fn bigint_to_bytes(n: &BigInt) -> Vec<u8>;
    fn bigint_modpow(base: &BigInt, exponent: &BigInt, modulus: &BigInt) -> BigInt;
}

/// A non-negative JavaScript BigInt, for `srp::Client<JsBigNum>`.
#[derive(Debug, Clone)]
pub struct JsBigNum(BigInt);

impl BigNum for JsBigNum {
    fn from_be_bytes(bytes: &[u8]) -> Self {
        Self(bigint_from_bytes(bytes))
    }
    fn to_be_bytes(&self) -> Vec<u8> {
        bigint_to_bytes(&self.0)
    }
    fn is_zero(&self) -> bool {
        // 0n is the only falsy BigInt.
        self.0.is_falsy()
    }
    fn add(&self, other: &Self) -> Self {
        Self(&self.0 + &other.0)
    }
    fn sub(&self, other: &Self) -> Self {
        Self(&self.0 - &other.0)
    }
    fn mul(&self, other: &Self) -> Self {
        Self(&self.0 * &other.0)
    }
    fn rem(&self, modulus: &Self) -> Self {
        Self(&self.0 % &modulus.0)
    }
    fn modpow(&self, exponent: &Self, modulus: &Self) -> Self {
        Self(bigint_modpow(&self.0, &exponent.0, &modulus.0))
    }
}
