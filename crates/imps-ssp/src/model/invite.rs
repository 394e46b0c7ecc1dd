//! Invitations and their cancellation relayed between domains (seed 8.2, 5.2.3, 6).

use imps_csp::ids::InviteId;

use super::common::{
    AttributeList, Canceling, DeliverTo, GroupIdRef, Inviting, MetaInfo, Responding, ScreenName, User,
};
use crate::codec::ssp_struct;

ssp_struct! {
    /// `ContentID url="…"` (Baraza): shared content (an invitation of type `SC`).
    pub struct ContentId = "ContentID" {
        /// The content's URL.
        pub url: String = attr("url"),
    }
}

ssp_struct! {
    /// `ContentIDList` (Baraza).
    pub struct ContentIdList = "ContentIDList" {
        /// The contents.
        pub content_ids: Vec<ContentId> = child,
    }
}

ssp_struct! {
    /// `Invited` (Baraza): the invitees.
    pub struct Invited = "Invited" {
        /// Users.
        pub users: Vec<User> = child,
        /// Screen names in groups.
        pub screen_names: Vec<ScreenName> = child,
    }
}

ssp_struct! {
    /// `Canceled` (Baraza): whose invitation is cancelled.
    pub struct Canceled = "Canceled" {
        /// Users.
        pub users: Vec<User> = child,
        /// Screen names in groups.
        pub screen_names: Vec<ScreenName> = child,
    }
}

ssp_struct! {
    /// `InviteRequest inviteID= inviteType= validity=` (Baraza): a user invites users of the
    /// receiving domain. The inviter is the `MetaInfo` requestor.
    pub struct InviteRequest = "InviteRequest" {
        /// The invitation (chosen by the inviter).
        pub invite_id: InviteId = attr("inviteID"),
        /// `GR`, `IM`, `PR` or `SC` (CSP `InviteType`).
        pub invite_type: String = attr("inviteType"),
        /// Validity, seconds.
        pub validity: Option<u32> = attr("validity"),
        /// Requestor: the inviter.
        pub meta_info: Option<MetaInfo> = child,
        /// The invitees.
        pub invited: Invited = child,
        /// The group (type `GR`).
        pub group_id: Option<GroupIdRef> = child,
        /// Presence attributes offered (type `PR`).
        pub attribute_list: Option<AttributeList> = child,
        /// Shared content (type `SC`).
        pub content_id_list: Option<ContentIdList> = child,
        /// Why.
        pub invite_note: Option<String> = text_child("InviteNote"),
        /// The inviter's screen name in the group.
        pub screen_name: Option<ScreenName> = child,
    }
}

ssp_struct! {
    /// `InviteUserRequest inviteID= inviteType= validity=` (inferred, CSP `InviteUser-Request`):
    /// an invitation for a user of the receiving domain, from the domain that holds it.
    pub struct InviteUserRequest = "InviteUserRequest" {
        /// The invitation.
        pub invite_id: InviteId = attr("inviteID"),
        /// Type.
        pub invite_type: String = attr("inviteType"),
        /// Validity, seconds.
        pub validity: Option<u32> = attr("validity"),
        /// Requestor (the domain holding the invitation).
        pub meta_info: Option<MetaInfo> = child,
        /// The invitee.
        pub deliver_to: DeliverTo = child,
        /// Who invites.
        pub inviting: Inviting = child,
        /// The group.
        pub group_id: Option<GroupIdRef> = child,
        /// Presence attributes offered.
        pub attribute_list: Option<AttributeList> = child,
        /// Shared content.
        pub content_id_list: Option<ContentIdList> = child,
        /// Why.
        pub invite_note: Option<String> = text_child("InviteNote"),
    }
}

ssp_struct! {
    /// `InviteUserResponse inviteID= acceptance=` (inferred, CSP `InviteUser-Response`): an
    /// invitee's answer, to the domain holding the invitation; answered with `Status`.
    pub struct InviteUserResponse = "InviteUserResponse" {
        /// The invitation.
        pub invite_id: InviteId = attr("inviteID"),
        /// Accepted or not.
        pub acceptance: bool = attr("acceptance"),
        /// Requestor: the invitee.
        pub meta_info: Option<MetaInfo> = child,
        /// Who answers (as invited).
        pub responding: Option<Responding> = child,
        /// Why.
        pub response_note: Option<String> = text_child("ResponseNote"),
        /// The invitee's screen name (group invitations).
        pub screen_name: Option<ScreenName> = child,
    }
}

ssp_struct! {
    /// `InviteResponse inviteID= acceptance=` (Baraza): the answer, for the inviter in the
    /// receiving domain.
    pub struct InviteResponse = "InviteResponse" {
        /// The invitation.
        pub invite_id: InviteId = attr("inviteID"),
        /// Accepted or not.
        pub acceptance: bool = attr("acceptance"),
        /// Requestor (the domain holding the invitation).
        pub meta_info: Option<MetaInfo> = child,
        /// The inviter.
        pub deliver_to: DeliverTo = child,
        /// Who answered.
        pub responding: Responding = child,
        /// Why.
        pub response_note: Option<String> = text_child("ResponseNote"),
    }
}

ssp_struct! {
    /// `CancelInviteRequest inviteID=` (Baraza): the inviter cancels; answered with `Status`.
    pub struct CancelInviteRequest = "CancelInviteRequest" {
        /// The invitation.
        pub invite_id: InviteId = attr("inviteID"),
        /// Requestor: the inviter.
        pub meta_info: Option<MetaInfo> = child,
        /// Whose invitation (all invitees when absent).
        pub canceled: Option<Canceled> = child,
        /// Shared content withdrawn.
        pub content_id_list: Option<ContentIdList> = child,
        /// Why.
        pub cancel_note: Option<String> = text_child("CancelNote"),
        /// The inviter's screen name.
        pub screen_name: Option<ScreenName> = child,
    }
}

ssp_struct! {
    /// `CancelInviteUserRequest inviteID=` (inferred, CSP `CancelInviteUser-Request`): for an
    /// invitee of the receiving domain.
    pub struct CancelInviteUserRequest = "CancelInviteUserRequest" {
        /// The invitation.
        pub invite_id: InviteId = attr("inviteID"),
        /// Requestor (the domain holding the invitation).
        pub meta_info: Option<MetaInfo> = child,
        /// The invitee.
        pub deliver_to: DeliverTo = child,
        /// Who cancels.
        pub canceling: Canceling = child,
        /// Shared content withdrawn.
        pub content_id_list: Option<ContentIdList> = child,
        /// Why.
        pub cancel_note: Option<String> = text_child("CancelNote"),
    }
}
