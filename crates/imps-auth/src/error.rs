//! Errors of the engine, each mapped to a CSP result code (spec notes section 5).

use imps_csp::ids::{ContactListId, UserId};
use imps_csp::ResultCode;

/// Why an operation was refused. A refused operation changes nothing (not even expiry: see
/// [`AuthEngine`](crate::AuthEngine)).
///
/// When several problems apply, the first in this order is reported: identifiers (531; 700 for
/// a malformed contact list id; 402 for a malformed block or grant entry), names and
/// attributes (752, 702, 750), request sanity (402: self subscription, end time), existence
/// (700, 701, 404), limits (753, 754, 755, 503). Within a group, arguments are checked in the
/// order given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum Error {
    /// A user id that cannot name a user: nothing after the `wv:` scheme, a domain without a
    /// user part, or longer than [`Limits::max_id_len`](crate::Limits::max_id_len). (531)
    #[error("unknown user {0}")]
    UnknownUser(UserId),
    /// A contact list id with nothing after the `wv:` scheme or too long. (700)
    #[error("invalid contact list id {0}")]
    InvalidContactListId(ContactListId),
    /// The publisher has no contact list with this id. (700)
    #[error("contact list {0} does not exist")]
    ContactListNotFound(ContactListId),
    /// The publisher already has a contact list with this id. (701)
    #[error("contact list {0} already exists")]
    ContactListExists(ContactListId),
    /// A contact's nickname is too long. (702)
    #[error("invalid user property: {0}")]
    InvalidUserProperty(&'static str),
    /// An attribute set or presence value names too many extension attributes, or an
    /// extension name that is empty or too long. (750)
    #[error("invalid or unsupported presence attribute {0:?}")]
    InvalidAttribute(String),
    /// A contact list display name is too long. (752)
    #[error("invalid contact list property: {0}")]
    InvalidContactListProperty(&'static str),
    /// The publisher has [`Limits::max_contact_lists`](crate::Limits::max_contact_lists)
    /// lists already. (753)
    #[error("maximum number of contact lists reached")]
    TooManyContactLists,
    /// The list would hold more than
    /// [`Limits::max_contacts_per_list`](crate::Limits::max_contacts_per_list) members. (754)
    #[error("maximum number of contacts reached")]
    TooManyContacts,
    /// The publisher would have more than
    /// [`Limits::max_user_attribute_lists`](crate::Limits::max_user_attribute_lists)
    /// individual attribute lists. (755)
    #[error("maximum number of attribute lists reached")]
    TooManyAttributeLists,
    /// A block or grant list would hold more than
    /// [`Limits::max_access_entries`](crate::Limits::max_access_entries) entries. (754)
    #[error("maximum number of block or grant list entries reached")]
    TooManyAccessEntries,
    /// The publisher already has
    /// [`Limits::max_reactive_records`](crate::Limits::max_reactive_records) reactive
    /// authorisation records (pending, granted or denied); a new requester cannot be
    /// recorded. (503)
    #[error("too many reactive authorisation records for this publisher")]
    TooManyAuthorisationRecords,
    /// A user subscribed to its own presence. (402)
    #[error("a user cannot subscribe to its own presence")]
    SelfSubscription,
    /// A subscription's end time is not after `now`. (402)
    #[error("subscription end time is not in the future")]
    InvalidDeadline,
    /// A block or grant list entry with an empty or too long id or screen name. (402)
    #[error("invalid block or grant list entry {0}")]
    InvalidEntity(String),
    /// The publisher answered an authorisation request that was never made. (404)
    #[error("no reactive authorisation request from {0}")]
    NoAuthorisationRequest(UserId),
}

impl Error {
    /// The CSP result code a server answers with.
    pub fn result_code(&self) -> ResultCode {
        match self {
            Error::UnknownUser(_) => ResultCode::UNKNOWN_USER,
            Error::InvalidContactListId(_) | Error::ContactListNotFound(_) => ResultCode(700),
            Error::ContactListExists(_) => ResultCode(701),
            Error::InvalidUserProperty(_) => ResultCode(702),
            Error::InvalidAttribute(_) => ResultCode(750),
            Error::InvalidContactListProperty(_) => ResultCode(752),
            Error::TooManyContactLists => ResultCode(753),
            Error::TooManyContacts | Error::TooManyAccessEntries => ResultCode(754),
            Error::TooManyAttributeLists => ResultCode(755),
            Error::TooManyAuthorisationRecords => ResultCode::SERVICE_UNAVAILABLE,
            Error::SelfSubscription | Error::InvalidDeadline | Error::InvalidEntity(_) => ResultCode::BAD_PARAMETER,
            Error::NoAuthorisationRequest(_) => ResultCode::NOT_FOUND,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(Error::ContactListNotFound("wv:a/b".into()).result_code(), ResultCode(700));
        assert_eq!(Error::ContactListExists("wv:a/b".into()).result_code(), ResultCode(701));
        assert_eq!(Error::TooManyContactLists.result_code(), ResultCode(753));
        assert_eq!(Error::TooManyContacts.result_code(), ResultCode(754));
        assert_eq!(Error::TooManyAttributeLists.result_code(), ResultCode(755));
        assert_eq!(Error::InvalidAttribute("x".into()).result_code(), ResultCode(750));
        assert_eq!(Error::UnknownUser("wv:".into()).result_code(), ResultCode(531));
    }
}
