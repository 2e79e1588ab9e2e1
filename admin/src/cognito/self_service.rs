//! What a user does for themselves through the app client, without admin credentials: a
//! forgotten password (ForgotPassword, ConfirmForgotPassword) and self sign-up (SignUp,
//! ConfirmSignUp, ResendConfirmationCode), each with a SECRET_HASH over the name as typed when
//! the client has a secret.

use aws_sdk_cognitoidentityprovider::types::{AttributeType, CodeDeliveryDetailsType};

use super::error::map_error;
use super::{Cognito, CognitoError};
use crate::secret::{EmailedCode, Password};

/// Where Cognito says it sent a code: its masked address (`a***@e***`), as it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeSent {
    pub destination: Option<String>,
}

impl CodeSent {
    fn from(details: Option<&CodeDeliveryDetailsType>) -> Self {
        Self { destination: details.and_then(CodeDeliveryDetailsType::destination).map(str::to_owned) }
    }
}

/// SignUp's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedUp {
    /// Confirmed already (a pre-sign-up trigger can do so); else a code is on its way.
    pub confirmed: bool,
    pub code: CodeSent,
}

/// A wrong or expired emailed code reads as such, with what to run for a new one; every other
/// refusal as the one table says.
fn code_refused(error: CognitoError, resend: String) -> CognitoError {
    match error {
        CognitoError::WrongCode => CognitoError::WrongEmailedCode(resend),
        other => other,
    }
}

impl Cognito {
    /// ForgotPassword: Cognito emails `username` a code, or (PreventUserExistenceErrors on)
    /// answers an unknown user exactly alike.
    pub async fn forgot_password(&self, username: &str) -> Result<CodeSent, CognitoError> {
        let answer = self
            .client
            .forgot_password()
            .client_id(self.app.id.as_str())
            .username(username)
            .set_secret_hash(self.app.secret_hash(username))
            .send()
            .await
            .map_err(|e| map_error(&e, username))?;
        Ok(CodeSent::from(answer.code_delivery_details()))
    }

    /// ConfirmForgotPassword: the emailed code and the new password.
    pub async fn confirm_forgot_password(
        &self,
        username: &str,
        code: &EmailedCode,
        new_password: &Password,
    ) -> Result<(), CognitoError> {
        self.client
            .confirm_forgot_password()
            .client_id(self.app.id.as_str())
            .username(username)
            .set_secret_hash(self.app.secret_hash(username))
            .confirmation_code(code.expose())
            .password(new_password.expose())
            .send()
            .await
            .map_err(|e| {
                code_refused(map_error(&e, username), format!("whoami-admin forgot-password --username {username}"))
            })?;
        Ok(())
    }

    /// SignUp with `email` as username and email attribute; the pool must allow self sign-up.
    pub async fn sign_up(&self, email: &str, password: &Password) -> Result<SignedUp, CognitoError> {
        let attribute = AttributeType::builder().name("email").value(email).build().expect("the name is set");
        let answer = self
            .client
            .sign_up()
            .client_id(self.app.id.as_str())
            .username(email)
            .set_secret_hash(self.app.secret_hash(email))
            .password(password.expose())
            .user_attributes(attribute)
            .send()
            .await
            .map_err(|e| map_error(&e, email))?;
        Ok(SignedUp { confirmed: answer.user_confirmed(), code: CodeSent::from(answer.code_delivery_details()) })
    }

    /// ConfirmSignUp with the emailed code.
    pub async fn confirm_sign_up(&self, email: &str, code: &EmailedCode) -> Result<(), CognitoError> {
        self.client
            .confirm_sign_up()
            .client_id(self.app.id.as_str())
            .username(email)
            .set_secret_hash(self.app.secret_hash(email))
            .confirmation_code(code.expose())
            .send()
            .await
            .map_err(|e| {
                code_refused(map_error(&e, email), format!("whoami-admin resend-confirmation-code --email {email}"))
            })?;
        Ok(())
    }

    /// ResendConfirmationCode: a new sign-up code for a user who has not confirmed.
    pub async fn resend_confirmation_code(&self, email: &str) -> Result<CodeSent, CognitoError> {
        let answer = self
            .client
            .resend_confirmation_code()
            .client_id(self.app.id.as_str())
            .username(email)
            .set_secret_hash(self.app.secret_hash(email))
            .send()
            .await
            .map_err(|e| map_error(&e, email))?;
        Ok(CodeSent::from(answer.code_delivery_details()))
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_cognitoidentityprovider::Client;
    use aws_sdk_cognitoidentityprovider::operation::confirm_forgot_password::ConfirmForgotPasswordOutput;
    use aws_sdk_cognitoidentityprovider::operation::forgot_password::ForgotPasswordOutput;
    use aws_sdk_cognitoidentityprovider::operation::sign_up::SignUpOutput;
    use aws_sdk_cognitoidentityprovider::types::DeliveryMediumType;
    use aws_smithy_mocks::mock;
    use whoami_shared::secret_hash::secret_hash;

    use super::*;
    use crate::cognito::testing::{CLIENT_ID, cognito, cognito_error, password};

    fn delivered() -> CodeDeliveryDetailsType {
        CodeDeliveryDetailsType::builder()
            .destination("a***@e***")
            .delivery_medium(DeliveryMediumType::Email)
            .attribute_name("email")
            .build()
    }

    #[tokio::test]
    async fn forgot_password_carries_the_secret_hash_over_the_name_typed() {
        let hash = secret_hash("secret", "ana@example.com", CLIENT_ID);
        let forgot = mock!(Client::forgot_password)
            .match_requests(move |r| {
                r.client_id() == Some(CLIENT_ID)
                    && r.username() == Some("ana@example.com")
                    && r.secret_hash() == Some(hash.as_str())
            })
            .then_output(|| ForgotPasswordOutput::builder().code_delivery_details(delivered()).build());
        let confirm = mock!(Client::confirm_forgot_password)
            .match_requests(|r| r.confirmation_code() == Some("654321") && r.password() == Some("New-Pa55-word"))
            .then_output(|| ConfirmForgotPasswordOutput::builder().build());
        let cognito = cognito(&[&forgot, &confirm], Some("secret"));
        let sent = cognito.forgot_password("ana@example.com").await.unwrap();
        assert_eq!(sent.destination.as_deref(), Some("a***@e***"));
        let code = EmailedCode::parse("654321").unwrap();
        cognito.confirm_forgot_password("ana@example.com", &code, &password("New-Pa55-word")).await.unwrap();
        assert_eq!((forgot.num_calls(), confirm.num_calls()), (1, 1));
    }

    #[tokio::test]
    async fn a_wrong_emailed_code_says_how_to_get_a_new_one() {
        let code = EmailedCode::parse("000000").unwrap();
        for (name, message) in [
            ("CodeMismatchException", "Invalid verification code provided, please try again."),
            ("ExpiredCodeException", "Invalid code provided, please request a code again."),
        ] {
            let rule = cognito_error(mock!(Client::confirm_forgot_password), name, message);
            let err = cognito(&[&rule], None)
                .confirm_forgot_password("ana@example.com", &code, &password("New-Pa55-word"))
                .await
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("the code is not the one Cognito emailed last, or it expired"), "{name}: {err}");
            assert!(err.contains("whoami-admin forgot-password --username ana@example.com"), "{err}");
            let rule = cognito_error(mock!(Client::confirm_sign_up), name, message);
            let err = cognito(&[&rule], None).confirm_sign_up("ana@example.com", &code).await.unwrap_err().to_string();
            assert!(err.contains("whoami-admin resend-confirmation-code --email ana@example.com"), "{err}");
        }
    }

    #[tokio::test]
    async fn sign_up_gives_the_email_and_is_refused_where_the_pool_does_not_allow_it() {
        let sign_up = mock!(Client::sign_up)
            .match_requests(|r| {
                r.username() == Some("ana@example.com")
                    && r.password() == Some("Pa55-word")
                    && r.secret_hash().is_none()
                    && r.user_attributes().iter().any(|a| a.name() == "email" && a.value() == Some("ana@example.com"))
            })
            .then_output(|| {
                SignUpOutput::builder()
                    .user_confirmed(false)
                    .user_sub("sub")
                    .code_delivery_details(delivered())
                    .build()
                    .unwrap()
            });
        let signed_up = cognito(&[&sign_up], None).sign_up("ana@example.com", &password("Pa55-word")).await.unwrap();
        assert_eq!(signed_up, SignedUp { confirmed: false, code: CodeSent { destination: Some("a***@e***".into()) } });

        // AWS's answer where AllowAdminCreateUserOnly is true (the emulator signs the user up).
        let refused = cognito_error(
            mock!(Client::sign_up),
            "NotAuthorizedException",
            "SignUp is not permitted for this user pool",
        );
        let err = cognito(&[&refused], None).sign_up("ana@example.com", &password("Pa55-word")).await.unwrap_err();
        assert!(matches!(err, CognitoError::SignUpNotAllowed), "{err}");
    }
}
