//! The time of one Cognito SRP sign-in's arithmetic on the native backend (num-bigint): the
//! client's `A`, then the answer to the PASSWORD_VERIFIER challenge, on the test vector whose
//! `a` is 40 bytes, as the CLI and the page draw it.
//!
//! `cargo bench -p whoami-shared --bench srp`; figures in BENCHMARKS.md.

use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};
use num_bigint::BigUint;
use whoami_shared::UserPoolId;
use whoami_shared::srp::{Client, PasswordVerifier};

fn srp(c: &mut Criterion) {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../tests/data/srp/vectors.json")).expect("vectors.json is JSON");
    let vector = vectors["vectors"]
        .as_array()
        .and_then(|all| all.iter().find(|v| v["a_bytes_hex"].as_str().is_some_and(|a| a.len() == 80)))
        .expect("a vector with a 40-byte a");
    let text = |key: &str| vector[key].as_str().unwrap_or_else(|| panic!("the vector has no `{key}`")).to_owned();
    let mut random_a = [0; 40];
    random_a.copy_from_slice(&decode(&text("a_bytes_hex")));
    let pool: UserPoolId = text("user_pool_id").parse().expect("the vector's pool id is valid");
    let (salt, srp_b, secret_block, user) =
        (text("salt_hex"), text("srp_b_hex"), text("secret_block_b64"), text("user_id_for_srp"));
    let secret_block = base64::engine::general_purpose::STANDARD.decode(secret_block).expect("SECRET_BLOCK is base64");
    let challenge =
        PasswordVerifier { salt_hex: &salt, srp_b_hex: &srp_b, secret_block: &secret_block, user_id_for_srp: &user };
    let password = text("password");
    let now = vector["unix_seconds"].as_u64().expect("unix_seconds is a number");

    c.bench_function("srp: A", |b| b.iter(|| Client::<BigUint>::new(&random_a).srp_a()));
    let client = Client::<BigUint>::new(&random_a);
    c.bench_function("srp: answer", |b| b.iter(|| client.answer(&challenge, &pool, &password, now)));
    c.bench_function("srp: A + answer", |b| {
        b.iter(|| Client::<BigUint>::new(&random_a).answer(&challenge, &pool, &password, now));
    });
}

fn decode(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")).collect()
}

criterion_group!(benches, srp);
criterion_main!(benches);
