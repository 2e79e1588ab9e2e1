//! What the local stack's test files share: where ministack is, and a Cognito client for it.

use std::path::{Path, PathBuf};

use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::{Client, Config};
use whoami_local::ministack;

/// ministack: `WHOAMI_MINISTACK` (set by `cargo xtask test`), else where `cargo xtask setup`
/// installs it.
pub fn ministack_program() -> PathBuf {
    std::env::var_os("WHOAMI_MINISTACK")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(ministack::INSTALLED_AT), PathBuf::from)
}

/// A Cognito client for the emulator at `endpoint`, signing with its root access key and
/// `secret_key` (its own is [`ministack::SECRET_KEY`]).
pub fn cognito(endpoint: &str, secret_key: &str) -> Client {
    let config = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(ministack::REGION))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(ministack::ACCESS_KEY, secret_key, None, None, "whoami-local tests"))
        .build();
    Client::from_conf(config)
}

/// Signs `username` in through app client `client_id` with USER_SRP_AUTH, as the page does
/// (the shared SRP client on native big integers), with the proof dated `clock_offset`
/// seconds from now (0, as a right clock would), and returns Cognito's tokens.
pub async fn srp_sign_in(
    cognito: &Client,
    pool: &str,
    client_id: &str,
    (username, password): (&str, &str),
    clock_offset: i64,
) -> aws_sdk_cognitoidentityprovider::types::AuthenticationResultType {
    use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
    use whoami_shared::srp;

    let pool: whoami_shared::UserPoolId = pool.parse().expect("a pool id");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    // Tests need a fresh `a` per sign-in, not a secret one.
    let mut random_a = [0x5a; 128];
    random_a[..16].copy_from_slice(&now.as_nanos().to_be_bytes());
    let client = srp::Client::<num_bigint::BigUint>::new(&random_a);
    let challenge = cognito
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("SRP_A", client.srp_a())
        .send()
        .await
        .expect("USER_SRP_AUTH starts");
    assert_eq!(challenge.challenge_name(), Some(&ChallengeNameType::PasswordVerifier));
    let parameter = |key: &str| challenge.challenge_parameters().and_then(|p| p.get(key)).expect(key).as_str();
    let secret_block = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, parameter("SECRET_BLOCK"))
        .expect("SECRET_BLOCK is base64");
    let verifier = srp::PasswordVerifier {
        salt_hex: parameter("SALT"),
        srp_b_hex: parameter("SRP_B"),
        secret_block: &secret_block,
        user_id_for_srp: parameter("USER_ID_FOR_SRP"),
    };
    let signed_at = now.as_secs().checked_add_signed(clock_offset).expect("a time after the epoch");
    let proof = client.answer(&verifier, &pool, password, signed_at).expect("a well-formed challenge");
    let answer = cognito
        .respond_to_auth_challenge()
        .client_id(client_id)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .set_session(challenge.session().map(str::to_owned))
        .challenge_responses("USERNAME", &proof.username)
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", parameter("SECRET_BLOCK"))
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", proof.signature_base64())
        .challenge_responses("TIMESTAMP", proof.timestamp)
        .send()
        .await
        .expect("the SRP proof is accepted");
    answer.authentication_result().expect("tokens").clone()
}
