//! Groups (seed section 5; spec notes 2.6): public and private groups, joining with screen names,
//! members and roles, properties, reject lists, change notices.
//!
//! # Model
//!
//! A [`GroupRecord`] is what outlives sessions: the group's id, its owner (`None` for a public
//! group, seed 5.1.2), its properties (with the welcome note), the members' list with roles, the
//! members' own properties, the reject list, and its expiry. Everything about who is in the
//! group *now* (joined sessions and their screen names, notice subscriptions, own properties of
//! joined non-members, invitation passes) lives beside it in memory and dies with the sessions.
//!
//! Group ids are canonical everywhere: [`GroupId::normalized`] (the `wv:` scheme, lower case),
//! with the server's domain appended when the id has none; so `wv:Alice/Chess` and
//! `wv:alice/chess@example.com` are the same group, and every answer names a group by its
//! canonical id (except `LeaveGroup-Response`, which echoes the request).
//!
//! # Roles and who may do what
//!
//! | Operation | Who | Refusal |
//! |---|---|---|
//! | `CreateGroup` | any user, in its own namespace | 402, 516, 801, 806, 814, 815 |
//! | `DeleteGroup` | owner or admin; never a public group | 816, 804 |
//! | `JoinGroup` | anyone not rejected; members only when `AccessType=Restricted` | 809, 431, 807, 811, 817 |
//! | `Add/RemoveGroupMembers`, `MemberAccess` | owner or admin | 816 |
//! | `GetGroupMembers` | owner, admin or moderator | 816 |
//! | `RejectList` | owner, admin or moderator (moderators cannot reject admins or moderators) | 816 |
//! | `SetGroupProps` group properties | owner or admin | 816 |
//! | `SetGroupProps` own properties | the user itself, if member or joined | 810 |
//! | `GetGroupProps` | anyone for an open group; members and joined users otherwise | 810 |
//! | `GetJoinedUsers` | joined users, owner, admins, moderators | 808 |
//! | `SubscribeGroupNotice` | a joined session (subscriptions are per session) | 808 |
//!
//! The owner is an administrator that cannot be demoted, removed or rejected (816). A public
//! group has no owner and, unless the configuration is changed, no administrators: nobody
//! manages it through CSP.
//!
//! An invitation (seed 5.2.3, 8.2) from the owner, an administrator or a moderator lets its
//! invitee into a restricted group once ([`Engine::group_invitation_accepted`]); other
//! invitations grant nothing beyond the group's own rules.
//!
//! # Anonymity (seed 5: "they may pick up a suitable screen name … to maintain anonymity")
//!
//! A user who joins with a screen name is known in the group by that name only: no answer,
//! notice, search entry or list reveals the user id behind it, to anybody, administrators
//! included, unless the user itself sets its own property `ShowID=T`; group and private
//! messages name such a sender by its screen name ([`Engine::group_message_targets`] and
//! [`Engine::group_private_target`] hand it to the messaging feature).
//! Administrators and moderators act on anonymous users through their screen names (reject
//! list); member-list operations take user ids only, since the members' list shows user ids and
//! a screen-name entry there would link the two. Lists are ordered by screen name, never by user
//! id (an order by user id would leak). A user who joins without a screen name is known by its
//! user id, which then also serves as its `SName` where the protocol needs one; screen names
//! starting with `wv:` are refused (402) so nobody can pose as a user id.
//!
//! The one link the server cannot hide: an administrator who removes or rejects a *user id*
//! sees the consequence (the forced leave, a `Left` notice under the screen name).
//!
//! # What is not implemented
//!
//! `AutoJoin` (group and own property) is validated and stored but nobody is joined
//! automatically at login; the group property `ShowID` is validated and stored but identity is
//! shown per user (own `ShowID`), never by group decision. Change notices for 1.3 use the 1.2
//! forms (`Joined`, `Left`), never `JoinedBlocked`/`LeftBlocked`.

use std::collections::{BTreeMap, BTreeSet};

use imps_csp::elements::{CspResult, DetailedResult, Property, ScreenName, User, UserList};
use imps_csp::ids::{GroupId, SName, SessionId, UserId};
use imps_csp::primitive::group::{
    AccessType, AddGroupMembersRequest, AdminMapList, CreateGroupRequest, DeleteGroupRequest, GetGroupMembersRequest,
    GetGroupMembersResponse, GetGroupPropsRequest, GetGroupPropsResponse, GetJoinedUsersRequest,
    GetJoinedUsersResponse, GroupChangeNotice, GroupProperties, GroupType, JoinGroupRequest, JoinGroupResponse, Joined,
    LeaveGroupRequest, LeaveGroupResponse, Left, Mapping, MappingList, MemberAccessRequest, OwnProperties,
    PrivilegeLevel, RejectListRequest, RejectListResponse, RemoveGroupMembersRequest, SetGroupPropsRequest,
    SubscribeGroupNoticeRequest, SubscribeGroupNoticeResponse, SubscribeType, UserMapList, WelcomeNote,
    WrappedUserList,
};
use imps_csp::{Primitive, ResultCode, Version};
use serde::{Deserialize, Serialize};

use super::config::{PublicGroupConfig, ServerConfig};
use super::engine::{status, Awaiting, Ctx, Engine, Output, RequestLog};
use super::storage::Storage;
use crate::random::Random;
use crate::Timestamp;

/// Longest screen name, in characters.
pub(crate) const MAX_SCREEN_NAME_CHARS: usize = 64;
/// Longest group id, in bytes.
const MAX_GROUP_ID_BYTES: usize = 256;
/// Group properties per group (known and unknown names together).
const MAX_GROUP_PROPERTIES: usize = 32;
/// Own properties per user and group.
const MAX_OWN_PROPERTIES: usize = 16;
/// Longest property (name and value), in bytes.
const MAX_PROPERTY_BYTES: usize = 1024;
/// Longest welcome note content, in bytes.
const MAX_WELCOME_NOTE_BYTES: usize = 8 * 1024;

/// One joined user a group message goes to (group messages reach joined users only, seed 5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GroupDelivery {
    /// The joined user.
    pub user: UserId,
    /// The session it joined from.
    pub session: SessionId,
    /// The screen name it joined with, if any.
    pub screen_name: Option<SName>,
}

/// What search (seed 8.1) may see of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GroupSearchEntry {
    pub id: GroupId,
    pub name: Option<String>,
    pub topic: Option<String>,
    pub owner: Option<UserId>,
    /// Joined users who are known by their user id (joined without a screen name, or showing
    /// their id with own property `ShowID=T`): users behind screen names are never listed, so
    /// "groups where X is joined" does not unmask X.
    pub joined: Vec<UserId>,
    /// `Searchable` property: groups that are not searchable are found by nobody but members.
    pub searchable: bool,
}

/// One entry of a group's reject list (seed 5.3.5).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RejectEntry {
    /// The rejected user (normalised).
    pub user: UserId,
    /// The screen name it was rejected by, when an administrator named it by screen name: the
    /// entry is then shown and removed by that name only, so the list never links the two.
    pub screen_name: Option<SName>,
}

/// What the server stores per group.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupRecord {
    /// Canonical group id (the storage key).
    pub id: GroupId,
    /// The creator of a private group; `None` for a public group (seed 5.1.2).
    pub owner: Option<UserId>,
    /// Group properties (`Type` is always present and set by the server) with the welcome note.
    pub properties: GroupProperties,
    /// The members' list with roles (the owner is in it as `Admin`).
    pub members: BTreeMap<UserId, PrivilegeLevel>,
    /// Members' own properties (`IsMember` and `PrivilegeLevel` are computed, never stored).
    pub own_properties: BTreeMap<UserId, Vec<Property>>,
    /// The reject list.
    pub reject: Vec<RejectEntry>,
    /// Creation time.
    pub created: Timestamp,
    /// When the group is deleted (its `Validity` property), if ever.
    pub expires: Option<Timestamp>,
}

impl GroupRecord {
    /// Whether this is a public (service-provider) group.
    pub fn is_public(&self) -> bool {
        self.owner.is_none()
    }

    /// A user's role: the owner is an administrator; `None` for non-members.
    pub fn role_of(&self, user: &UserId) -> Option<PrivilegeLevel> {
        if self.owner.as_ref() == Some(user) {
            return Some(PrivilegeLevel::Admin);
        }
        self.members.get(user).copied()
    }

    fn restricted(&self) -> bool {
        self.properties.access_type() == Some(AccessType::Restricted)
    }

    fn is_rejected(&self, user: &UserId) -> bool {
        self.reject.iter().any(|e| &e.user == user)
    }
}

/// A session joined to a group (runtime only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct JoinedSession {
    pub user: UserId,
    pub screen_name: Option<SName>,
    pub subscribed: bool,
    /// Join order (the latest session of a participant receives its private messages).
    pub seq: u64,
}

/// Who is in a group now (runtime only).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(crate) struct GroupLive {
    pub joined: BTreeMap<SessionId, JoinedSession>,
    /// Own properties of joined users who are not members (dropped when they leave).
    pub guest_own: BTreeMap<UserId, Vec<Property>>,
    /// Invitation passes into a restricted group, until when (see
    /// [`Engine::group_invitation_accepted`]).
    pub passes: BTreeMap<UserId, Timestamp>,
}

/// Group working state.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GroupsState {
    pub(crate) records: BTreeMap<GroupId, GroupRecord>,
    pub(crate) live: BTreeMap<GroupId, GroupLive>,
    /// The groups each session has joined.
    pub(crate) by_session: BTreeMap<SessionId, BTreeSet<GroupId>>,
    /// Group expiries (`Validity`), for the timer.
    pub(crate) expiries: BTreeSet<(Timestamp, GroupId)>,
    /// Invitation pass expiries, for the timer.
    pub(crate) pass_expiries: BTreeSet<(Timestamp, GroupId, UserId)>,
    pub(crate) join_seq: u64,
}

impl GroupsState {
    pub(crate) fn restore(config: &ServerConfig, groups: Vec<(GroupId, GroupRecord)>) -> Self {
        let mut st = GroupsState::default();
        for (_, mut rec) in groups {
            rec.id = canonical_group_id(&config.domain, &rec.id);
            if let Some(t) = rec.expires {
                st.expiries.insert((t, rec.id.clone()));
            }
            st.records.insert(rec.id.clone(), rec);
        }
        st
    }

    /// The stored groups.
    pub fn groups(&self) -> impl Iterator<Item = &GroupRecord> {
        self.records.values()
    }

    /// A stored group by (any spelling of) its id, given the server's domain.
    pub fn group(&self, domain: &str, id: &GroupId) -> Option<&GroupRecord> {
        self.records.get(&canonical_group_id(domain, id))
    }
}

/// The canonical form of a group id: normalised, with `domain` appended when it has none.
pub(crate) fn canonical_group_id(domain: &str, id: &GroupId) -> GroupId {
    let mut g = id.normalized();
    if g.domain().is_none() {
        g.0.push('@');
        g.0.push_str(&domain.trim().to_lowercase());
    }
    g
}

/// The text a screen name is compared by (case-insensitive, surrounding space ignored).
fn sname_key(s: &SName) -> String {
    s.as_str().trim().to_lowercase()
}

/// Seed 5.2.1: a screen name is 1 to [`MAX_SCREEN_NAME_CHARS`] characters, without control
/// characters, and does not start with `wv:` (a user joined without a screen name goes by its
/// user id, so such a name could pose as another user). 402 otherwise. Comparisons between
/// screen names are case-insensitive (`Queen` and `queen` are the same name).
fn check_screen_name(s: &SName) -> Result<SName, ResultCode> {
    let t = s.as_str().trim();
    let n = t.chars().count();
    let looks_like_id = t.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("wv:"));
    if n == 0 || n > MAX_SCREEN_NAME_CHARS || t.chars().any(char::is_control) || looks_like_id {
        return Err(ResultCode::BAD_PARAMETER);
    }
    Ok(SName::new(t))
}

fn screen_name(sname: SName, group: &GroupId) -> ScreenName {
    let mut s = ScreenName::default();
    s.sname = sname;
    s.group_id = group.clone();
    s
}

fn user_list(users: Vec<UserId>, screen_names: Vec<ScreenName>) -> UserList {
    let mut l = UserList::default();
    l.users = users.into_iter().map(User::new).collect();
    l.screen_names = screen_names;
    l
}

fn bool_prop(p: &Property) -> Option<bool> {
    match p.value.as_deref().map(str::trim) {
        Some("T") => Some(true),
        Some("F") => Some(false),
        _ => None,
    }
}

fn prop_bytes(p: &Property) -> usize {
    p.name.len() + p.value.as_ref().map_or(0, String::len)
}

fn get_prop<'a>(props: &'a [Property], name: &str) -> Option<&'a Property> {
    props.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// Group property names the server knows, in their canonical spelling.
const GROUP_PROPERTY_NAMES: &[&str] = &[
    "Name",
    "Topic",
    "DisplayName",
    "AccessType",
    "Type",
    "PrivateMessaging",
    "Searchable",
    "MaxActiveUsers",
    "ActiveUsers",
    "AutoJoin",
    "AutoDelete",
    "Validity",
    "ShowID",
    "Default",
];

/// Checks a group-property update (creation or `SetGroupProps`) and returns it cleaned:
/// known names in canonical spelling, values trimmed, `ActiveUsers` (computed by the server)
/// dropped, `Type` dropped when it restates the group's type. 806 when:
/// - `AccessType` is not `Open`/`Restricted`; a boolean (`PrivateMessaging`, `Searchable`,
///   `AutoJoin`, `AutoDelete`, `ShowID`, `Default`) is not `T`/`F`;
/// - `MaxActiveUsers` is not an integer from 1 to `limits.max_group_size`;
/// - `Validity` is not a positive number of seconds, or is set on a public group, as is
///   `AutoDelete=T` (public groups are the provider's: they do not vanish);
/// - `Type` differs from the group's type (users cannot turn a group public, nor back);
/// - a `Name` is empty, a property is longer than 1 KiB, the welcome note longer than 8 KiB.
///
/// Unknown names are kept as given (extensions), within 32 properties per group (checked by
/// the caller after merging).
fn clean_group_props(
    update: &GroupProperties,
    kind: GroupType,
    max_group_size: usize,
) -> Result<GroupProperties, ResultCode> {
    let bad = Err(ResultCode::INVALID_GROUP_PROPERTIES);
    let mut out = GroupProperties::default();
    for p in &update.properties {
        if prop_bytes(p) > MAX_PROPERTY_BYTES {
            return bad;
        }
        let canonical = GROUP_PROPERTY_NAMES.iter().find(|n| n.eq_ignore_ascii_case(p.name.trim()));
        let Some(name) = canonical.copied() else {
            out.properties.push(p.clone());
            continue;
        };
        let value = p.value.as_deref().unwrap_or("").trim();
        let value = match name {
            "Name" if value.is_empty() => return bad,
            "Name" | "Topic" | "DisplayName" => value.to_owned(),
            "AccessType" => match AccessType::parse(value) {
                Some(a) => a.as_str().to_owned(),
                None => return bad,
            },
            "Type" => match GroupType::parse(value) {
                Some(t) if t == kind => continue,
                _ => return bad,
            },
            "ActiveUsers" => continue,
            "MaxActiveUsers" => match value.parse::<u32>() {
                Ok(n) if n >= 1 && (n as usize) <= max_group_size => n.to_string(),
                _ => return bad,
            },
            "Validity" => match value.parse::<u64>() {
                Ok(n) if n >= 1 && kind == GroupType::Private => n.to_string(),
                _ => return bad,
            },
            _ => match bool_prop(p) {
                Some(true) if name == "AutoDelete" && kind == GroupType::Public => return bad,
                Some(b) => if b { "T" } else { "F" }.to_owned(),
                None => return bad,
            },
        };
        out.set(name, value);
    }
    if let Some(note) = &update.welcome_note {
        if note.content_data.len() > MAX_WELCOME_NOTE_BYTES || note.content_type.len() > MAX_PROPERTY_BYTES {
            return bad;
        }
        out.welcome_note = Some(note.clone());
    }
    Ok(out)
}

/// Checks an own-property update (seed 5.2.5 "own group properties") for a user whose role is
/// `role` (`None`: not a member). `IsMember` and `PrivilegeLevel` are the server's: restating the
/// current value is accepted (and not stored), another value is refused with 816 — roles change
/// through `MemberAccess`. `ShowID` (show my user id next to my screen name), `PrivateMessaging`
/// (accept private messages inside the group, 813 to senders when `F`) and `AutoJoin` must be
/// `T`/`F` (806). Other names are kept as given, within 16 properties of 1 KiB (806).
fn clean_own_props(update: &[Property], role: Option<PrivilegeLevel>) -> Result<Vec<Property>, ResultCode> {
    let mut out: Vec<Property> = Vec::new();
    for p in update {
        if prop_bytes(p) > MAX_PROPERTY_BYTES {
            return Err(ResultCode::INVALID_GROUP_PROPERTIES);
        }
        let name = p.name.trim();
        let value = p.value.as_deref().unwrap_or("").trim();
        if name.eq_ignore_ascii_case("IsMember") {
            match bool_prop(p) {
                Some(b) if b == role.is_some() => continue,
                Some(_) => return Err(ResultCode::INSUFFICIENT_GROUP_PRIVILEGES),
                None => return Err(ResultCode::INVALID_GROUP_PROPERTIES),
            }
        }
        if name.eq_ignore_ascii_case("PrivilegeLevel") {
            match PrivilegeLevel::parse(value) {
                Some(l) if l == role.unwrap_or(PrivilegeLevel::User) => continue,
                Some(_) => return Err(ResultCode::INSUFFICIENT_GROUP_PRIVILEGES),
                None => return Err(ResultCode::INVALID_GROUP_PROPERTIES),
            }
        }
        let known = ["ShowID", "PrivateMessaging", "AutoJoin"].into_iter().find(|n| n.eq_ignore_ascii_case(name));
        let prop = match known {
            Some(n) => match bool_prop(p) {
                Some(b) => Property::new(n, if b { "T" } else { "F" }),
                None => return Err(ResultCode::INVALID_GROUP_PROPERTIES),
            },
            None => p.clone(),
        };
        match out.iter_mut().find(|q| q.name.eq_ignore_ascii_case(&prop.name)) {
            Some(q) => *q = prop,
            None => out.push(prop),
        }
    }
    Ok(out)
}

/// Merges `update` into `current` (same name, case-insensitive, replaced).
fn merge_props(current: &mut Vec<Property>, update: Vec<Property>) {
    for p in update {
        match current.iter_mut().find(|q| q.name.eq_ignore_ascii_case(&p.name)) {
            Some(q) => *q = p,
            None => current.push(p),
        }
    }
}

/// Per-entry outcome of a list operation, turned into a `Status`: 200 when every entry was
/// applied; 201 with `DetailedResult`s when some failed; when all failed, the single failure
/// code (or 900 when they differ), with the details.
#[derive(Default)]
struct Outcome {
    applied: usize,
    failures: BTreeMap<u32, DetailedResult>,
}

impl Outcome {
    fn detail(&mut self, code: ResultCode) -> &mut DetailedResult {
        self.failures.entry(code.0).or_insert_with(|| {
            let mut d = DetailedResult::default();
            d.code = code;
            d.description = code.description().map(str::to_owned);
            d
        })
    }
    fn fail_user(&mut self, code: ResultCode, u: UserId) {
        self.detail(code).user_ids.push(u);
    }
    fn fail_sname(&mut self, code: ResultCode, s: ScreenName) {
        self.detail(code).screen_names.push(s);
    }
    fn fail_group(&mut self, code: ResultCode, g: GroupId) {
        self.detail(code).group_ids.push(g);
    }
    fn ok(&self) -> bool {
        self.failures.is_empty()
    }
    fn into_result(self) -> CspResult {
        if self.failures.is_empty() {
            return CspResult::new(ResultCode::SUCCESSFUL);
        }
        let code = if self.applied > 0 {
            ResultCode::PARTIALLY_SUCCESSFUL
        } else if self.failures.len() == 1 {
            ResultCode(*self.failures.keys().next().expect("one"))
        } else {
            ResultCode::MULTIPLE_ERRORS
        };
        let mut r = CspResult::described(code);
        r.detailed_results = self.failures.into_values().collect();
        r
    }
}

/// A participant: a user under one name (several sessions of the same user with the same
/// screen name are one participant).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Participant {
    user: UserId,
    screen_name: Option<SName>,
    /// Known by user id: joined without a screen name, or `ShowID=T`.
    identified: bool,
    role: Option<PrivilegeLevel>,
    /// Its latest-joined session.
    latest: (u64, SessionId),
}

impl Participant {
    /// The name it goes by: the screen name, or the user id.
    fn display(&self) -> SName {
        self.screen_name.clone().unwrap_or_else(|| SName::new(self.user.as_str()))
    }
    fn sort_key(&self) -> String {
        self.display().as_str().to_lowercase()
    }
    fn mapping(&self) -> Mapping {
        Mapping::new(self.display(), self.identified.then(|| self.user.clone()))
    }
}

type ParticipantKey = (UserId, Option<String>);

fn sorted(mut v: Vec<Participant>) -> Vec<Participant> {
    v.sort_by_key(Participant::sort_key);
    v
}

/// Who joined and who left, in the form of `version`: 1.1 `ScreenName`s (a user without screen
/// name under its user id as `SName`); 1.2+ `Joined (UserMapList)` with the user id only for
/// identified participants, and `Left (UserList)` with identified users by id and the others by
/// screen name.
fn change_notice(group: &GroupId, version: Version, joined: &[Participant], left: &[Participant]) -> GroupChangeNotice {
    let mut n = GroupChangeNotice::new(group.clone());
    let sn = |p: &Participant| screen_name(p.display(), group);
    if !joined.is_empty() {
        n.joined = Some(if version == Version::V1_1 {
            Joined::screen_names(joined.iter().map(sn).collect())
        } else {
            Joined::mapped(joined.iter().map(Participant::mapping).collect())
        });
    }
    if !left.is_empty() {
        n.left = Some(if version == Version::V1_1 {
            Left::screen_names(left.iter().map(sn).collect())
        } else {
            let users = left.iter().filter(|p| p.screen_name.is_none()).map(|p| p.user.clone()).collect();
            let names = left.iter().filter(|p| p.screen_name.is_some()).map(sn).collect();
            Left::user_list(user_list(users, names))
        });
    }
    n
}

impl<S: Storage, R: Random> Engine<S, R> {
    pub(crate) fn group_request(&mut self, ctx: &Ctx, p: Primitive) -> Primitive {
        use Primitive as P;
        match p {
            P::CreateGroupRequest(r) => self.create_group(ctx, r),
            P::DeleteGroupRequest(r) => self.delete_group(ctx, r),
            P::JoinGroupRequest(r) => self.join_group(ctx, r),
            P::LeaveGroupRequest(r) => self.leave_group(ctx, r),
            P::GetGroupMembersRequest(r) => self.get_group_members(ctx, r),
            P::GetJoinedUsersRequest(r) => self.get_joined_users(ctx, r),
            P::AddGroupMembersRequest(r) => self.add_group_members(ctx, r),
            P::RemoveGroupMembersRequest(r) => self.remove_group_members(ctx, r),
            P::MemberAccessRequest(r) => self.member_access(ctx, r),
            P::GetGroupPropsRequest(r) => self.get_group_props(ctx, r),
            P::SetGroupPropsRequest(r) => self.set_group_props(ctx, r),
            P::RejectListRequest(r) => self.reject_list(ctx, r),
            P::SubscribeGroupNoticeRequest(r) => self.subscribe_group_notice(ctx, r),
            _ => status(ResultCode::NOT_IMPLEMENTED),
        }
    }

    /// Expires invitation passes and deletes groups whose `Validity` ran out (joined users get
    /// a `LeaveGroup-Response` with 800, as for a deletion).
    pub(crate) fn group_timeout(&mut self, now: Timestamp) {
        while let Some((t, g, u)) = self.st.groups.pass_expiries.first().cloned() {
            if t > now {
                break;
            }
            self.st.groups.pass_expiries.remove(&(t, g.clone(), u.clone()));
            if let Some(live) = self.st.groups.live.get_mut(&g) {
                if live.passes.get(&u) == Some(&t) {
                    live.passes.remove(&u);
                }
            }
        }
        while let Some((t, g)) = self.st.groups.expiries.first().cloned() {
            if t > now {
                break;
            }
            self.st.groups.expiries.remove(&(t, g.clone()));
            if self.st.groups.records.get(&g).is_some_and(|r| r.expires == Some(t)) {
                self.delete_group_now(&g, ResultCode::GROUP_DOES_NOT_EXIST, None);
            }
        }
    }

    pub(crate) fn group_deadline(&self) -> Option<Timestamp> {
        let g = self.st.groups.expiries.first().map(|(t, _)| *t);
        let p = self.st.groups.pass_expiries.first().map(|(t, _, _)| *t);
        g.into_iter().chain(p).min()
    }

    /// A session that ends leaves every group it joined: the others get `Left` notices, and an
    /// `AutoDelete=T` group left empty is deleted.
    pub(crate) fn group_session_end(&mut self, _now: Timestamp, sid: &SessionId, _user: &UserId) {
        let groups = self.st.groups.by_session.remove(sid).unwrap_or_default();
        for g in groups {
            self.remove_sessions(&g, std::slice::from_ref(sid), None, Some(sid));
        }
    }

    pub(crate) fn group_record(&self, id: &GroupId) -> Option<GroupRecord> {
        self.st.groups.records.get(id).cloned()
    }

    pub(crate) fn group_exists(&self, id: &GroupId) -> bool {
        self.st.groups.records.contains_key(&self.gkey(id))
    }

    /// Seed 5.1.2: the configured public groups (owner `None`, `Type=Public`,
    /// `AccessType=Open`, `PrivateMessaging=T`), created when absent. For one that exists, the
    /// configured properties (`Name`, `Topic`, `Searchable`, `MaxActiveUsers`, welcome note)
    /// are brought in line with the configuration, so editing the configuration and restarting
    /// takes effect; its members and reject list stay. An id taken by a private group is left
    /// to that group (the configuration cannot take a user's group away).
    pub(crate) fn install_public_groups(&mut self) {
        let configured: Vec<PublicGroupConfig> = self.config.public_groups.clone();
        for pg in configured {
            let id = self.gkey(&GroupId::new(pg.group_id.clone()));
            let mut wanted = GroupProperties::default()
                .with_name(pg.name.clone())
                .with_searchable(pg.searchable)
                .with_group_type(GroupType::Public);
            if let Some(t) = &pg.topic {
                wanted.set_topic(t.clone());
            }
            if let Some(m) = pg.max_active_users {
                wanted.set_max_active_users(m);
            }
            wanted.welcome_note = pg.welcome_note.clone().map(WelcomeNote::text);
            match self.st.groups.records.get_mut(&id) {
                Some(rec) if !rec.is_public() => continue,
                Some(rec) => {
                    let mut props = rec.properties.clone();
                    props.apply(&wanted);
                    if pg.topic.is_none() {
                        props.remove("Topic");
                    }
                    if pg.max_active_users.is_none() {
                        props.remove("MaxActiveUsers");
                    }
                    props.welcome_note = wanted.welcome_note.clone();
                    if props != rec.properties {
                        rec.properties = props;
                        self.dirty.groups.insert(id);
                    }
                }
                None => {
                    let mut props = wanted;
                    props.set_access_type(AccessType::Open);
                    props.set_private_messaging(true);
                    let rec = GroupRecord { id: id.clone(), properties: props, ..GroupRecord::default() };
                    self.st.groups.records.insert(id.clone(), rec);
                    self.dirty.groups.insert(id);
                }
            }
        }
    }

    /// Who receives a message the user of `sender` sends to `group`: the sender's screen name in
    /// the group (if it joined with one) and every joined session, the sender's own included
    /// (the caller decides whether to skip it). `Err` with 800 (no such group) or 808 (sender
    /// has not joined). A message from a sender with a screen name must name the sender by that
    /// screen name only (anonymity, seed 5).
    pub(crate) fn group_message_targets(
        &self,
        group: &GroupId,
        sender: &SessionId,
    ) -> Result<(Option<SName>, Vec<GroupDelivery>), ResultCode> {
        let key = self.gkey(group);
        if !self.st.groups.records.contains_key(&key) {
            return Err(ResultCode::GROUP_DOES_NOT_EXIST);
        }
        let live = self.st.groups.live.get(&key).ok_or(ResultCode::GROUP_IS_NOT_JOINED)?;
        let me = live.joined.get(sender).ok_or(ResultCode::GROUP_IS_NOT_JOINED)?;
        let targets = live
            .joined
            .iter()
            .map(|(sid, j)| GroupDelivery {
                user: j.user.clone(),
                session: sid.clone(),
                screen_name: j.screen_name.clone(),
            })
            .collect();
        Ok((me.screen_name.clone(), targets))
    }

    /// The joined user behind a screen name, for a private message inside a group; `Err` with
    /// 800, 808 (sender not joined), 812 (group property `PrivateMessaging=F`), 531 (nobody
    /// joined goes by that name) or 813 (the recipient's own property `PrivateMessaging=F`).
    /// Names compare case-insensitively; a user joined without a screen name is addressed by
    /// its user id as `SName`. When the recipient is joined from several sessions under that
    /// name, the most recently joined one is returned.
    pub(crate) fn group_private_target(
        &self,
        group: &GroupId,
        screen_name: &SName,
        sender: &SessionId,
    ) -> Result<(Option<SName>, GroupDelivery), ResultCode> {
        let key = self.gkey(group);
        let rec = self.st.groups.records.get(&key).ok_or(ResultCode::GROUP_DOES_NOT_EXIST)?;
        let live = self.st.groups.live.get(&key).ok_or(ResultCode::GROUP_IS_NOT_JOINED)?;
        let me = live.joined.get(sender).ok_or(ResultCode::GROUP_IS_NOT_JOINED)?;
        if rec.properties.private_messaging() == Some(false) {
            return Err(ResultCode::PRIVATE_MESSAGING_DISABLED_FOR_GROUP);
        }
        let wanted = sname_key(screen_name);
        let target = self
            .participants(&key)
            .into_values()
            .find(|p| match &p.screen_name {
                Some(s) => sname_key(s) == wanted,
                None => p.user == UserId::new(screen_name.as_str()).normalized(),
            })
            .ok_or(ResultCode::UNKNOWN_USER)?;
        let own = self.own_of(&key, &target.user);
        if get_prop(&own, "PrivateMessaging").and_then(bool_prop) == Some(false) {
            return Err(ResultCode::PRIVATE_MESSAGING_DISABLED_FOR_USER);
        }
        let delivery = GroupDelivery { user: target.user, session: target.latest.1, screen_name: target.screen_name };
        Ok((me.screen_name.clone(), delivery))
    }

    /// Every group as search sees it.
    pub(crate) fn group_search_entries(&self) -> Vec<GroupSearchEntry> {
        self.st
            .groups
            .records
            .values()
            .map(|rec| {
                let mut joined: Vec<UserId> =
                    self.participants(&rec.id).into_values().filter(|p| p.identified).map(|p| p.user).collect();
                joined.dedup();
                GroupSearchEntry {
                    id: rec.id.clone(),
                    name: rec.properties.name().map(str::to_owned),
                    topic: rec.properties.topic().map(str::to_owned),
                    owner: rec.owner.clone(),
                    joined,
                    searchable: rec.properties.searchable() == Some(true),
                }
            })
            .collect()
    }

    /// For group invitations (seed 5.2.3, 8.2): `invitee` accepted `inviter`'s invitation to
    /// `group`, valid `until`. An invitation from the owner, an administrator or a moderator is
    /// a pass: the invitee may join the group once before `until` even when it is restricted and
    /// the invitee is not a member (it joins as a guest, not as a member). An invitation from
    /// anybody else grants nothing: the invitee joins only if the group's rules let it. The
    /// reject list always wins. Returns whether a pass was granted. Passes are not persisted
    /// and are bounded by `limits.max_group_size` per group (beyond it, none is granted).
    ///
    /// The hook for the invitation feature (seed 8.2), to call when a group invitation is
    /// accepted; until it does, invitations grant no access and invitees join by the group's
    /// rules alone.
    pub(crate) fn group_invitation_accepted(
        &mut self,
        group: &GroupId,
        inviter: &UserId,
        invitee: &UserId,
        until: Timestamp,
    ) -> bool {
        let key = self.gkey(group);
        let (inviter, invitee) = (inviter.normalized(), invitee.normalized());
        let Some(rec) = self.st.groups.records.get(&key) else { return false };
        if !matches!(rec.role_of(&inviter), Some(PrivilegeLevel::Admin | PrivilegeLevel::Mod))
            || rec.is_rejected(&invitee)
        {
            return false;
        }
        let max = self.config.limits.max_group_size;
        let live = self.st.groups.live.entry(key.clone()).or_default();
        if live.passes.len() >= max && !live.passes.contains_key(&invitee) {
            return false;
        }
        if let Some(old) = live.passes.insert(invitee.clone(), until) {
            self.st.groups.pass_expiries.remove(&(old, key.clone(), invitee.clone()));
        }
        self.st.groups.pass_expiries.insert((until, key, invitee));
        true
    }

    // -----------------------------------------------------------------------------------------
    // Helpers
    // -----------------------------------------------------------------------------------------

    fn gkey(&self, id: &GroupId) -> GroupId {
        canonical_group_id(&self.config.domain, id)
    }

    fn joined_sessions_of<'a>(&'a self, key: &GroupId, user: &'a UserId) -> impl Iterator<Item = &'a SessionId> + 'a {
        self.st
            .groups
            .live
            .get(key)
            .into_iter()
            .flat_map(move |l| l.joined.iter().filter(move |(_, j)| &j.user == user).map(|(s, _)| s))
    }

    /// A user's own properties in a group (stored for members, in memory for joined guests).
    fn own_of(&self, key: &GroupId, user: &UserId) -> Vec<Property> {
        let Some(rec) = self.st.groups.records.get(key) else { return Vec::new() };
        if rec.role_of(user).is_some() {
            rec.own_properties.get(user).cloned().unwrap_or_default()
        } else {
            self.st.groups.live.get(key).and_then(|l| l.guest_own.get(user)).cloned().unwrap_or_default()
        }
    }

    /// Replaces a user's own properties (members: stored; guests: in memory).
    fn set_own(&mut self, key: &GroupId, user: &UserId, props: Vec<Property>) {
        let Some(rec) = self.st.groups.records.get_mut(key) else { return };
        if rec.role_of(user).is_some() {
            if props.is_empty() {
                rec.own_properties.remove(user);
            } else {
                rec.own_properties.insert(user.clone(), props);
            }
            self.dirty.groups.insert(key.clone());
        } else {
            let live = self.st.groups.live.entry(key.clone()).or_default();
            if props.is_empty() {
                live.guest_own.remove(user);
            } else {
                live.guest_own.insert(user.clone(), props);
            }
        }
    }

    /// The participants of a group now, by (user, screen-name key).
    fn participants(&self, key: &GroupId) -> BTreeMap<ParticipantKey, Participant> {
        let mut out: BTreeMap<ParticipantKey, Participant> = BTreeMap::new();
        let (Some(rec), Some(live)) = (self.st.groups.records.get(key), self.st.groups.live.get(key)) else {
            return out;
        };
        for (sid, j) in &live.joined {
            let k = (j.user.clone(), j.screen_name.as_ref().map(sname_key));
            let latest = (j.seq, sid.clone());
            match out.get_mut(&k) {
                Some(p) => {
                    if latest > p.latest {
                        p.latest = latest;
                    }
                }
                None => {
                    let role = rec.role_of(&j.user);
                    let own =
                        if role.is_some() { rec.own_properties.get(&j.user) } else { live.guest_own.get(&j.user) };
                    let show_id = own.and_then(|o| get_prop(o, "ShowID")).and_then(bool_prop) == Some(true);
                    let p = Participant {
                        user: j.user.clone(),
                        screen_name: j.screen_name.clone(),
                        identified: j.screen_name.is_none() || show_id,
                        role,
                        latest,
                    };
                    out.insert(k, p);
                }
            }
        }
        out
    }

    /// Queues a server-originated group primitive; a full queue is reported as a handled
    /// transaction with 507 (the operator sees it; the session's state is already changed).
    fn group_push(&mut self, sid: &SessionId, p: Primitive) {
        let name = p.elem().canonical_name();
        if self.enqueue(sid, p, Awaiting::Ack).is_none() {
            if let Some(s) = self.st.sessions.get(sid) {
                let user = Some(s.user.clone());
                self.outputs.push_back(Output::Handled(RequestLog {
                    session: Some(sid.clone()),
                    user,
                    primitive: name,
                    code: Some(ResultCode::MESSAGE_QUEUE_FULL),
                }));
            }
        }
    }

    /// Sends `GroupChangeNotice`s with who joined and left since `before` to the subscribed
    /// joined sessions (except `exclude`, the session whose own request caused the change), each
    /// in its session's version.
    fn notify_membership(
        &mut self,
        key: &GroupId,
        before: BTreeMap<ParticipantKey, Participant>,
        exclude: Option<&SessionId>,
    ) {
        let after = self.participants(key);
        let joined = sorted(after.iter().filter(|(k, _)| !before.contains_key(*k)).map(|(_, p)| p.clone()).collect());
        let left = sorted(before.iter().filter(|(k, _)| !after.contains_key(*k)).map(|(_, p)| p.clone()).collect());
        if joined.is_empty() && left.is_empty() {
            return;
        }
        for (sid, version) in self.subscribers(key, exclude, None) {
            let n = change_notice(key, version, &joined, &left);
            self.group_push(&sid, n.into());
        }
    }

    /// Subscribed joined sessions of a group (optionally only those of `only_user`), with the
    /// version each speaks.
    fn subscribers(
        &self,
        key: &GroupId,
        exclude: Option<&SessionId>,
        only_user: Option<&UserId>,
    ) -> Vec<(SessionId, Version)> {
        let Some(live) = self.st.groups.live.get(key) else { return Vec::new() };
        live.joined
            .iter()
            .filter(|(sid, j)| j.subscribed && Some(*sid) != exclude && only_user.is_none_or(|u| &j.user == u))
            .filter_map(|(sid, _)| self.st.sessions.get(sid).map(|s| (sid.clone(), s.version)))
            .collect()
    }

    /// The own properties as `GetGroupProps` and notices show them: `IsMember`,
    /// `PrivilegeLevel`, then the stored ones.
    fn own_view(&self, key: &GroupId, user: &UserId) -> OwnProperties {
        let role = self.st.groups.records.get(key).and_then(|r| r.role_of(user));
        let mut o = OwnProperties::default()
            .with_is_member(role.is_some())
            .with_privilege_level(role.unwrap_or(PrivilegeLevel::User));
        o.properties.extend(self.own_of(key, user));
        o
    }

    /// Tells a user's subscribed joined sessions (except `exclude`) its own properties changed.
    fn notify_own(&mut self, key: &GroupId, user: &UserId, exclude: Option<&SessionId>) {
        let subs = self.subscribers(key, exclude, Some(user));
        if subs.is_empty() {
            return;
        }
        let own = self.own_view(key, user);
        for (sid, _) in subs {
            let mut n = GroupChangeNotice::new(key.clone());
            n.own_properties = Some(own.clone());
            self.group_push(&sid, n.into());
        }
    }

    /// Removes sessions from a group: each gets a server-originated `LeaveGroup-Response` with
    /// `forced` when given (the forced leave, seed 5.2.2); the others are told who left; the
    /// own properties of guests who are gone are dropped; an `AutoDelete=T` private group left
    /// empty is deleted.
    fn remove_sessions(
        &mut self,
        key: &GroupId,
        sids: &[SessionId],
        forced: Option<ResultCode>,
        exclude: Option<&SessionId>,
    ) {
        let before = self.participants(key);
        let Some(live) = self.st.groups.live.get_mut(key) else { return };
        let mut removed = Vec::new();
        for sid in sids {
            if let Some(j) = live.joined.remove(sid) {
                removed.push((sid.clone(), j.user));
            }
        }
        let gone: Vec<UserId> =
            removed.iter().map(|(_, u)| u.clone()).filter(|u| !live.joined.values().any(|j| &j.user == u)).collect();
        for u in &gone {
            live.guest_own.remove(u);
        }
        let empty = live.joined.is_empty();
        if empty && live.passes.is_empty() {
            self.st.groups.live.remove(key);
        }
        for (sid, _) in &removed {
            if let Some(set) = self.st.groups.by_session.get_mut(sid) {
                set.remove(key);
                if set.is_empty() {
                    self.st.groups.by_session.remove(sid);
                }
            }
            if let Some(code) = forced {
                let mut r = CspResult::described(code);
                r.description = r.description.or_else(|| Some("Removed from the group".to_owned()));
                self.group_push(sid, LeaveGroupResponse::new(Some(key.clone()), r).into());
            }
        }
        self.notify_membership(key, before, exclude);
        let auto_delete =
            self.st.groups.records.get(key).is_some_and(|r| !r.is_public() && r.properties.auto_delete() == Some(true));
        if empty && auto_delete && !removed.is_empty() {
            self.delete_group_now(key, ResultCode::GROUP_DOES_NOT_EXIST, None);
        }
    }

    /// Deletes a group now: every joined session (except `exclude`) gets a `LeaveGroup-Response`
    /// with `code`; the record is deleted from storage.
    fn delete_group_now(&mut self, key: &GroupId, code: ResultCode, exclude: Option<&SessionId>) {
        let live = self.st.groups.live.remove(key).unwrap_or_default();
        for sid in live.joined.keys() {
            if let Some(set) = self.st.groups.by_session.get_mut(sid) {
                set.remove(key);
                if set.is_empty() {
                    self.st.groups.by_session.remove(sid);
                }
            }
            if Some(sid) != exclude {
                self.group_push(sid, LeaveGroupResponse::new(Some(key.clone()), CspResult::described(code)).into());
            }
        }
        for (u, t) in live.passes {
            self.st.groups.pass_expiries.remove(&(t, key.clone(), u));
        }
        if let Some(rec) = self.st.groups.records.remove(key) {
            if let Some(t) = rec.expires {
                self.st.groups.expiries.remove(&(t, key.clone()));
            }
        }
        self.dirty.groups.insert(key.clone());
    }

    /// Forces out every joined session of users who may no longer be in a restricted group
    /// (not owner, not member): after a member's removal or a change to `AccessType=Restricted`.
    /// Guests admitted by an invitation pass stay when the group was already restricted.
    fn force_out_non_members(&mut self, key: &GroupId, users: Option<&[UserId]>) {
        let Some(rec) = self.st.groups.records.get(key) else { return };
        if !rec.restricted() {
            return;
        }
        let Some(live) = self.st.groups.live.get(key) else { return };
        let out: Vec<SessionId> = live
            .joined
            .iter()
            .filter(|(_, j)| rec.role_of(&j.user).is_none() && users.is_none_or(|us| us.contains(&j.user)))
            .map(|(s, _)| s.clone())
            .collect();
        if !out.is_empty() {
            self.remove_sessions(key, &out, Some(ResultCode::UNAUTHORIZED_GROUP_MEMBERSHIP), None);
        }
    }

    fn set_expiry(&mut self, key: &GroupId, expires: Option<Timestamp>) {
        let Some(rec) = self.st.groups.records.get_mut(key) else { return };
        if let Some(old) = rec.expires.take() {
            self.st.groups.expiries.remove(&(old, key.clone()));
        }
        rec.expires = expires;
        if let Some(t) = expires {
            self.st.groups.expiries.insert((t, key.clone()));
        }
    }

    /// Seed 5.3.1: a user creates groups in its own namespace only: `wv:<user>/<name>@<domain>`
    /// where `<user>` is the creator's user id without scheme and domain, `<name>` is not empty
    /// and has no spaces, controls or `@`; the whole id within 256 bytes (402 otherwise).
    /// The domain must be this server's (516): the group lives here.
    fn check_group_namespace(&self, key: &GroupId, user: &UserId) -> Result<(), ResultCode> {
        let domain = self.config.domain.trim().to_lowercase();
        if key.domain() != Some(domain.as_str()) {
            return Err(ResultCode::DOMAIN_NOT_SUPPORTED);
        }
        let local = &key.as_str()[3..key.as_str().len() - domain.len() - 1];
        let u = user.normalized();
        let ulocal = u.as_str()[3..].rsplit_once('@').map_or(&u.as_str()[3..], |(l, _)| l);
        let ok = key.as_str().len() <= MAX_GROUP_ID_BYTES
            && local.strip_prefix(ulocal).and_then(|r| r.strip_prefix('/')).is_some_and(|name| {
                !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c.is_control() || c == '@')
            });
        if ok {
            Ok(())
        } else {
            Err(ResultCode::BAD_PARAMETER)
        }
    }

    // -----------------------------------------------------------------------------------------
    // Requests
    // -----------------------------------------------------------------------------------------

    /// `CreateGroup-Request` (seed 5.3.1): a private group owned by the requester, who is its
    /// first member (as `Admin`). Checks, in order: namespace (516, 402), 801 exists, 814 the
    /// user owns `limits.max_groups_per_user`, 815 the server holds `limits.max_groups`,
    /// properties (806, see `clean_group_props`), the screen name when joining (402), the 1.3
    /// own properties (806). Defaults: `Type=Private`, `AccessType=Open`,
    /// `PrivateMessaging=T`, `Searchable=F` (a user's group is found by search only when its
    /// owner says so). `Validity` starts now. With `JoinGroup=T` the creator joins at once, as
    /// `JoinGroup` would (its session gets no notice about itself). Answered with `Status`.
    fn create_group(&mut self, ctx: &Ctx, r: CreateGroupRequest) -> Primitive {
        let key = self.gkey(&r.group_id);
        if let Err(code) = self.check_group_namespace(&key, &ctx.user) {
            return status(code);
        }
        if self.st.groups.records.contains_key(&key) {
            return status(ResultCode::GROUP_ALREADY_EXISTS);
        }
        let owned = self.st.groups.records.values().filter(|g| g.owner.as_ref() == Some(&ctx.user)).count();
        if owned >= self.config.limits.max_groups_per_user {
            return status(ResultCode::MAX_GROUPS_FOR_USER);
        }
        if self.st.groups.records.len() >= self.config.limits.max_groups {
            return status(ResultCode::MAX_GROUPS_FOR_SERVER);
        }
        let mut props =
            match clean_group_props(&r.group_properties, GroupType::Private, self.config.limits.max_group_size) {
                Ok(p) => p,
                Err(code) => return status(code),
            };
        if props.properties.len() >= MAX_GROUP_PROPERTIES {
            return status(ResultCode::INVALID_GROUP_PROPERTIES);
        }
        let sname = match (&r.screen_name, r.join_group) {
            (Some(s), true) => match check_screen_name(&s.sname) {
                Ok(s) => Some(s),
                Err(code) => return status(code),
            },
            _ => None,
        };
        let own = match &r.own_properties {
            Some(o) => match clean_own_props(&o.properties, Some(PrivilegeLevel::Admin)) {
                Ok(o) if o.len() <= MAX_OWN_PROPERTIES => o,
                Ok(_) => return status(ResultCode::INVALID_GROUP_PROPERTIES),
                Err(code) => return status(code),
            },
            None => Vec::new(),
        };
        let mut base = GroupProperties::default()
            .with_group_type(GroupType::Private)
            .with_access_type(AccessType::Open)
            .with_private_messaging(true)
            .with_searchable(false);
        base.apply(&props);
        props = base;
        let validity = props.validity().and_then(|v| v.parse::<u64>().ok());
        let mut rec = GroupRecord {
            id: key.clone(),
            owner: Some(ctx.user.clone()),
            properties: props,
            created: ctx.now,
            ..GroupRecord::default()
        };
        rec.members.insert(ctx.user.clone(), PrivilegeLevel::Admin);
        if !own.is_empty() {
            rec.own_properties.insert(ctx.user.clone(), own);
        }
        self.st.groups.records.insert(key.clone(), rec);
        self.set_expiry(&key, validity.map(|v| ctx.now.add_secs(v)));
        self.dirty.groups.insert(key.clone());
        if r.join_group {
            if let Err(code) = self.do_join(ctx, &key, sname, r.subscribe_notification, None) {
                // Cannot happen for a fresh group; report it rather than leave a half state.
                return status(code);
            }
        }
        status(ResultCode::SUCCESSFUL)
    }

    /// `DeleteGroup-Request` (seed 5.3.2): by the owner or an administrator (816 otherwise);
    /// a public group is the provider's and is never deleted through CSP (804). Every session
    /// joined, except the requester's (which has its `Status`), gets a server-originated
    /// `LeaveGroup-Response` with 800, and the group is gone (from storage too).
    fn delete_group(&mut self, ctx: &Ctx, r: DeleteGroupRequest) -> Primitive {
        let key = self.gkey(&r.group_id);
        let Some(rec) = self.st.groups.records.get(&key) else { return status(ResultCode::GROUP_DOES_NOT_EXIST) };
        if rec.is_public() {
            return status(ResultCode::GROUP_IS_PUBLIC);
        }
        if rec.role_of(&ctx.user) != Some(PrivilegeLevel::Admin) {
            return status(ResultCode::INSUFFICIENT_GROUP_PRIVILEGES);
        }
        self.delete_group_now(&key, ResultCode::GROUP_DOES_NOT_EXIST, Some(&ctx.session));
        status(ResultCode::SUCCESSFUL)
    }

    /// Joins the session of `ctx` to a group. Checks, in order (seed 5.2.1, 5.3.5):
    /// 800 no group; 807 this session has joined already (another session of the same user
    /// may join too); 809 the user is on the reject list; 431 the group is restricted
    /// (`AccessType=Restricted`, the seed's "closed" group) and the user is neither owner nor
    /// member nor holder of an invitation pass; 402 a bad screen name; 811 the screen name is
    /// used by another user (case-insensitive; the same user may use its name from several
    /// sessions); 817 `MaxActiveUsers` participants (or `limits.max_group_size` joined sessions)
    /// are there already; own properties (806, 816). The others subscribed are told who joined.
    fn do_join(
        &mut self,
        ctx: &Ctx,
        key: &GroupId,
        sname: Option<SName>,
        subscribe: bool,
        own: Option<&OwnProperties>,
    ) -> Result<(), ResultCode> {
        let rec = self.st.groups.records.get(key).ok_or(ResultCode::GROUP_DOES_NOT_EXIST)?;
        let live = self.st.groups.live.get(key);
        if live.is_some_and(|l| l.joined.contains_key(&ctx.session)) {
            return Err(ResultCode::GROUP_IS_ALREADY_JOINED);
        }
        if rec.is_rejected(&ctx.user) {
            return Err(ResultCode::REJECTED);
        }
        let role = rec.role_of(&ctx.user);
        let pass = live.and_then(|l| l.passes.get(&ctx.user)).copied().filter(|t| *t > ctx.now);
        let use_pass = rec.restricted() && role.is_none();
        if use_pass && pass.is_none() {
            return Err(ResultCode::UNAUTHORIZED_GROUP_MEMBERSHIP);
        }
        let sname = sname.map(|s| check_screen_name(&s)).transpose()?;
        let skey = sname.as_ref().map(sname_key);
        if let (Some(k), Some(l)) = (&skey, live) {
            let taken = l
                .joined
                .values()
                .any(|j| j.user != ctx.user && j.screen_name.as_ref().map(sname_key).as_ref() == Some(k));
            if taken {
                return Err(ResultCode::SCREEN_NAME_ALREADY_IN_USE);
            }
        }
        let before = self.participants(key);
        let pkey = (ctx.user.clone(), skey);
        if !before.contains_key(&pkey) {
            let max = rec.properties.max_active_users().map_or(usize::MAX, |m| m as usize);
            if before.len() >= max {
                return Err(ResultCode::MAX_JOINED_USERS);
            }
        }
        if live.map_or(0, |l| l.joined.len()) >= self.config.limits.max_group_size {
            return Err(ResultCode::MAX_JOINED_USERS);
        }
        let own_update = match own {
            Some(o) => {
                let cleaned = clean_own_props(&o.properties, role)?;
                let mut merged = self.own_of(key, &ctx.user);
                merge_props(&mut merged, cleaned);
                if merged.len() > MAX_OWN_PROPERTIES {
                    return Err(ResultCode::INVALID_GROUP_PROPERTIES);
                }
                Some(merged)
            }
            None => None,
        };
        if let Some(o) = own_update {
            self.set_own(key, &ctx.user, o);
        }
        self.st.groups.join_seq += 1;
        let seq = self.st.groups.join_seq;
        let live = self.st.groups.live.entry(key.clone()).or_default();
        live.joined.insert(
            ctx.session.clone(),
            JoinedSession { user: ctx.user.clone(), screen_name: sname, subscribed: subscribe, seq },
        );
        if use_pass {
            if let Some(t) = live.passes.remove(&ctx.user) {
                self.st.groups.pass_expiries.remove(&(t, key.clone(), ctx.user.clone()));
            }
        }
        self.st.groups.by_session.entry(ctx.session.clone()).or_default().insert(key.clone());
        self.notify_membership(key, before, Some(&ctx.session));
        Ok(())
    }

    /// `JoinGroup-Request` (seed 5.2.1; checks on `do_join`). `JoinGroup-Response` carries the
    /// welcome note and, with `JoinedRequest=T`, the participants (the joiner included), ordered
    /// by name: 1.1 a `UserList` (users known by id as `User`, the others as `ScreenName`); 1.2+
    /// a `UserMapList` whose `UserID` is present only for users known by id. A 1.1 request
    /// without `JoinedRequest` gets no list. Failures are answered with `Status`.
    fn join_group(&mut self, ctx: &Ctx, r: JoinGroupRequest) -> Primitive {
        let key = self.gkey(&r.group_id);
        let sname = r.screen_name.as_ref().map(|s| s.sname.clone());
        if let Err(code) = self.do_join(ctx, &key, sname, r.subscribe_notification, r.own_properties.as_ref()) {
            return status(code);
        }
        let mut resp = JoinGroupResponse::default();
        resp.welcome_note = self.st.groups.records.get(&key).and_then(|g| g.properties.welcome_note.clone());
        if r.joined_request == Some(true) {
            let all = sorted(self.participants(&key).into_values().collect());
            if ctx.version == Version::V1_1 {
                let users = all.iter().filter(|p| p.screen_name.is_none()).map(|p| p.user.clone()).collect();
                let names =
                    all.iter().filter(|p| p.screen_name.is_some()).map(|p| screen_name(p.display(), &key)).collect();
                resp.user_list = Some(user_list(users, names));
            } else {
                resp.user_map_list = Some(UserMapList::new(all.iter().map(Participant::mapping).collect()));
            }
        }
        resp.into()
    }

    /// `LeaveGroup-Request` (seed 5.2.2): this session leaves (the user's other sessions stay).
    /// `LeaveGroup-Response` echoes the request's `GroupID`, with 200, 800 (no group) or 808
    /// (this session has not joined).
    fn leave_group(&mut self, ctx: &Ctx, r: LeaveGroupRequest) -> Primitive {
        let key = self.gkey(&r.group_id);
        let code = if !self.st.groups.records.contains_key(&key) {
            ResultCode::GROUP_DOES_NOT_EXIST
        } else if !self.st.groups.live.get(&key).is_some_and(|l| l.joined.contains_key(&ctx.session)) {
            ResultCode::GROUP_IS_NOT_JOINED
        } else {
            self.remove_sessions(&key, std::slice::from_ref(&ctx.session), None, Some(&ctx.session));
            ResultCode::SUCCESSFUL
        };
        LeaveGroupResponse::new(Some(r.group_id), CspResult::new(code)).into()
    }

    /// `GetGroupMembers-Request` (seed 5.1.3): owner, administrators and moderators see the
    /// members' list by role (816 for others): `Admin` (the owner first among them), `Mod`,
    /// and the plain members as `Users` (1.1/1.2) or a bare `UserList` (1.3). Empty roles are
    /// left out.
    fn get_group_members(&mut self, ctx: &Ctx, r: GetGroupMembersRequest) -> Primitive {
        let key = self.gkey(&r.group_id);
        let Some(rec) = self.st.groups.records.get(&key) else { return status(ResultCode::GROUP_DOES_NOT_EXIST) };
        if !matches!(rec.role_of(&ctx.user), Some(PrivilegeLevel::Admin | PrivilegeLevel::Mod)) {
            return status(ResultCode::INSUFFICIENT_GROUP_PRIVILEGES);
        }
        let by_role = |level: PrivilegeLevel| -> Vec<UserId> {
            let mut v: Vec<UserId> = rec.members.iter().filter(|(_, l)| **l == level).map(|(u, _)| u.clone()).collect();
            if let Some(i) = rec.owner.as_ref().and_then(|o| v.iter().position(|u| u == o)) {
                let o = v.remove(i);
                v.insert(0, o);
            }
            v
        };
        let mut resp = GetGroupMembersResponse::default();
        let admins = by_role(PrivilegeLevel::Admin);
        let mods = by_role(PrivilegeLevel::Mod);
        let users = by_role(PrivilegeLevel::User);
        resp.admin = (!admins.is_empty()).then(|| WrappedUserList::users(admins));
        resp.moderators = (!mods.is_empty()).then(|| WrappedUserList::users(mods));
        if !users.is_empty() {
            resp.set_plain_members(ctx.version, user_list(users, Vec::new()));
        }
        resp.into()
    }

    /// `GetJoinedUsers-Request` (1.2+; seed 5.2.1): who is in the group now, for joined users,
    /// the owner, administrators and moderators (808 for others). Answered as an `AdminMapList`
    /// ordered by name. A participant's role, like its user id, is shown only when it is known
    /// by id: anonymous participants are all under `UserMapping` (a role next to a screen name,
    /// against the members' list, could unmask it). Administrators see nothing more than others.
    fn get_joined_users(&mut self, ctx: &Ctx, r: GetJoinedUsersRequest) -> Primitive {
        let key = self.gkey(&r.group_id);
        let Some(rec) = self.st.groups.records.get(&key) else { return status(ResultCode::GROUP_DOES_NOT_EXIST) };
        let privileged = matches!(rec.role_of(&ctx.user), Some(PrivilegeLevel::Admin | PrivilegeLevel::Mod));
        if !privileged && self.joined_sessions_of(&key, &ctx.user).next().is_none() {
            return status(ResultCode::GROUP_IS_NOT_JOINED);
        }
        let (mut admins, mut mods, mut users) = (Vec::new(), Vec::new(), Vec::new());
        for p in sorted(self.participants(&key).into_values().collect()) {
            let bucket = match (p.identified, p.role) {
                (true, Some(PrivilegeLevel::Admin)) => &mut admins,
                (true, Some(PrivilegeLevel::Mod)) => &mut mods,
                _ => &mut users,
            };
            bucket.push(p.mapping());
        }
        let list = |m: Vec<Mapping>| {
            (!m.is_empty()).then(|| {
                let mut l = MappingList::default();
                l.mappings = m;
                l
            })
        };
        let mut a = AdminMapList::default();
        a.admin_mapping = list(admins);
        a.mod_mapping = list(mods);
        a.user_mapping = list(users);
        GetJoinedUsersResponse::AdminMapList(a).into()
    }

    /// Whether the requester may manage the members' list (owner or administrator).
    fn require_admin(&self, key: &GroupId, user: &UserId) -> Result<(), ResultCode> {
        let rec = self.st.groups.records.get(key).ok_or(ResultCode::GROUP_DOES_NOT_EXIST)?;
        if rec.role_of(user) == Some(PrivilegeLevel::Admin) {
            Ok(())
        } else {
            Err(ResultCode::INSUFFICIENT_GROUP_PRIVILEGES)
        }
    }

    /// Sets `user`'s role (adding it to the members' list), or reports why not into `out`:
    /// 531 no such user, 816 the owner (whose role is fixed), 817 the list holds
    /// `limits.max_group_size` members already. A joined guest who becomes a member keeps its
    /// own properties (now stored); its sessions are told their new own properties.
    fn set_member(
        &mut self,
        ctx: &Ctx,
        key: &GroupId,
        user: &UserId,
        level: Option<PrivilegeLevel>,
        out: &mut Outcome,
    ) {
        let user = user.normalized();
        if !self.st.accounts.contains_key(&user) {
            return out.fail_user(ResultCode::UNKNOWN_USER, user);
        }
        let max = self.config.limits.max_group_size;
        let guest_own = self.st.groups.live.get_mut(key).and_then(|l| l.guest_own.remove(&user));
        let Some(rec) = self.st.groups.records.get_mut(key) else { return };
        if rec.owner.as_ref() == Some(&user) {
            return out.fail_user(ResultCode::INSUFFICIENT_GROUP_PRIVILEGES, user);
        }
        let current = rec.members.get(&user).copied();
        let level = level.or(current).unwrap_or(PrivilegeLevel::User);
        if current.is_none() && rec.members.len() >= max {
            let d = out.detail(ResultCode::MAX_JOINED_USERS);
            d.description = Some("The members' list is full".to_owned());
            d.user_ids.push(user);
            return;
        }
        out.applied += 1;
        if current == Some(level) {
            return;
        }
        rec.members.insert(user.clone(), level);
        if let Some(o) = guest_own {
            rec.own_properties.insert(user.clone(), o);
        }
        self.dirty.groups.insert(key.clone());
        self.notify_own(key, &user, Some(&ctx.session));
    }

    /// `AddGroupMembers-Request` (seed 5.3.3): owner or administrators (816) add users to the
    /// members' list as plain members (members already there keep their role). Per entry:
    /// 531 unknown user, 817 list full, 402 a `ScreenName` (member lists are by user id; see
    /// the module's anonymity notes). `Status` 200, 201 with details, or the failure.
    fn add_group_members(&mut self, ctx: &Ctx, r: AddGroupMembersRequest) -> Primitive {
        let key = self.gkey(&r.group_id);
        if let Err(code) = self.require_admin(&key, &ctx.user) {
            return status(code);
        }
        let mut out = Outcome::default();
        for u in &r.user_list.users {
            self.set_member(ctx, &key, &u.user_id, None, &mut out);
        }
        for s in r.user_list.screen_names {
            out.fail_sname(ResultCode::BAD_PARAMETER, s);
        }
        imps_csp::primitive::access::Status::new(out.into_result()).into()
    }

    /// `RemoveGroupMembers-Request` (seed 5.3.3): owner or administrators (816). Per entry:
    /// 816 the owner, 810 not a member, 402 a `ScreenName`. A removed member's own properties
    /// follow it into its joined sessions (or are dropped). When the group is restricted, the
    /// removed users' joined sessions are forced out (`LeaveGroup-Response` 431, seed 5.2.2);
    /// in an open group they stay joined, as anyone may.
    fn remove_group_members(&mut self, ctx: &Ctx, r: RemoveGroupMembersRequest) -> Primitive {
        let key = self.gkey(&r.group_id);
        if let Err(code) = self.require_admin(&key, &ctx.user) {
            return status(code);
        }
        let mut out = Outcome::default();
        let mut removed = Vec::new();
        for u in &r.user_list.users {
            let user = u.user_id.normalized();
            let Some(rec) = self.st.groups.records.get_mut(&key) else { break };
            if rec.owner.as_ref() == Some(&user) {
                out.fail_user(ResultCode::INSUFFICIENT_GROUP_PRIVILEGES, user);
                continue;
            }
            if rec.members.remove(&user).is_none() {
                out.fail_user(ResultCode::NOT_A_GROUP_MEMBER, user);
                continue;
            }
            let own = rec.own_properties.remove(&user);
            out.applied += 1;
            self.dirty.groups.insert(key.clone());
            if let (Some(o), Some(live)) = (own, self.st.groups.live.get_mut(&key)) {
                if live.joined.values().any(|j| j.user == user) {
                    live.guest_own.insert(user.clone(), o);
                }
            }
            removed.push(user);
        }
        for s in r.user_list.screen_names {
            out.fail_sname(ResultCode::BAD_PARAMETER, s);
        }
        self.force_out_non_members(&key, Some(&removed));
        for u in &removed {
            self.notify_own(&key, u, Some(&ctx.session));
        }
        imps_csp::primitive::access::Status::new(out.into_result()).into()
    }

    /// `MemberAccess-Request` (seed 5.1.3): owner or administrators (816) set roles: users in
    /// `Admin` become administrators, in `Mod` moderators, in `Users` (1.3: the bare
    /// `UserList`) plain members; users not yet members are added. Per entry: 816 the owner
    /// (always an administrator), 531 unknown user, 817 list full, 402 a `ScreenName`. The
    /// users' subscribed sessions get their new `OwnProperties` in a `GroupChangeNotice`.
    fn member_access(&mut self, ctx: &Ctx, r: MemberAccessRequest) -> Primitive {
        let key = self.gkey(&r.group_id);
        if let Err(code) = self.require_admin(&key, &ctx.user) {
            return status(code);
        }
        let mut out = Outcome::default();
        let plain = r.plain_members().cloned();
        let lists = [
            (PrivilegeLevel::Admin, r.admin.map(|w| w.user_list)),
            (PrivilegeLevel::Mod, r.moderators.map(|w| w.user_list)),
            (PrivilegeLevel::User, plain),
        ];
        for (level, list) in lists {
            let Some(list) = list else { continue };
            for u in &list.users {
                self.set_member(ctx, &key, &u.user_id, Some(level), &mut out);
            }
            for s in list.screen_names {
                out.fail_sname(ResultCode::BAD_PARAMETER, s);
            }
        }
        imps_csp::primitive::access::Status::new(out.into_result()).into()
    }

    /// `GetGroupProps-Request` (seed 5.3.4): the group's properties (with `ActiveUsers`, the
    /// participants now, and `Type`) and the requester's own properties (`IsMember`,
    /// `PrivilegeLevel`, then those it set). Anyone may read an open group's properties;
    /// a restricted group's are for its owner, members and joined users (810 for others).
    fn get_group_props(&mut self, ctx: &Ctx, r: GetGroupPropsRequest) -> Primitive {
        let key = self.gkey(&r.group_id);
        let Some(rec) = self.st.groups.records.get(&key) else { return status(ResultCode::GROUP_DOES_NOT_EXIST) };
        if rec.restricted()
            && rec.role_of(&ctx.user).is_none()
            && self.joined_sessions_of(&key, &ctx.user).next().is_none()
        {
            return status(ResultCode::NOT_A_GROUP_MEMBER);
        }
        let mut props = rec.properties.clone();
        props.set_active_users(self.participants(&key).len() as u32);
        let mut resp = GetGroupPropsResponse::default();
        resp.group_properties = props;
        resp.own_properties = self.own_view(&key, &ctx.user);
        resp.into()
    }

    /// `SetGroupProps-Request` (seed 5.3.4). Group properties: owner or administrators (816),
    /// checked as on creation (806; 32 properties at most). Own properties: any member or joined
    /// user for itself (810 otherwise; 806, 816 as in `clean_own_props`). Nothing changes unless
    /// everything is valid. Afterwards: subscribed sessions (but the requester's) get a
    /// `GroupChangeNotice` with the properties whose value changed (and the welcome note when
    /// it changed); the user's other subscribed sessions get its new own properties; a new
    /// `Validity` counts from now; `MaxActiveUsers` below the present count refuses new joins
    /// but forces nobody out; and a change from open to `AccessType=Restricted` forces out
    /// (`LeaveGroup-Response` 431) the joined users who are not members (seed 5.2.2).
    fn set_group_props(&mut self, ctx: &Ctx, r: SetGroupPropsRequest) -> Primitive {
        let key = self.gkey(&r.group_id);
        let Some(rec) = self.st.groups.records.get(&key) else { return status(ResultCode::GROUP_DOES_NOT_EXIST) };
        let role = rec.role_of(&ctx.user);
        let kind = if rec.is_public() { GroupType::Public } else { GroupType::Private };
        let mut new_props = None;
        if let Some(gp) = &r.group_properties {
            if role != Some(PrivilegeLevel::Admin) {
                return status(ResultCode::INSUFFICIENT_GROUP_PRIVILEGES);
            }
            let cleaned = match clean_group_props(gp, kind, self.config.limits.max_group_size) {
                Ok(c) => c,
                Err(code) => return status(code),
            };
            let mut merged = rec.properties.clone();
            merged.apply(&cleaned);
            if merged.properties.len() > MAX_GROUP_PROPERTIES {
                return status(ResultCode::INVALID_GROUP_PROPERTIES);
            }
            new_props = Some((cleaned, merged));
        }
        let mut new_own = None;
        if let Some(op) = &r.own_properties {
            if role.is_none() && self.joined_sessions_of(&key, &ctx.user).next().is_none() {
                return status(ResultCode::NOT_A_GROUP_MEMBER);
            }
            let cleaned = match clean_own_props(&op.properties, role) {
                Ok(c) => c,
                Err(code) => return status(code),
            };
            let mut merged = self.own_of(&key, &ctx.user);
            merge_props(&mut merged, cleaned);
            if merged.len() > MAX_OWN_PROPERTIES {
                return status(ResultCode::INVALID_GROUP_PROPERTIES);
            }
            new_own = Some(merged);
        }
        if let Some((cleaned, merged)) = new_props {
            let rec = self.st.groups.records.get_mut(&key).expect("checked");
            let was_restricted = rec.restricted();
            let mut changed = GroupProperties::default();
            for p in &cleaned.properties {
                if get_prop(&rec.properties.properties, &p.name).and_then(|q| q.value.as_ref()) != p.value.as_ref() {
                    changed.properties.push(p.clone());
                }
            }
            if cleaned.welcome_note.is_some() && cleaned.welcome_note != rec.properties.welcome_note {
                changed.welcome_note = cleaned.welcome_note.clone();
            }
            rec.properties = merged;
            let validity =
                get_prop(&cleaned.properties, "Validity").and_then(|p| p.value.as_deref()?.parse::<u64>().ok());
            self.dirty.groups.insert(key.clone());
            if let Some(v) = validity {
                self.set_expiry(&key, Some(ctx.now.add_secs(v)));
            }
            if !changed.properties.is_empty() || changed.welcome_note.is_some() {
                if changed.properties.is_empty() {
                    // `GroupProperties` carries at least one property: name the group.
                    let name = self.st.groups.records.get(&key).and_then(|g| g.properties.name().map(str::to_owned));
                    changed.set_name(name.unwrap_or_default());
                }
                for (sid, _) in self.subscribers(&key, Some(&ctx.session), None) {
                    let mut n = GroupChangeNotice::new(key.clone());
                    n.group_properties = Some(changed.clone());
                    self.group_push(&sid, n.into());
                }
            }
            if !was_restricted {
                self.force_out_non_members(&key, None);
            }
        }
        if let Some(own) = new_own {
            self.set_own(&key, &ctx.user, own);
            self.notify_own(&key, &ctx.user, Some(&ctx.session));
        }
        status(ResultCode::SUCCESSFUL)
    }

    /// `RejectList-Request` (seed 5.3.5): owner, administrators and moderators (816) change and
    /// read the list of users barred from joining. `AddList` entries: a `UserID` (531 unknown),
    /// or a `ScreenName` of a participant now in the group (531 when nobody goes by it), which
    /// bars the user behind it without revealing it; 816 for the owner, and for an
    /// administrator or moderator when the requester is a moderator; 817 when the list holds
    /// `limits.max_group_size` entries; 402 a `GroupID`. `RemoveList` entries remove a user-id
    /// entry by id and a screen-name entry by name (never one by the other). Rejected users'
    /// joined sessions are forced out (`LeaveGroup-Response` 809); they stay members, but the
    /// reject list wins at join. Answered with `RejectList-Response` (the list: users by id,
    /// screen-name entries as `ScreenName`) when every entry was applied, otherwise with a
    /// `Status` as for member lists.
    fn reject_list(&mut self, ctx: &Ctx, r: RejectListRequest) -> Primitive {
        let key = self.gkey(&r.group_id);
        let Some(rec) = self.st.groups.records.get(&key) else { return status(ResultCode::GROUP_DOES_NOT_EXIST) };
        let my_role = rec.role_of(&ctx.user);
        if !matches!(my_role, Some(PrivilegeLevel::Admin | PrivilegeLevel::Mod)) {
            return status(ResultCode::INSUFFICIENT_GROUP_PRIVILEGES);
        }
        let mut out = Outcome::default();
        let mut barred: Vec<UserId> = Vec::new();
        if let Some(add) = r.add_list {
            let participants = self.participants(&key);
            let mut entries: Vec<(RejectEntry, Option<ScreenName>)> = Vec::new();
            for u in add.user_ids {
                let user = u.normalized();
                if !self.st.accounts.contains_key(&user) {
                    out.fail_user(ResultCode::UNKNOWN_USER, u);
                    continue;
                }
                entries.push((RejectEntry { user, screen_name: None }, None));
            }
            for s in add.screen_names {
                let wanted = sname_key(&s.sname);
                let found =
                    participants.values().find(|p| p.screen_name.as_ref().map(sname_key).as_ref() == Some(&wanted));
                match found {
                    Some(p) => entries
                        .push((RejectEntry { user: p.user.clone(), screen_name: p.screen_name.clone() }, Some(s))),
                    None => out.fail_sname(ResultCode::UNKNOWN_USER, s),
                }
            }
            for g in add.group_ids {
                out.fail_group(ResultCode::BAD_PARAMETER, g);
            }
            let max = self.config.limits.max_group_size;
            let rec = self.st.groups.records.get_mut(&key).expect("checked");
            for (entry, by_name) in entries {
                let target_role = rec.role_of(&entry.user);
                let forbidden = rec.owner.as_ref() == Some(&entry.user)
                    || (my_role == Some(PrivilegeLevel::Mod)
                        && matches!(target_role, Some(PrivilegeLevel::Admin | PrivilegeLevel::Mod)));
                let code = if forbidden {
                    Some(ResultCode::INSUFFICIENT_GROUP_PRIVILEGES)
                } else if !rec.reject.contains(&entry) && rec.reject.len() >= max {
                    Some(ResultCode::MAX_JOINED_USERS)
                } else {
                    None
                };
                if let Some(code) = code {
                    match by_name {
                        Some(s) => out.fail_sname(code, s),
                        None => out.fail_user(code, entry.user),
                    }
                    continue;
                }
                out.applied += 1;
                if !rec.reject.contains(&entry) {
                    barred.push(entry.user.clone());
                    rec.reject.push(entry);
                    self.dirty.groups.insert(key.clone());
                }
            }
        }
        if let Some(remove) = r.remove_list {
            let rec = self.st.groups.records.get_mut(&key).expect("checked");
            let before = rec.reject.len();
            let ids: Vec<UserId> = remove.user_ids.iter().map(UserId::normalized).collect();
            let names: Vec<String> = remove.screen_names.iter().map(|s| sname_key(&s.sname)).collect();
            rec.reject.retain(|e| match &e.screen_name {
                None => !ids.contains(&e.user),
                Some(s) => !names.contains(&sname_key(s)),
            });
            out.applied += ids.len() + names.len();
            if rec.reject.len() != before {
                self.dirty.groups.insert(key.clone());
            }
        }
        if !barred.is_empty() {
            let out_sessions: Vec<SessionId> = self
                .st
                .groups
                .live
                .get(&key)
                .map(|l| l.joined.iter().filter(|(_, j)| barred.contains(&j.user)).map(|(s, _)| s.clone()).collect())
                .unwrap_or_default();
            if !out_sessions.is_empty() {
                self.remove_sessions(&key, &out_sessions, Some(ResultCode::REJECTED), None);
            }
        }
        if !out.ok() {
            return imps_csp::primitive::access::Status::new(out.into_result()).into();
        }
        let rec = self.st.groups.records.get(&key).expect("checked");
        let mut users = Vec::new();
        let mut names = Vec::new();
        for e in &rec.reject {
            match &e.screen_name {
                Some(s) => names.push(screen_name(s.clone(), &key)),
                None => users.push(e.user.clone()),
            }
        }
        let mut resp = RejectListResponse::default();
        resp.user_list = Some(user_list(users, names));
        resp.into()
    }

    /// `SubscribeGroupNotice-Request` (seed 5.2.5), per joined session (808 otherwise): `G`
    /// answers `SubscribeGroupNotice-Response` with `T`/`F`; `S` and `U` set and clear the
    /// subscription and are answered with `Status`. Notices go to subscribed joined sessions
    /// only; leaving ends the subscription.
    fn subscribe_group_notice(&mut self, ctx: &Ctx, r: SubscribeGroupNoticeRequest) -> Primitive {
        let key = self.gkey(&r.group_id);
        if !self.st.groups.records.contains_key(&key) {
            return status(ResultCode::GROUP_DOES_NOT_EXIST);
        }
        let Some(j) = self.st.groups.live.get_mut(&key).and_then(|l| l.joined.get_mut(&ctx.session)) else {
            return status(ResultCode::GROUP_IS_NOT_JOINED);
        };
        match r.subscribe_type {
            SubscribeType::Get => SubscribeGroupNoticeResponse::new(j.subscribed).into(),
            SubscribeType::Set => {
                j.subscribed = true;
                status(ResultCode::SUCCESSFUL)
            }
            SubscribeType::Unset => {
                j.subscribed = false;
                status(ResultCode::SUCCESSFUL)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The contracts other features call (group messages, private messages, search,
    //! invitations), through an engine driven by CSP messages.

    use super::*;
    use crate::server::{Account, MemoryStorage};
    use crate::SplitMix64;
    use imps_csp::elements::ClientId;
    use imps_csp::primitive::access::LoginRequest;
    use imps_csp::{Message, SessionDescriptor, Transaction};

    type E = Engine<MemoryStorage, SplitMix64>;
    const T0: Timestamp = Timestamp(1_795_600_000_000);
    const G: &str = "wv:alice/chess@example.com";

    fn uid(n: &str) -> UserId {
        UserId::new(format!("wv:{n}@example.com"))
    }

    fn engine() -> E {
        let accounts = ["alice", "bob", "carol", "dave"].map(|n| Account::new(&uid(n), "pw"));
        Engine::new(ServerConfig::new("example.com"), MemoryStorage::with_accounts(accounts), SplitMix64(3)).unwrap()
    }

    fn send(e: &mut E, now: Timestamp, sid: Option<&SessionId>, p: impl Into<Primitive>) -> Primitive {
        let sd = sid.map_or_else(SessionDescriptor::outband, |s| SessionDescriptor::inband(s.clone()));
        let m = e.handle_message(now, Message::new(sd, Transaction::request("1", p)), Version::V1_2);
        m.transactions[0].primitive.clone()
    }

    fn login(e: &mut E, n: &str, tag: &str) -> SessionId {
        let req = LoginRequest::with_password(uid(n), ClientId::url(format!("c/{n}/{tag}")), "pw", "ck");
        match send(e, T0, None, req) {
            Primitive::LoginResponse(l) => l.session_id.unwrap(),
            other => panic!("{other:?}"),
        }
    }

    fn code(p: &Primitive) -> u32 {
        match p {
            Primitive::Status(s) => s.result.code.0,
            Primitive::LeaveGroupResponse(r) => r.result.code.0,
            Primitive::JoinGroupResponse(_) => 200,
            other => panic!("{other:?}"),
        }
    }

    fn join(e: &mut E, sid: &SessionId, sname: Option<&str>) -> u32 {
        let mut r = JoinGroupRequest::new(G);
        if let Some(s) = sname {
            r = r.with_screen_name(s);
        }
        code(&send(e, T0, Some(sid), r))
    }

    fn set(e: &mut E, sid: &SessionId, gp: Option<GroupProperties>, own: Option<OwnProperties>) -> u32 {
        let mut r = SetGroupPropsRequest::default();
        r.group_id = G.into();
        r.group_properties = gp;
        r.own_properties = own;
        code(&send(e, T0, Some(sid), r))
    }

    /// Alice (as Queen) owns and has joined G; bob joined without screen name; carol did not.
    fn setup() -> (E, SessionId, SessionId, SessionId) {
        let mut e = engine();
        let (a, b, c) = (login(&mut e, "alice", "1"), login(&mut e, "bob", "1"), login(&mut e, "carol", "1"));
        let create = CreateGroupRequest::new(G, GroupProperties::default().with_name("Chess").with_topic("Openings"))
            .with_screen_name("Queen");
        assert_eq!(code(&send(&mut e, T0, Some(&a), create)), 200);
        assert_eq!(join(&mut e, &b, None), 200);
        (e, a, b, c)
    }

    #[test]
    fn canonical_ids() {
        assert_eq!(canonical_group_id("Example.com", &GroupId::new(" WV:Alice/Chess ")).0, G);
        assert_eq!(canonical_group_id("example.com", &GroupId::new("alice/chess@EXAMPLE.com")).0, G);
        assert_eq!(canonical_group_id("example.com", &GroupId::new("wv:x/y@other.org")).0, "wv:x/y@other.org");
    }

    #[test]
    fn message_targets_are_the_joined_sessions() {
        let (mut e, a, b, c) = setup();
        let (sname, targets) = e.group_message_targets(&GroupId::new("WV:ALICE/CHESS"), &a).unwrap();
        assert_eq!(sname, Some(SName::new("Queen")));
        let mut got: Vec<(UserId, SessionId, Option<SName>)> =
            targets.into_iter().map(|d| (d.user, d.session, d.screen_name)).collect();
        got.sort();
        let mut want = vec![(uid("alice"), a.clone(), Some(SName::new("Queen"))), (uid("bob"), b.clone(), None)];
        want.sort();
        assert_eq!(got, want);
        let (sname, _) = e.group_message_targets(&G.into(), &b).unwrap();
        assert_eq!(sname, None);
        assert_eq!(e.group_message_targets(&G.into(), &c), Err(ResultCode::GROUP_IS_NOT_JOINED));
        assert_eq!(e.group_message_targets(&"wv:alice/none".into(), &a), Err(ResultCode::GROUP_DOES_NOT_EXIST));
        // Leaving ends delivery.
        send(&mut e, T0, Some(&b), LeaveGroupRequest::new(G));
        assert_eq!(e.group_message_targets(&G.into(), &b), Err(ResultCode::GROUP_IS_NOT_JOINED));
        assert_eq!(e.group_message_targets(&G.into(), &a).unwrap().1.len(), 1);
    }

    #[test]
    fn private_targets_by_screen_name() {
        let (mut e, a, b, c) = setup();
        let (sender, d) = e.group_private_target(&G.into(), &SName::new("qUEEN"), &b).unwrap();
        assert_eq!(sender, None);
        assert_eq!((d.user, d.session, d.screen_name), (uid("alice"), a.clone(), Some(SName::new("Queen"))));
        // Users without a screen name go by their user id.
        let (sender, d) = e.group_private_target(&G.into(), &SName::new("wv:Bob@example.com"), &a).unwrap();
        assert_eq!(sender, Some(SName::new("Queen")));
        assert_eq!(d.session, b);
        assert_eq!(e.group_private_target(&G.into(), &SName::new("King"), &a), Err(ResultCode::UNKNOWN_USER));
        assert_eq!(e.group_private_target(&G.into(), &SName::new("Queen"), &c), Err(ResultCode::GROUP_IS_NOT_JOINED));
        assert_eq!(
            e.group_private_target(&"wv:alice/x".into(), &SName::new("Queen"), &a),
            Err(ResultCode::GROUP_DOES_NOT_EXIST)
        );
        // The latest session joined under the name receives it.
        let a2 = login(&mut e, "alice", "2");
        assert_eq!(join(&mut e, &a2, Some("Queen")), 200);
        assert_eq!(e.group_private_target(&G.into(), &SName::new("Queen"), &b).unwrap().1.session, a2);
        // The recipient's own PrivateMessaging=F: 813; the group's: 812.
        assert_eq!(set(&mut e, &a, None, Some(OwnProperties::default().with("PrivateMessaging", "F"))), 200);
        assert_eq!(
            e.group_private_target(&G.into(), &SName::new("Queen"), &b),
            Err(ResultCode::PRIVATE_MESSAGING_DISABLED_FOR_USER)
        );
        assert!(e.group_private_target(&G.into(), &SName::new("wv:bob@example.com"), &a).is_ok());
        assert_eq!(set(&mut e, &a, Some(GroupProperties::default().with_private_messaging(false)), None), 200);
        assert_eq!(
            e.group_private_target(&G.into(), &SName::new("wv:bob@example.com"), &a),
            Err(ResultCode::PRIVATE_MESSAGING_DISABLED_FOR_GROUP)
        );
    }

    #[test]
    fn search_entries_hide_users_behind_screen_names() {
        let (mut e, a, _b, c) = setup();
        assert_eq!(join(&mut e, &c, Some("Bishop")), 200);
        let entries = e.group_search_entries();
        assert_eq!(entries.len(), 1);
        let g = &entries[0];
        assert_eq!(g.id.0, G);
        assert_eq!((g.name.as_deref(), g.topic.as_deref()), (Some("Chess"), Some("Openings")));
        assert_eq!(g.owner, Some(uid("alice")));
        assert_eq!(g.joined, vec![uid("bob")], "alice (Queen) and carol (Bishop) are anonymous");
        assert!(!g.searchable);
        // Alice shows her id; the group becomes searchable.
        assert_eq!(set(&mut e, &a, None, Some(OwnProperties::default().with("ShowID", "T"))), 200);
        assert_eq!(set(&mut e, &a, Some(GroupProperties::default().with_searchable(true)), None), 200);
        let g = &e.group_search_entries()[0];
        assert_eq!(g.joined, vec![uid("alice"), uid("bob")]);
        assert!(g.searchable);
        assert!(e.group_exists(&"WV:Alice/Chess@example.com".into()));
        assert!(!e.group_exists(&"wv:alice/none@example.com".into()));
    }

    #[test]
    fn an_invitation_from_a_moderator_lets_a_non_member_into_a_restricted_group_once() {
        let (mut e, a, b, _c) = setup();
        let mut ma = MemberAccessRequest::default();
        ma.group_id = G.into();
        ma.set_plain_members(Version::V1_2, user_list(vec![uid("bob")], Vec::new()));
        assert_eq!(code(&send(&mut e, T0, Some(&a), ma)), 200);
        assert_eq!(
            set(&mut e, &a, Some(GroupProperties::default().with_access_type(AccessType::Restricted)), None),
            200
        );
        let d = login(&mut e, "dave", "1");
        assert_eq!(join(&mut e, &d, None), 431);
        let until = T0.add_secs(3600);
        assert!(
            !e.group_invitation_accepted(&G.into(), &uid("bob"), &uid("dave"), until),
            "a plain member's invitation"
        );
        assert!(!e.group_invitation_accepted(&G.into(), &uid("carol"), &uid("dave"), until), "a stranger's");
        assert!(e.group_invitation_accepted(&"WV:alice/chess".into(), &uid("Alice"), &uid("dave"), until));
        assert_eq!(e.poll_timeout(), Some(T0.add_secs(300 + 60)), "sessions expire before the pass");
        assert_eq!(e.group_deadline(), Some(until));
        assert_eq!(join(&mut e, &d, Some("Guest")), 200);
        assert_eq!(e.group_deadline(), None, "the pass is used up");
        assert_eq!(code(&send(&mut e, T0, Some(&d), LeaveGroupRequest::new(G))), 200);
        assert_eq!(join(&mut e, &d, None), 431);
        // Passes expire; the reject list wins over them.
        assert!(e.group_invitation_accepted(&G.into(), &uid("alice"), &uid("dave"), T0.add_secs(10)));
        e.group_timeout(T0.add_secs(10));
        assert_eq!(e.group_deadline(), None);
        assert_eq!(join(&mut e, &d, None), 431);
        let mut rl = RejectListRequest::default();
        rl.group_id = G.into();
        rl.add_list = Some(imps_csp::primitive::im::EntityList::users([uid("dave")]));
        assert!(matches!(send(&mut e, T0, Some(&b), rl.clone()), Primitive::Status(_)), "bob is no moderator");
        assert!(matches!(send(&mut e, T0, Some(&a), rl), Primitive::RejectListResponse(_)));
        assert!(!e.group_invitation_accepted(&G.into(), &uid("alice"), &uid("dave"), until));
    }
}
