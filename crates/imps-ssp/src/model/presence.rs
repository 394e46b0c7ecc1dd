//! Presence relayed between domains (seed 3 through 9.6).

use imps_csp::ids::UserId;

use super::common::{AttributeList, DeliverTo, MetaInfo, PresenceValue, Status, UserIdRef};
use crate::codec::ssp_struct;

ssp_struct! {
    /// `SubscribeRequest` (Baraza): subscribe to these users' presence.
    pub struct SubscribeRequest = "SubscribeRequest" {
        /// Requestor: the watcher.
        pub meta_info: Option<MetaInfo> = child,
        /// The publishers.
        pub users: Vec<UserIdRef> = child,
        /// The attributes wanted (all when absent).
        pub attribute_list: Option<AttributeList> = child,
    }
}

ssp_struct! {
    /// `UnsubscribeRequest` (Baraza), answered with `Status`.
    pub struct UnsubscribeRequest = "UnsubscribeRequest" {
        /// Requestor: the watcher.
        pub meta_info: Option<MetaInfo> = child,
        /// The publishers.
        pub users: Vec<UserIdRef> = child,
    }
}

ssp_struct! {
    /// `GetPresenceRequest` (Baraza): these users' presence, once.
    pub struct GetPresenceRequest = "GetPresenceRequest" {
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
        /// The publishers.
        pub users: Vec<UserIdRef> = child,
        /// The attributes wanted (all when absent).
        pub attribute_list: Option<AttributeList> = child,
    }
}

ssp_struct! {
    /// `GetPresenceResponse` (Baraza) with `Status` (inferred: CSP's response has a result).
    pub struct GetPresenceResponse = "GetPresenceResponse" {
        /// Result.
        pub status: Status = child,
        /// The presence values (one `PresenceValue` per user and sub-list).
        pub values: Vec<PresenceValue> = child,
    }
}

ssp_struct! {
    /// `UpdatePresenceRequest` (inferred): a user's own presence, to the domain that provides
    /// its presence service; answered with `Status`.
    pub struct UpdatePresenceRequest = "UpdatePresenceRequest" {
        /// Requestor: the publisher.
        pub meta_info: Option<MetaInfo> = child,
        /// The new values (`userID` is the publisher).
        pub value: PresenceValue = child,
    }
}

ssp_struct! {
    /// `PresenceNotification` (Baraza): presence values for a watcher of the receiving domain.
    pub struct PresenceNotification = "PresenceNotification" {
        /// Requestor (the publishers' presence provider).
        pub meta_info: Option<MetaInfo> = child,
        /// The watcher.
        pub deliver_to: DeliverTo = child,
        /// The values.
        pub values: Vec<PresenceValue> = child,
    }
}

ssp_struct! {
    /// `PresenceAuthRequest userID="…"` (inferred, CSP `PresenceAuth-Request`): a watcher
    /// asks the publisher (a user of the receiving domain) for reactive authorisation.
    pub struct PresenceAuthRequest = "PresenceAuthRequest" {
        /// The watcher asking.
        pub user_id: UserId = attr("userID"),
        /// Requestor (the publisher's presence provider).
        pub meta_info: Option<MetaInfo> = child,
        /// The publisher.
        pub deliver_to: DeliverTo = child,
        /// The attributes asked for.
        pub attribute_list: Option<AttributeList> = child,
    }
}

ssp_struct! {
    /// `PresenceAuthUser userID="…" acceptance="Yes|No"` (inferred, CSP `PresenceAuth-User`):
    /// the publisher's answer, to its presence provider; answered with `Status`.
    pub struct PresenceAuthUser = "PresenceAuthUser" {
        /// The watcher answered.
        pub user_id: UserId = attr("userID"),
        /// Granted or not.
        pub acceptance: bool = attr("acceptance"),
        /// Requestor: the publisher.
        pub meta_info: Option<MetaInfo> = child,
        /// The attributes granted.
        pub attribute_list: Option<AttributeList> = child,
    }
}

ssp_struct! {
    /// `CreateAttributeListRequest defaultList="Yes|No"` (inferred, CSP
    /// `CreateAttributeList-Request`): a user's proactive authorisation, to the domain that
    /// provides its presence service (seed 9.6 "Contact List Features"); answered with
    /// `Status`.
    pub struct CreateAttributeListRequest = "CreateAttributeListRequest" {
        /// Whether the list becomes the Default Public Attribute List.
        pub default_list: bool = attr("defaultList"),
        /// Requestor: the publisher.
        pub meta_info: Option<MetaInfo> = child,
        /// The attributes.
        pub attribute_list: AttributeList = child,
        /// Users it applies to.
        pub users: Vec<UserIdRef> = child,
        /// The publisher's contact lists it applies to.
        pub contact_lists: Vec<String> = text_child("ContactList"),
    }
}

ssp_struct! {
    /// `DeleteAttributeListRequest defaultList="Yes|No"` (inferred, CSP
    /// `DeleteAttributeList-Request`); answered with `Status`.
    pub struct DeleteAttributeListRequest = "DeleteAttributeListRequest" {
        /// Whether the Default Public Attribute List is removed.
        pub default_list: bool = attr("defaultList"),
        /// Requestor: the publisher.
        pub meta_info: Option<MetaInfo> = child,
        /// Users it applied to.
        pub users: Vec<UserIdRef> = child,
        /// Contact lists it applied to.
        pub contact_lists: Vec<String> = text_child("ContactList"),
    }
}
