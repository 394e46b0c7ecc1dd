//! CSP <-> SSP: the home domain's mapping of a client's CSP request to SSP and of the SSP
//! result back (seed 9: "the SAP at Home Domain shall appropriately map the CSP/CLP service
//! request from the client to the SSP service request, and/or map the SSP service result to
//! CSP/CLP service result"), and the same for server-originated deliveries.
//!
//! What SSP cannot carry is dropped: contact lists (they belong to their owner's domain and are
//! expanded there), CSP 1.3 extras (`ApplicationID`, `JoinedBlocked`, `ExtBlock`), `AutoSubscribe`.

use imps_csp::elements::{self as ce, ContentEncoding, CspResult};
use imps_csp::ids::{GroupId, SName, UserId};
use imps_csp::presence::PresenceSubList;
use imps_csp::primitive::{access as ca, common as cc, group as cg, im as cim, presence as cp};
use imps_csp::{Primitive as C, ResultCode};

use crate::model::common::{
    AttributeList, Canceling, ClientId, DeliverTo, DetailedResult, GroupIdRef, Inviting, MessageIdRef, MetaInfo, Party,
    PresenceValue, Recipient, Responding, ScreenName, Sender, Status, User, UserIdRef,
};
use crate::model::{group as sg, im as sim, invite as si, presence as sp, Primitive as S};

// ---- generic elements ----

/// CSP `Result` -> SSP `Status`.
pub fn status_of(r: &CspResult) -> Status {
    Status {
        code: r.code,
        description: r.description.clone(),
        detailed: r
            .detailed_results
            .iter()
            .map(|d| DetailedResult {
                code: d.code,
                description: d.description.clone(),
                user_ids: d.user_ids.iter().cloned().map(UserIdRef::from).collect(),
                group_ids: d.group_ids.iter().map(|g| GroupIdRef { group_id: g.clone() }).collect(),
                screen_names: d.screen_names.iter().map(screen_name).collect(),
                message_ids: d.message_ids.iter().map(|m| MessageIdRef { message_id: m.clone() }).collect(),
                domains: d.domains.iter().map(|x| x.as_str().to_owned()).collect(),
            })
            .collect(),
        try_again_timeout: None,
    }
}

/// SSP `Status` -> CSP `Result`.
pub fn result_of(s: &Status) -> CspResult {
    let mut r = CspResult::new(s.code);
    r.description = s.description.clone();
    r.detailed_results = s
        .detailed
        .iter()
        .map(|d| {
            let mut x = ce::DetailedResult::default();
            x.code = d.code;
            x.description = d.description.clone();
            x.user_ids = d.user_ids.iter().map(|u| u.user_id.clone()).collect();
            x.group_ids = d.group_ids.iter().map(|g| g.group_id.clone()).collect();
            x.screen_names = d.screen_names.iter().map(csp_screen_name).collect();
            x.message_ids = d.message_ids.iter().map(|m| m.message_id.clone()).collect();
            x.domains = d.domains.iter().map(|s| imps_csp::ids::Domain::new(s.clone())).collect();
            x
        })
        .collect();
    r
}

/// A CSP `Status` primitive with this SSP status.
pub fn csp_status(s: &Status) -> C {
    ca::Status::new(result_of(s)).into()
}

fn screen_name(s: &ce::ScreenName) -> ScreenName {
    ScreenName { group_id: s.group_id.clone(), sname: s.sname.clone() }
}

fn csp_screen_name(s: &ScreenName) -> ce::ScreenName {
    let mut x = ce::ScreenName::default();
    x.sname = s.sname.clone();
    x.group_id = s.group_id.clone();
    x
}

fn user(u: &ce::User) -> User {
    User {
        user_id: u.user_id.clone(),
        client_id: u.client_id.as_ref().map(|c| ClientId { url: c.url.clone(), msisdn: c.msisdn.clone() }),
    }
}

fn csp_user(u: &User) -> ce::User {
    let mut x = ce::User::new(u.user_id.clone());
    x.client_id = u.client_id.as_ref().map(|c| {
        let mut id = ce::ClientId::default();
        id.url = c.url.clone();
        id.msisdn = c.msisdn.clone();
        id
    });
    x
}

fn party_of_group(g: &ce::Group) -> Party {
    match g {
        ce::Group::GroupId(id) => Party::Group(GroupIdRef { group_id: id.clone() }),
        ce::Group::ScreenName(s) => Party::ScreenName(screen_name(s)),
    }
}

fn party_of_sender(s: &ce::Sender) -> Party {
    match s {
        ce::Sender::User(u) => Party::User(user(u)),
        ce::Sender::Group(g) => party_of_group(g),
    }
}

fn csp_sender(p: &Party) -> ce::Sender {
    match p {
        Party::User(u) => ce::Sender::User(csp_user(u)),
        Party::Group(g) => ce::Sender::Group(ce::Group::GroupId(g.group_id.clone())),
        Party::ScreenName(s) => ce::Sender::Group(ce::Group::ScreenName(csp_screen_name(s))),
    }
}

fn recipients(r: &ce::Recipient) -> Vec<Recipient> {
    let mut out: Vec<Recipient> = r.users.iter().map(|u| Recipient(Party::User(user(u)))).collect();
    out.extend(r.groups.iter().map(|g| Recipient(party_of_group(g))));
    out
}

fn csp_recipient(rs: &[Recipient]) -> ce::Recipient {
    let mut r = ce::Recipient::default();
    for x in rs {
        match &x.0 {
            Party::User(u) => r.users.push(csp_user(u)),
            Party::Group(g) => r.groups.push(ce::Group::GroupId(g.group_id.clone())),
            Party::ScreenName(s) => r.groups.push(ce::Group::ScreenName(csp_screen_name(s))),
        }
    }
    r
}

fn encoding_name(e: ContentEncoding) -> String {
    e.to_string()
}

fn message_info(m: &cim::MessageInfo) -> sim::MessageInfo {
    sim::MessageInfo {
        message_id: m.message_id.clone(),
        message_uri: m.message_uri.clone(),
        content_type: m.content_type.clone(),
        content_encoding: m.content_encoding.map(encoding_name),
        content_size: Some(m.content_size),
        content_name: m.content_name.clone(),
        validity: m.validity,
        recipients: recipients(&m.recipient),
        sender: Some(Sender(party_of_sender(&m.sender))),
        date_time: m.date_time.map(sim::DateTimeValue::from),
    }
}

fn csp_message_info(m: &sim::MessageInfo) -> cim::MessageInfo {
    let mut x = cim::MessageInfo::default();
    x.message_id = m.message_id.clone();
    x.message_uri = m.message_uri.clone();
    x.content_type = m.content_type.clone();
    x.content_encoding = m.content_encoding.as_deref().and_then(ContentEncoding::parse);
    x.content_size = m.content_size.unwrap_or(0);
    x.content_name = m.content_name.clone();
    x.validity = m.validity;
    x.recipient = csp_recipient(&m.recipients);
    x.sender = m.sender.as_ref().map(|s| csp_sender(&s.0)).unwrap_or_default();
    x.date_time = m.date_time.as_ref().map(|d| d.value);
    x
}

fn content(data: &Option<String>, info: &cim::MessageInfo) -> Option<sim::ContentData> {
    data.as_ref().map(|d| sim::ContentData { content_type: info.content_type.clone(), data: d.clone() })
}

fn properties(ps: &[ce::Property]) -> Vec<sg::Property> {
    ps.iter().map(|p| sg::Property { name: p.name.clone(), value: p.value.clone() }).collect()
}

fn csp_properties(ps: &[sg::Property]) -> Vec<ce::Property> {
    ps.iter()
        .map(|p| {
            let mut x = ce::Property::default();
            x.name = p.name.clone();
            x.value = p.value.clone();
            x
        })
        .collect()
}

fn welcome_note(w: &cg::WelcomeNote) -> sg::WelcomeNote {
    sg::WelcomeNote {
        content_type: w.content_type.clone(),
        encoding: w.content_encoding.map(encoding_name),
        data: w.content_data.clone(),
    }
}

fn csp_welcome_note(w: &sg::WelcomeNote) -> cg::WelcomeNote {
    let mut x = cg::WelcomeNote::default();
    x.content_type = w.content_type.clone();
    x.content_encoding = w.encoding.as_deref().and_then(ContentEncoding::parse);
    x.content_data = w.data.clone();
    x
}

fn group_properties(g: &cg::GroupProperties) -> sg::GroupProperties {
    sg::GroupProperties {
        properties: properties(&g.properties),
        welcome_note: g.welcome_note.as_ref().map(welcome_note),
    }
}

fn csp_group_properties(g: &sg::GroupProperties) -> cg::GroupProperties {
    let mut x = cg::GroupProperties::default();
    x.properties = csp_properties(&g.properties);
    x.welcome_note = g.welcome_note.as_ref().map(csp_welcome_note);
    x
}

fn own_properties(o: &cg::OwnProperties) -> sg::OwnProperties {
    sg::OwnProperties { properties: properties(&o.properties) }
}

fn csp_own_properties(o: &sg::OwnProperties) -> cg::OwnProperties {
    let mut x = cg::OwnProperties::default();
    x.properties = csp_properties(&o.properties);
    x
}

fn csp_user_list(users: &[User], sns: &[ScreenName]) -> ce::UserList {
    let mut l = ce::UserList::default();
    l.users = users.iter().map(csp_user).collect();
    l.screen_names = sns.iter().map(csp_screen_name).collect();
    l
}

fn wrapped(w: &Option<cg::WrappedUserList>) -> Option<(Vec<User>, Vec<ScreenName>)> {
    w.as_ref().map(|w| {
        (w.user_list.users.iter().map(user).collect(), w.user_list.screen_names.iter().map(screen_name).collect())
    })
}

fn csp_wrapped(users: &[User], sns: &[ScreenName]) -> cg::WrappedUserList {
    let mut w = cg::WrappedUserList::default();
    w.user_list = csp_user_list(users, sns);
    w
}

fn mappings(l: &Option<cg::MappingList>) -> Vec<sg::Mapping> {
    l.as_ref()
        .map(|l| {
            l.mappings
                .iter()
                .map(|m| sg::Mapping { name: m.sname.as_str().to_owned(), user_id: m.user_id.clone() })
                .collect()
        })
        .unwrap_or_default()
}

fn csp_mappings(ms: &[sg::Mapping]) -> cg::MappingList {
    let mut l = cg::MappingList::default();
    l.mappings = ms.iter().map(|m| cg::Mapping::new(SName::new(m.name.clone()), m.user_id.clone())).collect();
    l
}

fn presence_values(ps: &[cp::Presence]) -> Vec<PresenceValue> {
    let mut out = Vec::new();
    for p in ps {
        let Some(u) = p.subject.user_id() else { continue };
        if p.sub_lists.is_empty() {
            out.push(PresenceValue { user_id: u.clone(), presence: PresenceSubList::default() });
        }
        for l in &p.sub_lists {
            out.push(PresenceValue { user_id: u.clone(), presence: l.clone() });
        }
    }
    out
}

fn csp_presences(vs: &[PresenceValue]) -> Vec<cp::Presence> {
    let mut out: Vec<cp::Presence> = Vec::new();
    for v in vs {
        match out.last_mut() {
            Some(last) if last.subject.user_id() == Some(&v.user_id) => last.sub_lists.push(v.presence.clone()),
            _ => out.push(cp::Presence::user(v.user_id.clone(), v.presence.clone())),
        }
    }
    out
}

fn content_ids(u: &Option<ce::UrlList>) -> Option<si::ContentIdList> {
    u.as_ref().map(|l| si::ContentIdList {
        content_ids: l.urls.iter().map(|url| si::ContentId { url: url.clone() }).collect(),
    })
}

fn csp_urls(c: &Option<si::ContentIdList>) -> Option<ce::UrlList> {
    c.as_ref().map(|l| {
        let mut u = ce::UrlList::default();
        u.urls = l.content_ids.iter().map(|c| c.url.clone()).collect();
        u
    })
}

fn users_ref(us: &[ce::User]) -> Vec<UserIdRef> {
    us.iter().map(|u| UserIdRef::from(u.user_id.clone())).collect()
}

fn csp_users(us: &[UserIdRef]) -> Vec<ce::User> {
    us.iter().map(|u| ce::User::new(u.user_id.clone())).collect()
}

fn attrs(a: &Option<imps_csp::presence::AttrSet>) -> Option<AttributeList> {
    a.clone().map(AttributeList)
}

fn csp_attrs(a: &Option<AttributeList>) -> Option<imps_csp::presence::AttrSet> {
    a.as_ref().map(|a| a.0.clone())
}

fn group_ref(g: &Option<GroupId>) -> Option<GroupIdRef> {
    g.clone().map(|group_id| GroupIdRef { group_id })
}

// ---- requests ----

/// A client's CSP request as the SSP request relayed on its behalf (`meta` names the
/// requestor and the destination). `None` for requests SSP does not relay (the relay answers
/// them 501).
pub fn request_to_ssp(p: &C, meta: MetaInfo) -> Option<S> {
    let m = Some(meta);
    Some(match p {
        C::SendMessageRequest(r) => S::SendMessageRequest(sim::SendMessageRequest {
            delivery_report: r.delivery_report.unwrap_or(false),
            meta_info: m,
            message_info: message_info(&r.message_info),
            content_data: content(&r.content_data, &r.message_info),
        }),
        C::GetMessageRequest(r) => {
            S::GetMessageRequest(sim::GetMessageRequest { message_id: r.message_id.clone(), meta_info: m })
        }
        C::SubscribePresenceRequest(r) => S::SubscribeRequest(sp::SubscribeRequest {
            meta_info: m,
            users: users_ref(&r.users),
            attribute_list: attrs(&r.presence_sub_list),
        }),
        C::UnsubscribePresenceRequest(r) => {
            S::UnsubscribeRequest(sp::UnsubscribeRequest { meta_info: m, users: users_ref(&r.users) })
        }
        C::GetPresenceRequest(r) => {
            let users = match &r.targets {
                cp::PresenceTargets::Users(us) => users_ref(us),
                cp::PresenceTargets::ContactLists(_) => return None,
            };
            S::GetPresenceRequest(sp::GetPresenceRequest {
                meta_info: m,
                users,
                attribute_list: attrs(&r.presence_sub_list),
            })
        }
        C::UpdatePresenceRequest(r) => {
            let user_id = m.as_ref().and_then(|m| m.user().cloned()).unwrap_or_default();
            S::UpdatePresenceRequest(sp::UpdatePresenceRequest {
                meta_info: m,
                value: PresenceValue { user_id, presence: (*r.presence_sub_list).clone() },
            })
        }
        C::PresenceAuthUser(r) => S::PresenceAuthUser(sp::PresenceAuthUser {
            user_id: r.user_id.clone(),
            acceptance: r.acceptance,
            meta_info: m,
            attribute_list: attrs(&r.presence_sub_list),
        }),
        C::CreateAttributeListRequest(r) => S::CreateAttributeListRequest(sp::CreateAttributeListRequest {
            default_list: r.default_list,
            meta_info: m,
            attribute_list: AttributeList(r.presence_sub_list.clone()),
            users: r.user_ids.iter().cloned().map(UserIdRef::from).collect(),
            contact_lists: r.contact_lists.iter().map(|l| l.as_str().to_owned()).collect(),
        }),
        C::DeleteAttributeListRequest(r) => S::DeleteAttributeListRequest(sp::DeleteAttributeListRequest {
            default_list: r.default_list,
            meta_info: m,
            users: r.user_ids.iter().cloned().map(UserIdRef::from).collect(),
            contact_lists: r.contact_lists.iter().map(|l| l.as_str().to_owned()).collect(),
        }),
        C::JoinGroupRequest(r) => S::JoinGroupRequest(sg::JoinGroupRequest {
            group_id: r.group_id.clone(),
            joined_list_request: r.joined_request,
            subscribe_notif: r.subscribe_notification,
            meta_info: m,
            screen_name: r.screen_name.as_ref().map(screen_name),
            own_properties: r.own_properties.as_ref().map(own_properties),
        }),
        C::LeaveGroupRequest(r) => {
            S::LeaveGroupRequest(sg::LeaveGroupRequest { group_id: r.group_id.clone(), meta_info: m })
        }
        C::GetGroupMembersRequest(r) => {
            S::GetGroupMemberRequest(sg::GetGroupMemberRequest { group_id: r.group_id.clone(), meta_info: m })
        }
        C::AddGroupMembersRequest(r) => S::AddGroupMemberRequest(sg::AddGroupMemberRequest {
            group_id: r.group_id.clone(),
            meta_info: m,
            users: r.user_list.users.iter().map(user).collect(),
            screen_names: r.user_list.screen_names.iter().map(screen_name).collect(),
        }),
        C::RemoveGroupMembersRequest(r) => S::RemoveGroupMemberRequest(sg::RemoveGroupMemberRequest {
            group_id: r.group_id.clone(),
            meta_info: m,
            users: r.user_list.users.iter().map(user).collect(),
            screen_names: r.user_list.screen_names.iter().map(screen_name).collect(),
        }),
        C::MemberAccessRequest(r) => {
            let ordinary = wrapped(&r.users).or_else(|| {
                r.user_list
                    .as_ref()
                    .map(|l| (l.users.iter().map(user).collect(), l.screen_names.iter().map(screen_name).collect()))
            });
            S::MemberAccessRequest(sg::MemberAccessRequest {
                group_id: r.group_id.clone(),
                meta_info: m,
                admins: wrapped(&r.admin).map(|(users, screen_names)| sg::Admins { users, screen_names }),
                moderators: wrapped(&r.moderators).map(|(users, screen_names)| sg::Moderators { users, screen_names }),
                ordinary_users: ordinary.map(|(users, screen_names)| sg::OrdinaryUsers { users, screen_names }),
            })
        }
        C::GetGroupPropsRequest(r) => {
            S::GetGroupPropsRequest(sg::GetGroupPropsRequest { group_id: r.group_id.clone(), meta_info: m })
        }
        C::SetGroupPropsRequest(r) => S::SetGroupPropsRequest(sg::SetGroupPropsRequest {
            group_id: r.group_id.clone(),
            meta_info: m,
            group_properties: r.group_properties.as_ref().map(group_properties),
            own_properties: r.own_properties.as_ref().map(own_properties),
        }),
        C::RejectListRequest(r) => {
            let ids = |l: &cim::EntityList| -> (Vec<UserIdRef>, Vec<ScreenName>) {
                (
                    l.user_ids.iter().cloned().map(UserIdRef::from).collect(),
                    l.screen_names.iter().map(screen_name).collect(),
                )
            };
            S::RejectListRequest(sg::RejectListRequest {
                group_id: r.group_id.clone(),
                meta_info: m,
                add_users: r
                    .add_list
                    .as_ref()
                    .map(ids)
                    .map(|(users, screen_names)| sg::AddUsers { users, screen_names }),
                remove_users: r
                    .remove_list
                    .as_ref()
                    .map(ids)
                    .map(|(users, screen_names)| sg::RemoveUsers { users, screen_names }),
            })
        }
        C::GetJoinedUsersRequest(r) => {
            S::GetJoinedUsersRequest(sg::GetJoinedUsersRequest { group_id: r.group_id.clone(), meta_info: m })
        }
        C::SubscribeGroupNoticeRequest(r) => {
            let group_id = r.group_id.clone();
            match r.subscribe_type {
                cg::SubscribeType::Set => {
                    S::SubscribeGroupChangeRequest(sg::SubscribeGroupChangeRequest { group_id, meta_info: m })
                }
                cg::SubscribeType::Unset => {
                    S::UnsubscribeGroupChangeRequest(sg::UnsubscribeGroupChangeRequest { group_id, meta_info: m })
                }
                cg::SubscribeType::Get => {
                    S::GetGroupSubStatusRequest(sg::GetGroupSubStatusRequest { group_id, meta_info: m })
                }
            }
        }
        C::DeleteGroupRequest(r) => {
            S::DeleteGroupRequest(sg::DeleteGroupRequest { group_id: r.group_id.clone(), meta_info: m })
        }
        C::InviteRequest(r) => S::InviteRequest(si::InviteRequest {
            invite_id: r.invite_id.clone(),
            invite_type: r.invite_type.to_string(),
            validity: r.validity,
            meta_info: m,
            invited: si::Invited {
                users: r.recipient.users.iter().map(user).collect(),
                screen_names: r
                    .recipient
                    .groups
                    .iter()
                    .map(|g| match g {
                        ce::Group::ScreenName(s) => screen_name(s),
                        // A whole group is invited as the screen name-less group entry.
                        ce::Group::GroupId(id) => ScreenName { group_id: id.clone(), sname: SName::default() },
                    })
                    .collect(),
            },
            group_id: group_ref(&r.group_id),
            attribute_list: attrs(&r.presence_attrs),
            content_id_list: content_ids(&r.url_list),
            invite_note: r.invite_note.clone(),
            screen_name: r.screen_name.as_ref().map(screen_name),
        }),
        C::InviteUserResponse(r) => S::InviteUserResponse(si::InviteUserResponse {
            invite_id: r.invite_id.clone(),
            acceptance: r.acceptance,
            meta_info: m,
            responding: r.sender.as_ref().map(|s| Responding(party_of_sender(s))),
            response_note: r.response_note.clone(),
            screen_name: r.screen_name.as_ref().map(screen_name),
        }),
        C::CancelInviteRequest(r) => S::CancelInviteRequest(si::CancelInviteRequest {
            invite_id: r.invite_id.clone(),
            meta_info: m,
            canceled: r.recipient.as_ref().map(|rec| si::Canceled {
                users: rec.users.iter().map(user).collect(),
                screen_names: rec
                    .groups
                    .iter()
                    .filter_map(|g| match g {
                        ce::Group::ScreenName(s) => Some(screen_name(s)),
                        ce::Group::GroupId(_) => None,
                    })
                    .collect(),
            }),
            content_id_list: content_ids(&r.url_list),
            cancel_note: r.invite_note.clone(),
            screen_name: r.screen_name.as_ref().map(screen_name),
        }),
        _ => return None,
    })
}

/// An SSP request relayed by another domain, as the CSP request to run for its user.
/// `None` for primitives that are not relayed requests.
pub fn request_to_csp(p: &S) -> Option<C> {
    Some(match p {
        S::SendMessageRequest(r) => {
            let mut x = cim::SendMessageRequest::default();
            x.delivery_report = Some(r.delivery_report);
            x.message_info = csp_message_info(&r.message_info);
            x.content_data = r.content_data.as_ref().map(|c| c.data.clone());
            x.into()
        }
        S::GetMessageRequest(r) => {
            let mut x = cim::GetMessageRequest::default();
            x.message_id = r.message_id.clone();
            x.into()
        }
        S::SubscribeRequest(r) => {
            let mut x = cp::SubscribePresenceRequest::default();
            x.users = csp_users(&r.users);
            x.presence_sub_list = csp_attrs(&r.attribute_list);
            x.into()
        }
        S::UnsubscribeRequest(r) => {
            let mut x = cp::UnsubscribePresenceRequest::default();
            x.users = csp_users(&r.users);
            x.into()
        }
        S::GetPresenceRequest(r) => {
            let mut x = cp::GetPresenceRequest::users(r.users.iter().map(|u| u.user_id.clone()));
            x.presence_sub_list = csp_attrs(&r.attribute_list);
            x.into()
        }
        S::UpdatePresenceRequest(r) => {
            let mut x = cp::UpdatePresenceRequest::default();
            *x.presence_sub_list = r.value.presence.clone();
            x.into()
        }
        S::PresenceAuthUser(r) => {
            let mut x = cp::PresenceAuthUser::default();
            x.user_id = r.user_id.clone();
            x.acceptance = r.acceptance;
            x.presence_sub_list = csp_attrs(&r.attribute_list);
            x.into()
        }
        S::CreateAttributeListRequest(r) => {
            let mut x = imps_csp::primitive::lists::CreateAttributeListRequest::default();
            x.presence_sub_list = r.attribute_list.0.clone();
            x.user_ids = r.users.iter().map(|u| u.user_id.clone()).collect();
            x.contact_lists = r.contact_lists.iter().map(|l| l.as_str().into()).collect();
            x.default_list = r.default_list;
            x.into()
        }
        S::DeleteAttributeListRequest(r) => {
            let mut x = imps_csp::primitive::lists::DeleteAttributeListRequest::default();
            x.user_ids = r.users.iter().map(|u| u.user_id.clone()).collect();
            x.contact_lists = r.contact_lists.iter().map(|l| l.as_str().into()).collect();
            x.default_list = r.default_list;
            x.into()
        }
        S::JoinGroupRequest(r) => {
            let mut x = cg::JoinGroupRequest::new(r.group_id.clone());
            x.screen_name = r.screen_name.as_ref().map(csp_screen_name);
            x.joined_request = r.joined_list_request;
            x.subscribe_notification = r.subscribe_notif;
            x.own_properties = r.own_properties.as_ref().map(csp_own_properties);
            x.into()
        }
        S::LeaveGroupRequest(r) => {
            let mut x = cg::LeaveGroupRequest::default();
            x.group_id = r.group_id.clone();
            x.into()
        }
        S::GetGroupMemberRequest(r) => {
            let mut x = cg::GetGroupMembersRequest::default();
            x.group_id = r.group_id.clone();
            x.into()
        }
        S::AddGroupMemberRequest(r) => {
            let mut x = cg::AddGroupMembersRequest::default();
            x.group_id = r.group_id.clone();
            x.user_list = csp_user_list(&r.users, &r.screen_names);
            x.into()
        }
        S::RemoveGroupMemberRequest(r) => {
            let mut x = cg::RemoveGroupMembersRequest::default();
            x.group_id = r.group_id.clone();
            x.user_list = csp_user_list(&r.users, &r.screen_names);
            x.into()
        }
        S::MemberAccessRequest(r) => {
            let mut x = cg::MemberAccessRequest::default();
            x.group_id = r.group_id.clone();
            x.admin = r.admins.as_ref().map(|l| csp_wrapped(&l.users, &l.screen_names));
            x.moderators = r.moderators.as_ref().map(|l| csp_wrapped(&l.users, &l.screen_names));
            x.users = r.ordinary_users.as_ref().map(|l| csp_wrapped(&l.users, &l.screen_names));
            x.into()
        }
        S::GetGroupPropsRequest(r) => {
            let mut x = cg::GetGroupPropsRequest::default();
            x.group_id = r.group_id.clone();
            x.into()
        }
        S::SetGroupPropsRequest(r) => {
            let mut x = cg::SetGroupPropsRequest::default();
            x.group_id = r.group_id.clone();
            x.group_properties = r.group_properties.as_ref().map(csp_group_properties);
            x.own_properties = r.own_properties.as_ref().map(csp_own_properties);
            x.into()
        }
        S::RejectListRequest(r) => {
            let ids = |users: &[UserIdRef], sns: &[ScreenName]| {
                let mut l = cim::EntityList::default();
                l.user_ids = users.iter().map(|u| u.user_id.clone()).collect();
                l.screen_names = sns.iter().map(csp_screen_name).collect();
                l
            };
            let mut x = cg::RejectListRequest::default();
            x.group_id = r.group_id.clone();
            x.add_list = r.add_users.as_ref().map(|l| ids(&l.users, &l.screen_names));
            x.remove_list = r.remove_users.as_ref().map(|l| ids(&l.users, &l.screen_names));
            x.into()
        }
        S::GetJoinedUsersRequest(r) => {
            let mut x = cg::GetJoinedUsersRequest::default();
            x.group_id = r.group_id.clone();
            x.into()
        }
        S::SubscribeGroupChangeRequest(r) => sub_notice(&r.group_id, cg::SubscribeType::Set),
        S::UnsubscribeGroupChangeRequest(r) => sub_notice(&r.group_id, cg::SubscribeType::Unset),
        S::GetGroupSubStatusRequest(r) => sub_notice(&r.group_id, cg::SubscribeType::Get),
        S::DeleteGroupRequest(r) => {
            let mut x = cg::DeleteGroupRequest::default();
            x.group_id = r.group_id.clone();
            x.into()
        }
        S::InviteRequest(r) => {
            let mut x = cc::InviteRequest::default();
            x.invite_id = r.invite_id.clone();
            x.invite_type = cc::InviteType::parse(&r.invite_type)?;
            x.validity = r.validity;
            x.recipient.users = r.invited.users.iter().map(csp_user).collect();
            x.recipient.groups = r
                .invited
                .screen_names
                .iter()
                .map(|s| {
                    if s.sname.as_str().is_empty() {
                        ce::Group::GroupId(s.group_id.clone())
                    } else {
                        ce::Group::ScreenName(csp_screen_name(s))
                    }
                })
                .collect();
            x.group_id = r.group_id.as_ref().map(|g| g.group_id.clone());
            x.presence_attrs = csp_attrs(&r.attribute_list);
            x.url_list = csp_urls(&r.content_id_list);
            x.invite_note = r.invite_note.clone();
            x.screen_name = r.screen_name.as_ref().map(csp_screen_name);
            x.into()
        }
        S::InviteUserResponse(r) => {
            let mut x = cc::InviteUserResponse::default();
            x.invite_id = r.invite_id.clone();
            x.acceptance = r.acceptance;
            x.sender = r.responding.as_ref().map(|s| csp_sender(&s.0));
            x.response_note = r.response_note.clone();
            x.screen_name = r.screen_name.as_ref().map(csp_screen_name);
            x.into()
        }
        S::CancelInviteRequest(r) => {
            let mut x = cc::CancelInviteRequest::default();
            x.invite_id = r.invite_id.clone();
            x.recipient = r.canceled.as_ref().map(|c| {
                let mut rec = ce::Recipient::default();
                rec.users = c.users.iter().map(csp_user).collect();
                rec.groups = c.screen_names.iter().map(|s| ce::Group::ScreenName(csp_screen_name(s))).collect();
                rec
            });
            x.invite_note = r.cancel_note.clone();
            x.url_list = csp_urls(&r.content_id_list);
            x.screen_name = r.screen_name.as_ref().map(csp_screen_name);
            x.into()
        }
        _ => return None,
    })
}

fn sub_notice(g: &GroupId, t: cg::SubscribeType) -> C {
    let mut x = cg::SubscribeGroupNoticeRequest::default();
    x.group_id = g.clone();
    x.subscribe_type = t;
    x.into()
}

// ---- responses ----

/// The CSP answer to a relayed request as the SSP response for `request` (the SSP request
/// it answers). A CSP `Status` becomes an SSP `Status`.
pub fn response_to_ssp(request: &S, p: &C) -> S {
    let ok = || Status::new(ResultCode::SUCCESSFUL);
    match (request, p) {
        (_, C::Status(s)) => S::Status(status_of(&s.result)),
        (S::SendMessageRequest(_), C::SendMessageResponse(r)) => S::SendMessageResponse(sim::SendMessageResponse {
            message_id: r.message_id.clone(),
            status: status_of(&r.result),
        }),
        (S::GetMessageRequest(_), C::GetMessageResponse(r)) => S::GetMessageResponse(sim::GetMessageResponse {
            status: ok(),
            message_info: Some(message_info(&r.message_info)),
            content_data: content(&r.content_data, &r.message_info),
        }),
        (S::GetPresenceRequest(_), C::GetPresenceResponse(r)) => S::GetPresenceResponse(sp::GetPresenceResponse {
            status: status_of(&r.result),
            values: presence_values(&r.presences),
        }),
        (S::JoinGroupRequest(_), C::JoinGroupResponse(r)) => {
            let mut ms = r.user_map_list.as_ref().map(|l| mappings(&l.user_mapping)).unwrap_or_default();
            if let Some(l) = &r.user_list {
                ms.extend(
                    l.screen_names.iter().map(|s| sg::Mapping { name: s.sname.as_str().to_owned(), user_id: None }),
                );
                ms.extend(
                    l.users
                        .iter()
                        .map(|u| sg::Mapping { name: u.user_id.as_str().to_owned(), user_id: Some(u.user_id.clone()) }),
                );
            }
            let joined = r.user_map_list.is_some() || r.user_list.is_some();
            S::JoinGroupResponse(sg::JoinGroupResponse {
                status: ok(),
                welcome_note: r.welcome_note.as_ref().map(welcome_note),
                joined_list: joined.then_some(sg::JoinedList { mappings: ms }),
            })
        }
        (S::LeaveGroupRequest(_), C::LeaveGroupResponse(r)) => {
            S::LeaveGroupResponse(sg::LeaveGroupResponse { group_id: r.group_id.clone(), status: status_of(&r.result) })
        }
        (S::GetGroupMemberRequest(_), C::GetGroupMembersResponse(r)) => {
            let ordinary = wrapped(&r.users).or_else(|| {
                r.user_list
                    .as_ref()
                    .map(|l| (l.users.iter().map(user).collect(), l.screen_names.iter().map(screen_name).collect()))
            });
            S::GetGroupMemberResponse(sg::GetGroupMemberResponse {
                status: ok(),
                admins: wrapped(&r.admin).map(|(users, screen_names)| sg::Admins { users, screen_names }),
                moderators: wrapped(&r.moderators).map(|(users, screen_names)| sg::Moderators { users, screen_names }),
                ordinary_users: ordinary.map(|(users, screen_names)| sg::OrdinaryUsers { users, screen_names }),
            })
        }
        (S::GetGroupPropsRequest(_), C::GetGroupPropsResponse(r)) => {
            S::GetGroupPropsResponse(sg::GetGroupPropsResponse {
                status: ok(),
                group_properties: Some(group_properties(&r.group_properties)),
                own_properties: Some(own_properties(&r.own_properties)),
            })
        }
        (S::RejectListRequest(_), C::RejectListResponse(r)) => S::RejectListResponse(sg::RejectListResponse {
            status: ok(),
            reject_list: r.user_list.as_ref().map(|l| sg::RejectList {
                users: l.users.iter().map(user).collect(),
                screen_names: l.screen_names.iter().map(screen_name).collect(),
            }),
        }),
        (S::GetJoinedUsersRequest(_), C::GetJoinedUsersResponse(r)) => {
            let (admin, moderator, users) = match r {
                cg::GetJoinedUsersResponse::AdminMapList(l) => (
                    Some(sg::JoinedAdmin { mappings: mappings(&l.admin_mapping) }),
                    Some(sg::JoinedModerator { mappings: mappings(&l.mod_mapping) }),
                    sg::JoinedUsers { mappings: mappings(&l.user_mapping) },
                ),
                cg::GetJoinedUsersResponse::UserMapList(l) => {
                    (None, None, sg::JoinedUsers { mappings: mappings(&l.user_mapping) })
                }
            };
            S::GetJoinedUsersResponse(sg::GetJoinedUsersResponse {
                status: ok(),
                joined_admin: admin,
                joined_moderator: moderator,
                joined_users: Some(users),
            })
        }
        (S::GetGroupSubStatusRequest(_), C::SubscribeGroupNoticeResponse(r)) => {
            S::GetGroupSubStatusResponse(sg::GetGroupSubStatusResponse {
                subscribed: r.value.trim().eq_ignore_ascii_case("T"),
                status: ok(),
            })
        }
        // Anything else answers with its result, if it has one.
        (_, other) => S::Status(match other {
            C::SendMessageResponse(r) => status_of(&r.result),
            C::GetPresenceResponse(r) => status_of(&r.result),
            C::LeaveGroupResponse(r) => status_of(&r.result),
            _ => ok(),
        }),
    }
}

/// The SSP answer to a relayed request as the CSP response to the client's `request`.
pub fn response_to_csp(request: &C, p: &S) -> C {
    let failed = p.status().filter(|s| !s.is_success()).cloned();
    match (request, p) {
        (C::SendMessageRequest(_), S::SendMessageResponse(r)) => {
            cim::SendMessageResponse::new(result_of(&r.status), r.message_id.clone()).into()
        }
        (C::SendMessageRequest(_), S::Status(s)) => cim::SendMessageResponse::new(result_of(s), None).into(),
        (C::GetPresenceRequest(_), S::GetPresenceResponse(r)) => {
            cp::GetPresenceResponse::new(result_of(&r.status), csp_presences(&r.values)).into()
        }
        (C::GetPresenceRequest(_), S::Status(s)) => cp::GetPresenceResponse::new(result_of(s), Vec::new()).into(),
        (C::LeaveGroupRequest(q), S::LeaveGroupResponse(r)) => {
            cg::LeaveGroupResponse::new(r.group_id.clone().or_else(|| Some(q.group_id.clone())), result_of(&r.status))
                .into()
        }
        (C::LeaveGroupRequest(q), S::Status(s)) => {
            cg::LeaveGroupResponse::new(Some(q.group_id.clone()), result_of(s)).into()
        }
        (_, _) if failed.is_some() => csp_status(failed.as_ref().expect("checked")),
        (C::GetMessageRequest(_), S::GetMessageResponse(r)) => {
            let mut x = cim::GetMessageResponse::default();
            x.message_info = r.message_info.as_ref().map(csp_message_info).unwrap_or_default();
            x.content_data = r.content_data.as_ref().map(|c| c.data.clone());
            x.into()
        }
        (C::JoinGroupRequest(_), S::JoinGroupResponse(r)) => {
            let mut x = cg::JoinGroupResponse::default();
            x.welcome_note = r.welcome_note.as_ref().map(csp_welcome_note);
            x.user_map_list = r.joined_list.as_ref().map(|l| {
                let mut u = cg::UserMapList::default();
                u.user_mapping = Some(csp_mappings(&l.mappings));
                u
            });
            x.into()
        }
        (C::GetGroupMembersRequest(_), S::GetGroupMemberResponse(r)) => {
            let mut x = cg::GetGroupMembersResponse::default();
            x.admin = r.admins.as_ref().map(|l| csp_wrapped(&l.users, &l.screen_names));
            x.moderators = r.moderators.as_ref().map(|l| csp_wrapped(&l.users, &l.screen_names));
            x.users = r.ordinary_users.as_ref().map(|l| csp_wrapped(&l.users, &l.screen_names));
            x.into()
        }
        (C::GetGroupPropsRequest(_), S::GetGroupPropsResponse(r)) => {
            let mut x = cg::GetGroupPropsResponse::default();
            x.group_properties = r.group_properties.as_ref().map(csp_group_properties).unwrap_or_default();
            x.own_properties = r.own_properties.as_ref().map(csp_own_properties).unwrap_or_default();
            x.into()
        }
        (C::RejectListRequest(_), S::RejectListResponse(r)) => {
            let mut x = cg::RejectListResponse::default();
            x.user_list = r.reject_list.as_ref().map(|l| csp_user_list(&l.users, &l.screen_names));
            x.into()
        }
        (C::GetJoinedUsersRequest(_), S::GetJoinedUsersResponse(r)) => {
            let users = r.joined_users.as_ref().map(|l| csp_mappings(&l.mappings));
            if r.joined_admin.is_some() || r.joined_moderator.is_some() {
                let mut l = cg::AdminMapList::default();
                l.admin_mapping = r.joined_admin.as_ref().map(|l| csp_mappings(&l.mappings));
                l.mod_mapping = r.joined_moderator.as_ref().map(|l| csp_mappings(&l.mappings));
                l.user_mapping = users;
                cg::GetJoinedUsersResponse::AdminMapList(l).into()
            } else {
                let mut l = cg::UserMapList::default();
                l.user_mapping = users;
                cg::GetJoinedUsersResponse::UserMapList(l).into()
            }
        }
        (C::SubscribeGroupNoticeRequest(_), S::GetGroupSubStatusResponse(r)) => {
            let mut x = cg::SubscribeGroupNoticeResponse::default();
            x.value = if r.subscribed { "T" } else { "F" }.into();
            x.into()
        }
        (_, other) => match other.status() {
            Some(s) => csp_status(s),
            None => csp_status(&Status::new(ResultCode::INTERNAL_SERVER_ERROR)),
        },
    }
}

// ---- deliveries ----

/// A server-originated CSP primitive queued for a remote user's session, as the SSP delivery
/// to the user's domain. `None` for what is not delivered across domains (`Disconnect`, and
/// responses).
pub fn delivery_to_ssp(p: &C, to: &UserId, meta: MetaInfo) -> Option<S> {
    let m = Some(meta);
    let deliver_to = DeliverTo::from(to.clone());
    Some(match p {
        C::NewMessage(r) => S::NewMessage(sim::NewMessage {
            meta_info: m,
            deliver_to,
            message_info: message_info(&r.message_info),
            content_data: content(&r.content_data, &r.message_info),
        }),
        C::MessageNotification(r) => S::MessageNotification(sim::MessageNotification {
            meta_info: m,
            deliver_to,
            message_info: message_info(&r.message_info),
        }),
        C::DeliveryReportRequest(r) => S::DeliveryStatusReport(sim::DeliveryStatusReport {
            meta_info: m,
            deliver_to,
            message_info: message_info(&r.message_info),
            delivery_result: sim::DeliveryResult { status: status_of(&r.result) },
            delivery_time: r.delivery_time.map(|value| sim::DeliveryTime { format: Some("iso8601".into()), value }),
        }),
        C::PresenceNotificationRequest(r) => S::PresenceNotification(sp::PresenceNotification {
            meta_info: m,
            deliver_to,
            values: presence_values(&r.presences),
        }),
        C::PresenceAuthRequest(r) => S::PresenceAuthRequest(sp::PresenceAuthRequest {
            user_id: r.user_id.clone(),
            meta_info: m,
            deliver_to,
            attribute_list: attrs(&r.presence_sub_list),
        }),
        C::GroupChangeNotice(r) => {
            let joined = r.joined.as_ref().map(|j| {
                let mut ms = j.user_map_list.as_ref().map(|l| mappings(&l.user_mapping)).unwrap_or_default();
                ms.extend(
                    j.screen_names.iter().map(|s| sg::Mapping { name: s.sname.as_str().to_owned(), user_id: None }),
                );
                sg::Joined { mappings: ms }
            });
            let left = r.left.as_ref().map(|l| {
                let mut out = sg::Left::default();
                if let Some(ul) = &l.user_list {
                    out.users = ul.users.iter().map(user).collect();
                    out.screen_names = ul.screen_names.iter().map(screen_name).collect();
                }
                out.screen_names.extend(l.screen_names.iter().map(screen_name));
                out
            });
            S::GroupChangeNotice(sg::GroupChangeNotice {
                group_id: r.group_id.clone(),
                meta_info: m,
                deliver_to,
                joined,
                left,
                group_properties: r.group_properties.as_ref().map(group_properties),
                own_properties: r.own_properties.as_ref().map(own_properties),
            })
        }
        C::LeaveGroupResponse(r) => S::LeaveGroupIndication(sg::LeaveGroupIndication {
            group_id: r.group_id.clone(),
            meta_info: m,
            deliver_to,
            status: status_of(&r.result),
        }),
        C::InviteUserRequest(r) => S::InviteUserRequest(si::InviteUserRequest {
            invite_id: r.invite_id.clone(),
            invite_type: r.invite_type.to_string(),
            validity: r.validity,
            meta_info: m,
            deliver_to,
            inviting: Inviting(party_of_sender(&r.sender)),
            group_id: group_ref(&r.group_id),
            attribute_list: attrs(&r.presence_attrs),
            content_id_list: content_ids(&r.url_list),
            invite_note: r.invite_note.clone(),
        }),
        C::InviteResponse(r) => S::InviteResponse(si::InviteResponse {
            invite_id: r.invite_id.clone(),
            acceptance: r.acceptance,
            meta_info: m,
            deliver_to,
            responding: Responding(party_of_sender(&r.sender)),
            response_note: r.response_note.clone(),
        }),
        C::CancelInviteUserRequest(r) => S::CancelInviteUserRequest(si::CancelInviteUserRequest {
            invite_id: r.invite_id.clone(),
            meta_info: m,
            deliver_to,
            canceling: Canceling(party_of_sender(&r.sender)),
            content_id_list: content_ids(&r.url_list),
            cancel_note: r.invite_note.clone(),
        }),
        _ => return None,
    })
}

/// An SSP delivery as the user it is for and the CSP primitive for the user's sessions.
pub fn delivery_to_csp(p: &S) -> Option<(UserId, C)> {
    Some(match p {
        S::NewMessage(r) => {
            let mut x = cim::NewMessage::default();
            x.message_info = csp_message_info(&r.message_info);
            x.content_data = r.content_data.as_ref().map(|c| c.data.clone());
            (r.deliver_to.user_id.clone(), x.into())
        }
        S::MessageNotification(r) => {
            let mut x = cim::MessageNotification::default();
            x.message_info = csp_message_info(&r.message_info);
            (r.deliver_to.user_id.clone(), x.into())
        }
        S::DeliveryStatusReport(r) => {
            let mut x = cim::DeliveryReportRequest::default();
            x.result = result_of(&r.delivery_result.status);
            x.delivery_time = r.delivery_time.as_ref().map(|d| d.value);
            x.message_info = csp_message_info(&r.message_info);
            (r.deliver_to.user_id.clone(), x.into())
        }
        S::PresenceNotification(r) => (
            r.deliver_to.user_id.clone(),
            cp::PresenceNotificationRequest::from_presences(csp_presences(&r.values)).into(),
        ),
        S::PresenceAuthRequest(r) => {
            let mut x = cp::PresenceAuthRequest::default();
            x.user_id = r.user_id.clone();
            x.presence_sub_list = csp_attrs(&r.attribute_list);
            (r.deliver_to.user_id.clone(), x.into())
        }
        S::GroupChangeNotice(r) => {
            let mut x = cg::GroupChangeNotice::default();
            x.group_id = r.group_id.clone();
            x.joined = r.joined.as_ref().map(|j| cg::Joined::mapped(csp_mappings(&j.mappings).mappings));
            x.left = r.left.as_ref().map(|l| cg::Left::user_list(csp_user_list(&l.users, &l.screen_names)));
            x.group_properties = r.group_properties.as_ref().map(csp_group_properties);
            x.own_properties = r.own_properties.as_ref().map(csp_own_properties);
            (r.deliver_to.user_id.clone(), x.into())
        }
        S::LeaveGroupIndication(r) => {
            (r.deliver_to.user_id.clone(), cg::LeaveGroupResponse::new(r.group_id.clone(), result_of(&r.status)).into())
        }
        S::InviteUserRequest(r) => {
            let mut x = cc::InviteUserRequest::default();
            x.invite_id = r.invite_id.clone();
            x.invite_type = cc::InviteType::parse(&r.invite_type)?;
            x.sender = csp_sender(&r.inviting.0);
            x.group_id = r.group_id.as_ref().map(|g| g.group_id.clone());
            x.presence_attrs = csp_attrs(&r.attribute_list);
            x.url_list = csp_urls(&r.content_id_list);
            x.invite_note = r.invite_note.clone();
            x.validity = r.validity;
            (r.deliver_to.user_id.clone(), x.into())
        }
        S::InviteResponse(r) => {
            let mut x = cc::InviteResponse::default();
            x.invite_id = r.invite_id.clone();
            x.acceptance = r.acceptance;
            x.sender = csp_sender(&r.responding.0);
            x.response_note = r.response_note.clone();
            (r.deliver_to.user_id.clone(), x.into())
        }
        S::CancelInviteUserRequest(r) => {
            let mut x = cc::CancelInviteUserRequest::default();
            x.invite_id = r.invite_id.clone();
            x.sender = csp_sender(&r.canceling.0);
            x.invite_note = r.cancel_note.clone();
            x.url_list = csp_urls(&r.content_id_list);
            (r.deliver_to.user_id.clone(), x.into())
        }
        _ => return None,
    })
}
