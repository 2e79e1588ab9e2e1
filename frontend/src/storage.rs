//! Keeping the tokens between page loads, in sessionStorage (this tab) or localStorage
//! (every tab), as `config.json` chooses.

use crate::config::TokenStorage;
use crate::session::Tokens;

/// The one key the page stores, holding every token as JSON.
pub const KEY: &str = "cognito-whoami.tokens";

/// The browser storage the tokens live in.
#[derive(Debug, Clone)]
pub struct TokenStore {
    kind: TokenStorage,
}

impl TokenStore {
    pub fn new(kind: TokenStorage) -> Self {
        Self { kind }
    }

    /// Whether anything is stored under the page's key, without reading it (reading is
    /// [`Self::load`], in the module loaded on demand).
    pub fn holds_tokens(&self) -> bool {
        storage(self.kind).and_then(|s| s.get_item(KEY).ok().flatten()).is_some()
    }

    /// The stored tokens, if any are there and readable. Unreadable ones are removed: they
    /// can only have been written by another version of the page or by hand.
    pub fn load(&self) -> Option<Tokens> {
        let storage = storage(self.kind)?;
        let text = storage.get_item(KEY).ok().flatten()?;
        let tokens = crate::json::from_str(&text).ok();
        if tokens.is_none() {
            let _ = storage.remove_item(KEY);
        }
        tokens
    }

    /// Stores `tokens`. Returns false when the browser refused (storage disabled or full):
    /// the session then lasts only as long as the page.
    pub fn save(&self, tokens: &Tokens) -> bool {
        let (Some(storage), Some(text)) = (storage(self.kind), crate::json::to_string(tokens)) else {
            return false;
        };
        storage.set_item(KEY, &text).is_ok()
    }

    /// Removes the tokens from both storages, whichever this page was configured with:
    /// a configuration change must not leave tokens behind.
    pub fn clear(&self) {
        for kind in [TokenStorage::Session, TokenStorage::Local] {
            if let Some(storage) = storage(kind) {
                let _ = storage.remove_item(KEY);
            }
        }
    }
}

pub(crate) fn storage(kind: TokenStorage) -> Option<web_sys::Storage> {
    let window = web_sys::window()?;
    match kind {
        TokenStorage::Session => window.session_storage().ok().flatten(),
        TokenStorage::Local => window.local_storage().ok().flatten(),
    }
}
