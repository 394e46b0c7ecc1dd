//! Bounds on everything a user can make the engine store.

use serde::{Deserialize, Serialize};

/// Bounds on the state one user can create. Every collection the engine keeps is bounded by
/// one of these (live watchers are bounded by the authorisations that admit them: contact list
/// members, individual attribute lists and reactive grants).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Contact lists per publisher (753).
    pub max_contact_lists: usize,
    /// Members per contact list (754).
    pub max_contacts_per_list: usize,
    /// Individual (per user) attribute lists per publisher (755). The default list and the
    /// contact lists' attribute lists are bounded by one and `max_contact_lists`.
    pub max_user_attribute_lists: usize,
    /// Reactive authorisation records (pending, granted, denied) per publisher (503).
    pub max_reactive_records: usize,
    /// Entries per block or grant list (754).
    pub max_access_entries: usize,
    /// Extension (not defined by CSP) attribute names in one attribute set, and extension
    /// attributes a publisher's presence may hold (750).
    pub max_extension_attributes: usize,
    /// Length in bytes of an extension attribute name (750).
    pub max_extension_name_len: usize,
    /// Length in bytes of a display name (752) or nickname (702).
    pub max_name_len: usize,
    /// Length in bytes of a normalised user, contact list, group id or screen name (531, 700).
    pub max_id_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_contact_lists: 32,
            max_contacts_per_list: 1000,
            max_user_attribute_lists: 1000,
            max_reactive_records: 1000,
            max_access_entries: 1000,
            max_extension_attributes: 16,
            max_extension_name_len: 64,
            max_name_len: 256,
            max_id_len: 256,
        }
    }
}
