//! What outlives a session, behind one small trait.
//!
//! The engine keeps its working state in memory and writes through: after each input it hands
//! the storage one [`Batch`] holding every record that changed (or was deleted), keyed by
//! normalised user id, group id or message id. Those keys are the sharding keys for a deployment
//! that spreads users across machines. On start-up the engine [`load`](Storage::load)s
//! everything back. An SQL implementation maps each record kind to a table and each batch to one
//! transaction; [`MemoryStorage`] keeps the records in maps.

use std::collections::BTreeMap;

use imps_csp::ids::{GroupId, MessageId, UserId};
use serde::{Deserialize, Serialize};

use super::group::GroupRecord;
use super::im::StoredMessage;
use super::presence::UserRecord;

/// A user's account: credentials and the public profile search looks at (seed 8.1).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Account {
    /// Normalised user id.
    pub user_id: UserId,
    /// The password (the 4-way login needs it in the clear to check digests).
    pub password: String,
    /// Searchable profile.
    pub profile: Profile,
}

impl Account {
    /// An account with an empty profile; the id is normalised.
    pub fn new(user_id: &UserId, password: impl Into<String>) -> Self {
        Account { user_id: user_id.normalized(), password: password.into(), profile: Profile::default() }
    }
}

/// Public profile fields (seed 8.1: user name, first name, last name, email address, alias).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Profile {
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Alias (nickname).
    pub alias: Option<String>,
    /// Mobile number.
    pub mobile_number: Option<String>,
}

/// Everything stored, as loaded at start-up.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Snapshot {
    /// Accounts.
    pub accounts: Vec<Account>,
    /// Per-user presence-authorisation and access-control state.
    pub users: Vec<(UserId, UserRecord)>,
    /// Groups.
    pub groups: Vec<(GroupId, GroupRecord)>,
    /// Undelivered messages.
    pub messages: Vec<(MessageId, StoredMessage)>,
}

/// The records one input changed: `Some` to write, `None` to delete.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Batch {
    /// Accounts written.
    pub accounts: Vec<Account>,
    /// User records.
    pub users: Vec<(UserId, Option<UserRecord>)>,
    /// Group records.
    pub groups: Vec<(GroupId, Option<GroupRecord>)>,
    /// Stored messages.
    pub messages: Vec<(MessageId, Option<StoredMessage>)>,
}

impl Batch {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty() && self.users.is_empty() && self.groups.is_empty() && self.messages.is_empty()
    }
}

/// A storage failure, as the implementation reports it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage: {0}")]
pub struct StorageError(pub String);

/// Durable storage for what outlives a session. Synchronous: a server that needs async storage
/// runs the engine on a thread of its own.
pub trait Storage {
    /// Everything stored (called once, when the engine starts).
    fn load(&mut self) -> Result<Snapshot, StorageError>;
    /// Writes one batch of changes, atomically where the backend can.
    fn apply(&mut self, batch: &Batch) -> Result<(), StorageError>;
}

/// Storage in memory: for tests, simulations, and servers that need no persistence. Its
/// contents survive an engine being dropped and rebuilt from it, as a database would.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemoryStorage {
    accounts: BTreeMap<UserId, Account>,
    users: BTreeMap<UserId, UserRecord>,
    groups: BTreeMap<GroupId, GroupRecord>,
    messages: BTreeMap<MessageId, StoredMessage>,
    batches: u64,
}

impl MemoryStorage {
    /// Empty storage.
    pub fn new() -> Self {
        Self::default()
    }

    /// Storage holding these accounts.
    pub fn with_accounts(accounts: impl IntoIterator<Item = Account>) -> Self {
        let mut s = Self::new();
        for a in accounts {
            s.accounts.insert(a.user_id.normalized(), a);
        }
        s
    }

    /// How many batches were applied (for tests of the write-through behaviour).
    pub fn batches_applied(&self) -> u64 {
        self.batches
    }

    /// The stored messages (for tests).
    pub fn messages(&self) -> impl Iterator<Item = (&MessageId, &StoredMessage)> {
        self.messages.iter()
    }
}

impl Storage for MemoryStorage {
    fn load(&mut self) -> Result<Snapshot, StorageError> {
        Ok(Snapshot {
            accounts: self.accounts.values().cloned().collect(),
            users: self.users.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            groups: self.groups.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            messages: self.messages.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        })
    }

    fn apply(&mut self, batch: &Batch) -> Result<(), StorageError> {
        for a in &batch.accounts {
            self.accounts.insert(a.user_id.clone(), a.clone());
        }
        fn put<K: Ord + Clone, V: Clone>(map: &mut BTreeMap<K, V>, items: &[(K, Option<V>)]) {
            for (k, v) in items {
                match v {
                    Some(v) => {
                        map.insert(k.clone(), v.clone());
                    }
                    None => {
                        map.remove(k);
                    }
                }
            }
        }
        put(&mut self.users, &batch.users);
        put(&mut self.groups, &batch.groups);
        put(&mut self.messages, &batch.messages);
        self.batches += 1;
        Ok(())
    }
}

impl<S: Storage + ?Sized> Storage for &mut S {
    fn load(&mut self) -> Result<Snapshot, StorageError> {
        (**self).load()
    }
    fn apply(&mut self, batch: &Batch) -> Result<(), StorageError> {
        (**self).apply(batch)
    }
}
