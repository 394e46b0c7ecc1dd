//! Search and invitation primitives (spec notes 2.2; seed section 8, shared content 6).

use crate::codec::csp_struct;

csp_struct! {
    /// `Search-Request`.
    pub struct SearchRequest {}
}

csp_struct! {
    /// `StopSearch-Request`.
    pub struct StopSearchRequest {}
}

csp_struct! {
    /// `Invite-Request`.
    pub struct InviteRequest {}
}

csp_struct! {
    /// `CancelInvite-Request`.
    pub struct CancelInviteRequest {}
}

csp_struct! {
    /// `Search-Response`.
    pub struct SearchResponse {}
}

csp_struct! {
    /// `Invite-Response`.
    pub struct InviteResponse {}
}

csp_struct! {
    /// `InviteUser-Request`.
    pub struct InviteUserRequest {}
}

csp_struct! {
    /// `CancelInviteUser-Request`.
    pub struct CancelInviteUserRequest {}
}

csp_struct! {
    /// `InviteUser-Response`.
    pub struct InviteUserResponse {}
}
