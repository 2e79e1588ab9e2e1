//! User administration through Cognito's admin API: create a user, set or reset a password,
//! disable and enable, sign out everywhere, delete, list.

use aws_sdk_cognitoidentityprovider::types::{
    AdminCreateUserConfigType, AttributeType, DeliveryMediumType, MessageActionType, PasswordPolicyType, UserPoolType,
    UserType,
};
use serde::Serialize;
use whoami_shared::files::PoolFeatures;
use whoami_shared::{Email, UserPoolId};

use super::error::map_error;
use super::{Cognito, CognitoError};
use crate::secret::Password;

/// The password a new user starts with.
#[derive(Debug)]
pub enum InitialPassword {
    /// The user signs in with it as it is.
    Permanent(Password),
    /// The user must choose a new one at first sign-in (NEW_PASSWORD_REQUIRED).
    Temporary(Password),
}

/// The operator's one-call chores on a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserChore {
    /// AdminDisableUser: no sign-in, and Cognito revokes the user's tokens.
    Disable,
    /// AdminEnableUser: sign-in with the password the user had.
    Enable,
    /// AdminUserGlobalSignOut: every refresh and access token of the user is revoked.
    SignOutEverywhere,
    /// AdminResetUserPassword: the password stops working (RESET_REQUIRED) and Cognito emails
    /// the user a code for ConfirmForgotPassword.
    ResetPassword,
}

/// What `create-user` reports: the user, not the raw response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserSummary {
    pub username: String,
    pub sub: Option<String>,
    pub email: Option<String>,
    pub status: String,
    pub enabled: bool,
}

impl UserSummary {
    fn from_user(user: &UserType) -> Self {
        let attribute =
            |name: &str| user.attributes().iter().find(|a| a.name() == name).and_then(|a| a.value()).map(str::to_owned);
        Self {
            username: user.username().unwrap_or_default().to_owned(),
            sub: attribute("sub"),
            email: attribute("email"),
            status: user.user_status().map_or("UNKNOWN", |s| s.as_str()).to_owned(),
            enabled: user.enabled(),
        }
    }
}

impl Cognito {
    /// AdminCreateUser with a verified email, then AdminSetUserPassword for a permanent password.
    pub async fn create_user(
        &self,
        email: &Email,
        password: &InitialPassword,
        send_invite: bool,
    ) -> Result<UserSummary, CognitoError> {
        let (InitialPassword::Permanent(pw) | InitialPassword::Temporary(pw)) = password;
        let created = self
            .client
            .admin_create_user()
            .user_pool_id(self.pool.as_str())
            .username(email.as_str())
            .user_attributes(attribute("email", email.as_str()))
            .user_attributes(attribute("email_verified", "true"))
            // A permanent password is given as the temporary one too, so Cognito checks it
            // against the policy before the user exists.
            .temporary_password(pw.expose())
            .set_message_action((!send_invite).then_some(MessageActionType::Suppress))
            .set_desired_delivery_mediums(send_invite.then(|| vec![DeliveryMediumType::Email]))
            .send()
            .await
            .map_err(|e| map_error(&e, email.as_str()))?;
        let mut summary = UserSummary::from_user(created.user().ok_or(CognitoError::IncompleteAnswer("user"))?);
        if let InitialPassword::Permanent(pw) = password {
            if let Err(err) = self.set_password(&summary.username, pw, true).await {
                // Leave no half-made user behind (emulators do not check a temporary password's
                // policy), so the operator can simply run the command again with a better password.
                let _ = self.delete_user(&summary.username).await;
                return Err(err);
            }
            // AdminSetUserPassword answers with nothing; a permanent password confirms the user.
            "CONFIRMED".clone_into(&mut summary.status);
        }
        Ok(summary)
    }

    /// AdminSetUserPassword; a temporary password makes the user choose a new one at next sign-in.
    pub async fn set_password(&self, username: &str, password: &Password, permanent: bool) -> Result<(), CognitoError> {
        self.client
            .admin_set_user_password()
            .user_pool_id(self.pool.as_str())
            .username(username)
            .password(password.expose())
            .permanent(permanent)
            .send()
            .await
            .map_err(|e| map_error(&e, username))?;
        Ok(())
    }

    /// One of the operator's chores on `username`, each a single admin call that answers
    /// with nothing.
    pub async fn user_chore(&self, chore: UserChore, username: &str) -> Result<(), CognitoError> {
        let (client, pool) = (&self.client, self.pool.as_str());
        // The four calls take the same two fields and answer alike, but are four SDK types.
        macro_rules! call {
            ($operation:ident) => {
                client
                    .$operation()
                    .user_pool_id(pool)
                    .username(username)
                    .send()
                    .await
                    .map(drop)
                    .map_err(|e| map_error(&e, username))
            };
        }
        match chore {
            UserChore::Disable => call!(admin_disable_user),
            UserChore::Enable => call!(admin_enable_user),
            UserChore::SignOutEverywhere => call!(admin_user_global_sign_out),
            UserChore::ResetPassword => call!(admin_reset_user_password),
        }
    }

    /// AdminDeleteUser.
    pub async fn delete_user(&self, username: &str) -> Result<(), CognitoError> {
        self.client
            .admin_delete_user()
            .user_pool_id(self.pool.as_str())
            .username(username)
            .send()
            .await
            .map_err(|e| map_error(&e, username))?;
        Ok(())
    }

    /// ListUsers through every page.
    pub async fn list_users(&self) -> Result<Vec<UserSummary>, CognitoError> {
        let mut users = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .list_users()
                .user_pool_id(self.pool.as_str())
                .set_pagination_token(token.take())
                .send()
                .await
                .map_err(|e| map_error(&e, ""))?;
            users.extend(page.users().iter().map(UserSummary::from_user));
            match page.pagination_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                _ => return Ok(users),
            }
        }
    }
}

/// DescribeUserPool: whether anyone may sign up, and the password policy, as `config.json`
/// carries them for the page. (A free function: `configure` has a pool but no app client yet.)
pub async fn pool_features(
    client: &aws_sdk_cognitoidentityprovider::Client,
    pool: &UserPoolId,
) -> Result<PoolFeatures, CognitoError> {
    let answer = client.describe_user_pool().user_pool_id(pool.as_str()).send().await.map_err(|e| map_error(&e, ""))?;
    let described = answer.user_pool().ok_or(CognitoError::IncompleteAnswer("user pool"))?;
    Ok(features(described))
}

/// The features of a described pool. Cognito's default for AllowAdminCreateUserOnly is false.
fn features(pool: &UserPoolType) -> PoolFeatures {
    let only_admin =
        pool.admin_create_user_config().is_some_and(AdminCreateUserConfigType::allow_admin_create_user_only);
    let policy = pool.policies().and_then(|p| p.password_policy());
    PoolFeatures {
        // Not DescribeUserPool's: configure takes it from the stack (or the emulator's address).
        hosted_ui_domain: None,
        sign_up: (!only_admin).then_some(true),
        password_min_length: policy.and_then(PasswordPolicyType::minimum_length).and_then(|n| u32::try_from(n).ok()),
        password_require_lowercase: policy.map(PasswordPolicyType::require_lowercase),
        password_require_uppercase: policy.map(PasswordPolicyType::require_uppercase),
        password_require_numbers: policy.map(PasswordPolicyType::require_numbers),
        password_require_symbols: policy.map(PasswordPolicyType::require_symbols),
    }
}

fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder().name(name).value(value).build().expect("the attribute's name is set")
}

#[cfg(test)]
mod tests {
    use aws_sdk_cognitoidentityprovider::Client;
    use aws_sdk_cognitoidentityprovider::operation::admin_create_user::AdminCreateUserOutput;
    use aws_sdk_cognitoidentityprovider::operation::admin_delete_user::AdminDeleteUserOutput;
    use aws_sdk_cognitoidentityprovider::operation::admin_set_user_password::AdminSetUserPasswordOutput;
    use aws_sdk_cognitoidentityprovider::operation::list_users::ListUsersOutput;
    use aws_sdk_cognitoidentityprovider::types::UserStatusType;
    use aws_smithy_mocks::mock;

    use super::*;
    use crate::cognito::testing::{POOL, UUID, cognito, cognito_error, password};

    fn user(username: &str, email: &str, status: UserStatusType) -> UserType {
        UserType::builder()
            .username(username)
            .attributes(attribute("sub", UUID))
            .attributes(attribute("email", email))
            .user_status(status)
            .enabled(true)
            .build()
    }

    #[tokio::test]
    async fn create_user_with_a_permanent_password() {
        let create = mock!(Client::admin_create_user)
            .match_requests(|r| {
                let attribute =
                    |name: &str| r.user_attributes().iter().find(|a| a.name() == name).and_then(AttributeType::value);
                r.user_pool_id() == Some(POOL)
                    && r.username() == Some("ana@example.com")
                    && attribute("email") == Some("ana@example.com")
                    && attribute("email_verified") == Some("true")
                    && r.temporary_password() == Some("Pa55-word")
                    && r.message_action() == Some(&MessageActionType::Suppress)
                    && r.desired_delivery_mediums().is_empty()
            })
            .then_output(|| {
                AdminCreateUserOutput::builder()
                    .user(user("ana@example.com", "ana@example.com", UserStatusType::ForceChangePassword))
                    .build()
            });
        let set = mock!(Client::admin_set_user_password)
            .match_requests(|r| {
                r.user_pool_id() == Some(POOL)
                    && r.username() == Some("ana@example.com")
                    && r.password() == Some("Pa55-word")
                    && r.permanent() == Some(true)
            })
            .then_output(|| AdminSetUserPasswordOutput::builder().build());
        let email: Email = "ana@example.com".parse().unwrap();
        let summary = cognito(&[&create, &set], None)
            .create_user(&email, &InitialPassword::Permanent(password("Pa55-word")), false)
            .await
            .unwrap();
        assert_eq!((create.num_calls(), set.num_calls()), (1, 1));
        assert_eq!(
            summary,
            UserSummary {
                username: "ana@example.com".into(),
                sub: Some(UUID.into()),
                email: Some("ana@example.com".into()),
                status: "CONFIRMED".into(),
                enabled: true,
            }
        );
    }

    #[tokio::test]
    async fn create_user_with_a_temporary_password_and_an_invitation() {
        let create = mock!(Client::admin_create_user)
            .match_requests(|r| {
                r.temporary_password() == Some("Temp-1")
                    && r.message_action().is_none()
                    && r.desired_delivery_mediums() == [DeliveryMediumType::Email]
            })
            .then_output(|| {
                AdminCreateUserOutput::builder()
                    .user(user(UUID, "ana@example.com", UserStatusType::ForceChangePassword))
                    .build()
            });
        let set = mock!(Client::admin_set_user_password).then_output(|| AdminSetUserPasswordOutput::builder().build());
        let email: Email = "ana@example.com".parse().unwrap();
        let summary = cognito(&[&create, &set], None)
            .create_user(&email, &InitialPassword::Temporary(password("Temp-1")), true)
            .await
            .unwrap();
        assert_eq!((create.num_calls(), set.num_calls()), (1, 0));
        assert_eq!((summary.username.as_str(), summary.status.as_str()), (UUID, "FORCE_CHANGE_PASSWORD"));
    }

    #[tokio::test]
    async fn a_refused_permanent_password_removes_the_new_user() {
        let create = mock!(Client::admin_create_user).then_output(|| {
            AdminCreateUserOutput::builder()
                .user(user(UUID, "ana@example.com", UserStatusType::ForceChangePassword))
                .build()
        });
        let set = cognito_error(mock!(Client::admin_set_user_password), "InvalidPasswordException", "too short");
        let delete = mock!(Client::admin_delete_user)
            .match_requests(|r| r.user_pool_id() == Some(POOL) && r.username() == Some(UUID))
            .then_output(|| AdminDeleteUserOutput::builder().build());
        let email: Email = "ana@example.com".parse().unwrap();
        let err = cognito(&[&create, &set, &delete], None)
            .create_user(&email, &InitialPassword::Permanent(password("short")), false)
            .await
            .unwrap_err();
        assert!(matches!(err, CognitoError::InvalidPassword(ref m) if m == "too short"), "{err}");
        assert_eq!(delete.num_calls(), 1);
    }

    #[tokio::test]
    async fn list_users_follows_the_pagination_token() {
        let first = mock!(Client::list_users)
            .match_requests(|r| r.user_pool_id() == Some(POOL) && r.pagination_token().is_none())
            .then_output(|| {
                ListUsersOutput::builder()
                    .users(user("a", "a@x.y", UserStatusType::Confirmed))
                    .users(user("b", "b@x.y", UserStatusType::Confirmed))
                    .pagination_token("page-2")
                    .build()
            });
        let second = mock!(Client::list_users)
            .match_requests(|r| r.pagination_token() == Some("page-2"))
            .then_output(|| ListUsersOutput::builder().users(user("c", "c@x.y", UserStatusType::Confirmed)).build());
        let users = cognito(&[&first, &second], None).list_users().await.unwrap();
        let names: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    }

    #[test]
    fn the_pools_features_are_its_sign_up_and_password_policy() {
        use aws_sdk_cognitoidentityprovider::types::UserPoolPolicyType;
        let policy = PasswordPolicyType::builder()
            .minimum_length(12)
            .require_lowercase(true)
            .require_uppercase(true)
            .require_numbers(true)
            .require_symbols(false)
            .build();
        let pool = |only_admin: Option<bool>| {
            UserPoolType::builder()
                .admin_create_user_config(
                    AdminCreateUserConfigType::builder().set_allow_admin_create_user_only(only_admin).build(),
                )
                .policies(UserPoolPolicyType::builder().password_policy(policy.clone()).build())
                .build()
        };
        let closed = features(&pool(Some(true)));
        assert_eq!(
            closed,
            PoolFeatures {
                hosted_ui_domain: None,
                sign_up: None,
                password_min_length: Some(12),
                password_require_lowercase: Some(true),
                password_require_uppercase: Some(true),
                password_require_numbers: Some(true),
                password_require_symbols: Some(false),
            }
        );
        assert_eq!(features(&pool(Some(false))).sign_up, Some(true));
        assert_eq!(features(&pool(None)).sign_up, Some(true), "Cognito's default lets anyone sign up");
        assert_eq!(features(&UserPoolType::builder().build()).password_min_length, None);
    }

    #[tokio::test]
    async fn each_chore_is_its_admin_call_on_the_user() {
        use aws_sdk_cognitoidentityprovider::operation::{
            admin_disable_user::AdminDisableUserOutput, admin_enable_user::AdminEnableUserOutput,
            admin_reset_user_password::AdminResetUserPasswordOutput,
            admin_user_global_sign_out::AdminUserGlobalSignOutOutput,
        };
        // Each call, on this pool and this user only.
        macro_rules! expect {
            ($operation:ident, $output:ident) => {
                mock!(Client::$operation)
                    .match_requests(|r| r.user_pool_id() == Some(POOL) && r.username() == Some("bob"))
                    .then_output(|| $output::builder().build())
            };
        }
        let disable = expect!(admin_disable_user, AdminDisableUserOutput);
        let enable = expect!(admin_enable_user, AdminEnableUserOutput);
        let sign_out = expect!(admin_user_global_sign_out, AdminUserGlobalSignOutOutput);
        let reset = expect!(admin_reset_user_password, AdminResetUserPasswordOutput);
        let cognito = cognito(&[&disable, &enable, &sign_out, &reset], None);
        for chore in [UserChore::Disable, UserChore::Enable, UserChore::SignOutEverywhere, UserChore::ResetPassword] {
            cognito.user_chore(chore, "bob").await.unwrap();
        }
        let calls = [disable.num_calls(), enable.num_calls(), sign_out.num_calls(), reset.num_calls()];
        assert_eq!(calls, [1, 1, 1, 1]);

        let missing = cognito_error(mock!(Client::admin_disable_user), "UserNotFoundException", "User does not exist.");
        let err = crate::cognito::testing::cognito(&[&missing], None).user_chore(UserChore::Disable, "zed").await;
        assert!(matches!(err, Err(CognitoError::UserNotFound(ref u)) if u == "zed"), "{err:?}");
    }

    #[tokio::test]
    async fn set_and_delete_send_pool_and_username() {
        let set = mock!(Client::admin_set_user_password)
            .match_requests(|r| {
                r.username() == Some("bob") && r.password() == Some("Pa55") && r.permanent() == Some(false)
            })
            .then_output(|| AdminSetUserPasswordOutput::builder().build());
        let delete = mock!(Client::admin_delete_user)
            .match_requests(|r| r.user_pool_id() == Some(POOL) && r.username() == Some("bob"))
            .then_output(|| AdminDeleteUserOutput::builder().build());
        let cognito = cognito(&[&set, &delete], None);
        cognito.set_password("bob", &password("Pa55"), false).await.unwrap();
        cognito.delete_user("bob").await.unwrap();
        assert_eq!((set.num_calls(), delete.num_calls()), (1, 1));
    }
}
