//! Search and invitation primitives (spec notes 2.2; seed section 8, shared content 6).

use crate::codec::{csp_enum, csp_struct, encode_field, Child, Codec, Field, Sink, Source};
use crate::elements::{Recipient, ScreenName, Sender, UrlList, UserList};
use crate::ids::{GroupId, InviteId, SearchId};
use crate::presence::AttrSet;
use crate::schema::Elem;
use crate::{Error, Version};

// ---------------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------------

csp_enum! {
    /// `SearchElement`: what a search pair matches (spec notes 2.2). `GROUP_USER_ID_AUTOJOIN` is
    /// 1.2+, the `USER_CITY` ... `USER_AGE_MIN` values are 1.3 (see
    /// [`introduced_in`](Self::introduced_in)); the encoder does not check value versions.
    pub enum SearchElement {
        "`USER_ID`" UserId = "USER_ID",
        "`USER_FIRST_NAME`" UserFirstName = "USER_FIRST_NAME",
        "`USER_LAST_NAME`" UserLastName = "USER_LAST_NAME",
        "`USER_EMAIL_ADDRESS`" UserEmailAddress = "USER_EMAIL_ADDRESS",
        "`USER_ALIAS`" UserAlias = "USER_ALIAS",
        "`USER_ONLINE_STATUS`" UserOnlineStatus = "USER_ONLINE_STATUS",
        "`USER_MOBILE_NUMBER`" UserMobileNumber = "USER_MOBILE_NUMBER",
        "`GROUP_ID`" GroupId = "GROUP_ID",
        "`GROUP_NAME`" GroupName = "GROUP_NAME",
        "`GROUP_TOPIC`" GroupTopic = "GROUP_TOPIC",
        "`GROUP_USER_ID_JOINED`: groups a user has joined." GroupUserIdJoined = "GROUP_USER_ID_JOINED",
        "`GROUP_USER_ID_OWNER`: groups a user owns." GroupUserIdOwner = "GROUP_USER_ID_OWNER",
        "`GROUP_USER_ID_AUTOJOIN` (1.2+): groups a user auto-joins." GroupUserIdAutojoin = "GROUP_USER_ID_AUTOJOIN",
        "`USER_CITY` (1.3)" UserCity = "USER_CITY",
        "`USER_COUNTRY` (1.3)" UserCountry = "USER_COUNTRY",
        "`USER_FRIENDLY_NAME` (1.3)" UserFriendlyName = "USER_FRIENDLY_NAME",
        "`USER_GENDER` (1.3)" UserGender = "USER_GENDER",
        "`USER_INTENTION` (1.3)" UserIntention = "USER_INTENTION",
        "`USER_INTERESTS_HOBBIES` (1.3)" UserInterestsHobbies = "USER_INTERESTS_HOBBIES",
        "`USER_MARITAL_STATUS` (1.3)" UserMaritalStatus = "USER_MARITAL_STATUS",
        "`USER_AGE_MAX` (1.3)" UserAgeMax = "USER_AGE_MAX",
        "`USER_AGE_MIN` (1.3)" UserAgeMin = "USER_AGE_MIN",
    }
}

/// What a search looks for: users or groups (seed 8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SearchTarget {
    /// Users (`USER_*`); results in `SearchResult/UserList`.
    Users,
    /// Groups (`GROUP_*`); results in `SearchResult/GroupList`.
    Groups,
}

impl SearchElement {
    /// Whether this element searches users or groups.
    pub fn target(self) -> SearchTarget {
        if self.as_str().starts_with("GROUP_") {
            SearchTarget::Groups
        } else {
            SearchTarget::Users
        }
    }

    /// The first version with this value.
    pub fn introduced_in(self) -> Version {
        use SearchElement::*;
        match self {
            UserId | UserFirstName | UserLastName | UserEmailAddress | UserAlias | UserOnlineStatus
            | UserMobileNumber | GroupId | GroupName | GroupTopic | GroupUserIdJoined | GroupUserIdOwner => {
                Version::V1_1
            }
            GroupUserIdAutojoin => Version::V1_2,
            UserCity | UserCountry | UserFriendlyName | UserGender | UserIntention | UserInterestsHobbies
            | UserMaritalStatus | UserAgeMax | UserAgeMin => Version::V1_3,
        }
    }

    /// Whether `version` has this value.
    pub fn exists_in(self, version: Version) -> bool {
        version >= self.introduced_in()
    }
}

csp_struct! {
    /// One search criterion: `SearchPairList (SearchElement, SearchString)` in 1.1 and 1.2 (spec
    /// notes 2.2); in 1.3 `SearchPair (SearchElement, SearchString, PairID)`, several of which a
    /// `SearchPairList` holds (1.3; inferred from the Baraza union model, spec notes appendix A:
    /// `SearchPairList (SearchPair*)`). [`SearchRequest`] reads and writes either form; `PairID`
    /// (an integer naming the pair, presumably for `AdvancedCriteria`) is 1.3 only.
    pub struct SearchPairList {
        /// What to match.
        pub element: SearchElement = SearchElement,
        /// The (partial) value to match.
        pub string: String = SearchString,
        /// The pair's id. 1.3; inferred from the Baraza union model.
        pub pair_id: Option<u32> = PairID [V1_3],
    }
}

impl SearchPairList {
    /// A criterion.
    pub fn new(element: SearchElement, string: impl Into<String>) -> Self {
        SearchPairList { element, string: string.into(), pair_id: None }
    }

    /// Sets `PairID` (1.3).
    pub fn with_pair_id(mut self, pair_id: u32) -> Self {
        self.pair_id = Some(pair_id);
        self
    }
}

mod wire {
    use crate::codec::csp_struct;

    csp_struct! {
        /// The content of a `SearchPairList` element in either form: one flat pair (1.1/1.2; a
        /// `PairID` accepted too) or `SearchPair`s (1.3).
        pub struct PairListContent {
            /// Flat form.
            pub element: Option<super::SearchElement> = SearchElement,
            /// Flat form.
            pub string: Option<String> = SearchString,
            /// Flat form.
            pub pair_id: Option<u32> = PairID,
            /// 1.3 form.
            pub pairs: Vec<super::SearchPairList> = SearchPair,
        }
    }
}

/// Decodes one `SearchPairList` element, in either form, into its criteria.
fn decode_pair_list<'a, S: Source<'a>>(src: &mut S, elem: Elem) -> Result<Vec<SearchPairList>, Error> {
    let c = wire::PairListContent::decode(src, elem)?;
    let missing = |element| Error::MissingElement { path: src.path(), element };
    if c.pairs.is_empty() {
        let element = c.element.ok_or_else(|| missing("SearchElement"))?;
        let string = c.string.ok_or_else(|| missing("SearchString"))?;
        return Ok(vec![SearchPairList { element, string, pair_id: c.pair_id }]);
    }
    let flat = [(c.element.is_some(), Elem::SearchElement), (c.string.is_some(), Elem::SearchString)]
        .into_iter()
        .chain([(c.pair_id.is_some(), Elem::PairID)])
        .find(|(present, _)| *present);
    match flat {
        // A pair both flat and wrapped: the flat child is the odd one out.
        Some((_, e)) => Err(Error::UnexpectedElement { path: src.path(), found: e.name(src.version()).to_owned() }),
        None => Ok(c.pairs),
    }
}

/// `Search-Request (SearchPairList*, SearchLimit?, SearchID?, SearchIndex?)` (spec notes 2.2): a
/// new search (pairs and limit) or the next page of a running one (`SearchID` and `SearchIndex`).
///
/// 1.3 (inferred from the Baraza union model `(SearchPairList*, AdvancedCriteria, SearchLimit,
/// SearchID, SearchIndex)`, spec notes appendix A) wraps the criteria as `SearchPair`s in a
/// `SearchPairList` and adds `AdvancedCriteria`. Decoding accepts both forms in every version
/// (flat `SearchPairList`s and wrapped `SearchPair`s, even mixed); encoding writes one flat
/// `SearchPairList` per criterion in 1.1/1.2 and a single `SearchPairList` of `SearchPair`s in
/// 1.3.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct SearchRequest {
    /// The criteria, all of which must match (unless `advanced_criteria` says otherwise).
    pub pairs: Vec<SearchPairList>,
    /// How the criteria combine (text; its syntax is not public). 1.3; inferred from the Baraza
    /// union model.
    pub advanced_criteria: Option<String>,
    /// Largest number of results per response.
    pub limit: Option<u32>,
    /// The running search to continue.
    pub search_id: Option<SearchId>,
    /// Index of the first result wanted.
    pub index: Option<u32>,
}

impl Codec for SearchRequest {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let mut out = SearchRequest::default();
        while let Some(child) = src.next_child()? {
            match child {
                Child::Known(Elem::SearchPairList) => out.pairs.extend(decode_pair_list(src, Elem::SearchPairList)?),
                Child::Known(Elem::AdvancedCriteria) => {
                    <Option<String>>::accept(&mut out.advanced_criteria, src, Elem::AdvancedCriteria)?
                }
                Child::Known(Elem::SearchLimit) => <Option<u32>>::accept(&mut out.limit, src, Elem::SearchLimit)?,
                Child::Known(Elem::SearchID) => <Option<SearchId>>::accept(&mut out.search_id, src, Elem::SearchID)?,
                Child::Known(Elem::SearchIndex) => <Option<u32>>::accept(&mut out.index, src, Elem::SearchIndex)?,
                other => return Err(src.unexpected(&other)),
            }
        }
        Ok(out)
    }

    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        if w.version() == Version::V1_3 {
            if !self.pairs.is_empty() {
                w.start(Elem::SearchPairList)?;
                Field::encode(&self.pairs, w, Elem::SearchPair)?;
                w.end()?;
            }
        } else {
            Field::encode(&self.pairs, w, Elem::SearchPairList)?;
        }
        encode_field(w, &self.advanced_criteria, Elem::AdvancedCriteria, &[Version::V1_3])?;
        encode_field(w, &self.limit, Elem::SearchLimit, &Version::ALL)?;
        encode_field(w, &self.search_id, Elem::SearchID, &Version::ALL)?;
        encode_field(w, &self.index, Elem::SearchIndex, &Version::ALL)
    }
}

impl SearchRequest {
    /// A new search.
    pub fn new(pairs: Vec<SearchPairList>, limit: Option<u32>) -> Self {
        SearchRequest { pairs, limit, ..Default::default() }
    }

    /// The results of running search `search_id` from `index` on.
    pub fn continue_at(search_id: SearchId, index: u32) -> Self {
        SearchRequest { search_id: Some(search_id), index: Some(index), ..Default::default() }
    }

    /// What the criteria search for; `None` when there are none or they mix users and groups.
    pub fn target(&self) -> Option<SearchTarget> {
        let first = self.pairs.first()?.element.target();
        self.pairs.iter().all(|p| p.element.target() == first).then_some(first)
    }
}

csp_struct! {
    /// `GroupList (GroupID+)` (at least one).
    pub struct GroupList {
        /// The groups.
        pub group_ids: Vec<GroupId> = GroupID,
    }
}

csp_struct! {
    /// `SearchResult (UserList?, GroupList?)`.
    pub struct SearchResult {
        /// Users found.
        pub user_list: Option<UserList> = UserList,
        /// Groups found.
        pub group_list: Option<GroupList> = GroupList,
    }
}

csp_struct! {
    /// `Search-Response (SearchID?, SearchFindings, CompletionFlag, SearchIndex, SearchResult?)`:
    /// one page of results.
    pub struct SearchResponse {
        /// The search, for further pages and `StopSearch-Request`.
        pub search_id: Option<SearchId> = SearchID,
        /// Number of results found so far.
        pub findings: u32 = SearchFindings,
        /// Whether the search is complete.
        pub completion_flag: bool = CompletionFlag,
        /// Index of the next result.
        pub index: u32 = SearchIndex,
        /// This page's results.
        pub result: Option<SearchResult> = SearchResult,
    }
}

csp_struct! {
    /// `StopSearch-Request (SearchID)`: ends a running search; answered by `Status`.
    pub struct StopSearchRequest {
        /// The search.
        pub search_id: SearchId = SearchID,
    }
}

impl StopSearchRequest {
    /// Stops `search_id`.
    pub fn new(search_id: SearchId) -> Self {
        StopSearchRequest { search_id }
    }
}

// ---------------------------------------------------------------------------------------------
// Invitation
// ---------------------------------------------------------------------------------------------

csp_enum! {
    /// `InviteType`: what an invitation is for (seed 8.2).
    pub enum InviteType {
        "`GR`: join a group." Group = "GR",
        "`IM`: instant messaging." Im = "IM",
        "`PR`: share presence." Presence = "PR",
        "`SC`: share content (by `URLList`)." Content = "SC",
    }
}

csp_struct! {
    /// `Invite-Request (InviteID, InviteType, Recipient, GroupID?, PresenceSubList?, URLList?,
    /// InviteNote?, ScreenName?, Validity?)` (spec notes 2.2). In 1.1 `Validity` is mandatory;
    /// set it when talking 1.1. 1.3 adds `Sender?` before `Recipient` and `ApplicationID?` after
    /// it (1.3; inferred from the Baraza union model, spec notes appendix A).
    pub struct InviteRequest {
        /// The inviter's id for the invitation.
        pub invite_id: InviteId = InviteID,
        /// What for.
        pub invite_type: InviteType = InviteType,
        /// The inviter. 1.3; inferred from the Baraza union model.
        pub sender: Option<Sender> = Sender [V1_3],
        /// Who is invited.
        pub recipient: Recipient = Recipient,
        /// The application invited to (e.g. a game). 1.3; inferred from the Baraza union model.
        pub application_id: Option<String> = ApplicationID [V1_3],
        /// The group (for `GR`).
        pub group_id: Option<GroupId> = GroupID,
        /// The presence attributes offered (for `PR`): names only.
        pub presence_attrs: Option<AttrSet> = PresenceSubList,
        /// The content shared (for `SC`).
        pub url_list: Option<UrlList> = URLList,
        /// Free text.
        pub invite_note: Option<String> = InviteNote,
        /// The inviter's screen name in the group.
        pub screen_name: Option<ScreenName> = ScreenName,
        /// Validity in seconds (mandatory in 1.1).
        pub validity: Option<u32> = Validity,
    }
}

impl InviteRequest {
    /// An invitation with the mandatory values.
    pub fn new(invite_id: impl Into<InviteId>, invite_type: InviteType, recipient: Recipient) -> Self {
        InviteRequest { invite_id: invite_id.into(), invite_type, recipient, ..Default::default() }
    }
}

csp_struct! {
    /// `Invite-Response (InviteID, Acceptance, Sender, ResponseNote?)`: the server delivers the
    /// invitee's answer to the inviter (server-originated). 1.3 adds `Recipient?` and
    /// `InviteNote?` before `ResponseNote` and `ScreenName?` after it (1.3; inferred from the
    /// Baraza union model, spec notes appendix A).
    pub struct InviteResponse {
        /// The invitation.
        pub invite_id: InviteId = InviteID,
        /// Accepted or not.
        pub acceptance: bool = Acceptance,
        /// The invitee.
        pub sender: Sender = Sender,
        /// Whom the answer is for. 1.3; inferred from the Baraza union model.
        pub recipient: Option<Recipient> = Recipient [V1_3],
        /// The invitation's note. 1.3; inferred from the Baraza union model.
        pub invite_note: Option<String> = InviteNote [V1_3],
        /// Free text.
        pub response_note: Option<String> = ResponseNote,
        /// The invitee's screen name in the group. 1.3; inferred from the Baraza union model.
        pub screen_name: Option<ScreenName> = ScreenName [V1_3],
    }
}

impl InviteResponse {
    /// An answer from `sender`.
    pub fn new(invite_id: impl Into<InviteId>, acceptance: bool, sender: Sender) -> Self {
        InviteResponse { invite_id: invite_id.into(), acceptance, sender, ..Default::default() }
    }
}

csp_struct! {
    /// `InviteUser-Request (InviteID, InviteType, Sender, GroupID?, PresenceSubList?, URLList?,
    /// InviteNote?, Validity?)`: the server delivers an invitation to the invitee. 1.3 adds
    /// `Recipient?` and `ApplicationID?` after `Sender` and `ScreenName?` before `Validity` (1.3;
    /// inferred from the Baraza union model, spec notes appendix A).
    pub struct InviteUserRequest {
        /// The invitation.
        pub invite_id: InviteId = InviteID,
        /// What for.
        pub invite_type: InviteType = InviteType,
        /// The inviter.
        pub sender: Sender = Sender,
        /// Who is invited. 1.3; inferred from the Baraza union model.
        pub recipient: Option<Recipient> = Recipient [V1_3],
        /// The application invited to. 1.3; inferred from the Baraza union model.
        pub application_id: Option<String> = ApplicationID [V1_3],
        /// The group (for `GR`).
        pub group_id: Option<GroupId> = GroupID,
        /// The presence attributes offered (for `PR`): names only.
        pub presence_attrs: Option<AttrSet> = PresenceSubList,
        /// The content shared (for `SC`).
        pub url_list: Option<UrlList> = URLList,
        /// Free text.
        pub invite_note: Option<String> = InviteNote,
        /// The inviter's screen name in the group. 1.3; inferred from the Baraza union model.
        pub screen_name: Option<ScreenName> = ScreenName [V1_3],
        /// Validity in seconds.
        pub validity: Option<u32> = Validity,
    }
}

impl InviteUserRequest {
    /// An invitation from `sender`.
    pub fn new(invite_id: impl Into<InviteId>, invite_type: InviteType, sender: Sender) -> Self {
        InviteUserRequest { invite_id: invite_id.into(), invite_type, sender, ..Default::default() }
    }

    /// The invitation as delivered to an invitee: `request` (sent by `sender`) re-addressed.
    /// Only the fields every version has are carried over (the 1.3 `ApplicationID`,
    /// `ScreenName` and `Recipient` are left for the caller to set in a 1.3 session).
    pub fn from_request(request: &InviteRequest, sender: Sender) -> Self {
        InviteUserRequest {
            invite_id: request.invite_id.clone(),
            invite_type: request.invite_type,
            sender,
            group_id: request.group_id.clone(),
            presence_attrs: request.presence_attrs.clone(),
            url_list: request.url_list.clone(),
            invite_note: request.invite_note.clone(),
            validity: request.validity,
            ..Default::default()
        }
    }
}

csp_struct! {
    /// `InviteUser-Response (InviteID, Acceptance, Sender, ResponseNote?, ScreenName?)`: the
    /// invitee answers. 1.1 has no `Sender` (mandatory in 1.2+). 1.3 adds `Recipient?` after
    /// `Sender` (1.3; inferred from the Baraza union model, spec notes appendix A).
    pub struct InviteUserResponse {
        /// The invitation.
        pub invite_id: InviteId = InviteID,
        /// Accepted or not.
        pub acceptance: bool = Acceptance,
        /// The inviter the answer goes to (1.2+).
        pub sender: Option<Sender> = Sender [V1_2, V1_3],
        /// Who answers. 1.3; inferred from the Baraza union model.
        pub recipient: Option<Recipient> = Recipient [V1_3],
        /// Free text.
        pub response_note: Option<String> = ResponseNote,
        /// The screen name the invitee joins the group with.
        pub screen_name: Option<ScreenName> = ScreenName,
    }
}

impl InviteUserResponse {
    /// An answer (add `sender` for 1.2+).
    pub fn new(invite_id: impl Into<InviteId>, acceptance: bool, sender: Option<Sender>) -> Self {
        InviteUserResponse { invite_id: invite_id.into(), acceptance, sender, ..Default::default() }
    }
}

csp_struct! {
    /// `CancelInvite-Request (InviteID, Recipient?, InviteNote?, URLList?, ScreenName?)`: the
    /// inviter withdraws an invitation; answered by `Status`. (The Symbian 1.1 DTD rendering has
    /// `Recipient` mandatory; set it when talking 1.1.) 1.3 adds `Sender?`, `ApplicationID?`,
    /// `GroupID?` and `PresenceSubList?` (1.3; inferred from the Baraza union model `(InviteID,
    /// Sender, Recipient, InviteNote, ApplicationID, GroupID, PresenceSubList, URLList,
    /// ScreenName)`, spec notes appendix A).
    pub struct CancelInviteRequest {
        /// The invitation.
        pub invite_id: InviteId = InviteID,
        /// The inviter. 1.3; inferred from the Baraza union model.
        pub sender: Option<Sender> = Sender [V1_3],
        /// Whom the cancel concerns.
        pub recipient: Option<Recipient> = Recipient,
        /// Free text.
        pub invite_note: Option<String> = InviteNote,
        /// The application the invitation was for. 1.3; inferred from the Baraza union model.
        pub application_id: Option<String> = ApplicationID [V1_3],
        /// The group the invitation was for. 1.3; inferred from the Baraza union model.
        pub group_id: Option<GroupId> = GroupID [V1_3],
        /// The presence attributes no longer offered (names only). 1.3; inferred from the
        /// Baraza union model.
        pub presence_attrs: Option<AttrSet> = PresenceSubList [V1_3],
        /// The content no longer shared.
        pub url_list: Option<UrlList> = URLList,
        /// The inviter's screen name.
        pub screen_name: Option<ScreenName> = ScreenName,
    }
}

impl CancelInviteRequest {
    /// Cancels `invite_id` for `recipient`.
    pub fn new(invite_id: impl Into<InviteId>, recipient: Option<Recipient>) -> Self {
        CancelInviteRequest { invite_id: invite_id.into(), recipient, ..Default::default() }
    }
}

csp_struct! {
    /// `CancelInviteUser-Request (InviteID, Sender, InviteNote?, URLList?)`: the server delivers
    /// a cancel to the invitee. 1.3 adds `Recipient?`, `ApplicationID?`, `GroupID?`,
    /// `PresenceSubList?` and `ScreenName?` (1.3; inferred from the Baraza union model
    /// `(InviteID, Sender, Recipient, InviteNote, ApplicationID, GroupID, PresenceSubList,
    /// URLList, ScreenName)`, spec notes appendix A).
    pub struct CancelInviteUserRequest {
        /// The invitation.
        pub invite_id: InviteId = InviteID,
        /// The inviter.
        pub sender: Sender = Sender,
        /// Who was invited. 1.3; inferred from the Baraza union model.
        pub recipient: Option<Recipient> = Recipient [V1_3],
        /// Free text.
        pub invite_note: Option<String> = InviteNote,
        /// The application the invitation was for. 1.3; inferred from the Baraza union model.
        pub application_id: Option<String> = ApplicationID [V1_3],
        /// The group the invitation was for. 1.3; inferred from the Baraza union model.
        pub group_id: Option<GroupId> = GroupID [V1_3],
        /// The presence attributes no longer offered (names only). 1.3; inferred from the
        /// Baraza union model.
        pub presence_attrs: Option<AttrSet> = PresenceSubList [V1_3],
        /// The content no longer shared.
        pub url_list: Option<UrlList> = URLList,
        /// The inviter's screen name in the group. 1.3; inferred from the Baraza union model.
        pub screen_name: Option<ScreenName> = ScreenName [V1_3],
    }
}

impl CancelInviteUserRequest {
    /// A cancel from `sender`.
    pub fn new(invite_id: impl Into<InviteId>, sender: Sender) -> Self {
        CancelInviteUserRequest { invite_id: invite_id.into(), sender, ..Default::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elements::{Group, User};
    use crate::presence::PresenceAttr;
    use crate::testutil::{assert_not_in_version, decode_xml, message, round_trip};
    use crate::{Error, Primitive};
    use Version::{V1_1, V1_2, V1_3};

    /// Error paths are where the decoder stands when it notices: a missing child after its parent
    /// ended (at the grandparent), an unexpected child at the child itself, a bad value after the
    /// leaf ended (at its parent).
    const PATH: &str = "/WV-CSP-Message/Session/Transaction/TransactionContent";

    fn alice() -> Sender {
        Sender::User(User::new("wv:alice@x"))
    }

    #[test]
    fn search_elements() {
        assert_eq!(SearchElement::ALL.len(), 22);
        let groups: Vec<_> = SearchElement::ALL.iter().filter(|e| e.target() == SearchTarget::Groups).collect();
        assert_eq!(groups.len(), 6);
        assert_eq!(SearchElement::UserAlias.target(), SearchTarget::Users);
        assert_eq!(SearchElement::GroupUserIdOwner.target(), SearchTarget::Groups);
        assert_eq!(SearchElement::ALL.iter().filter(|e| e.exists_in(V1_1)).count(), 12);
        assert_eq!(SearchElement::ALL.iter().filter(|e| e.exists_in(V1_2)).count(), 13);
        assert!(SearchElement::UserAgeMin.exists_in(V1_3) && !SearchElement::UserAgeMin.exists_in(V1_2));
        assert_eq!(SearchElement::parse("GROUP_USER_ID_AUTOJOIN"), Some(SearchElement::GroupUserIdAutojoin));
    }

    #[test]
    fn search_request() {
        let p = decode_xml(
            V1_2,
            "<Search-Request><SearchPairList><SearchElement>USER_FIRST_NAME</SearchElement><SearchString>Ali</SearchString></SearchPairList><SearchPairList><SearchElement>USER_EMAIL_ADDRESS</SearchElement><SearchString>@x</SearchString></SearchPairList><SearchLimit>20</SearchLimit></Search-Request>",
        )
        .unwrap();
        let expected = SearchRequest::new(
            vec![
                SearchPairList::new(SearchElement::UserFirstName, "Ali"),
                SearchPairList::new(SearchElement::UserEmailAddress, "@x"),
            ],
            Some(20),
        );
        assert_eq!(p, Primitive::SearchRequest(expected.clone()));
        assert_eq!(expected.target(), Some(SearchTarget::Users));
        round_trip(expected, &Version::ALL);

        let p =
            decode_xml(V1_1, "<Search-Request><SearchID>7</SearchID><SearchIndex>20</SearchIndex></Search-Request>")
                .unwrap();
        let expected = SearchRequest::continue_at(SearchId(7), 20);
        assert_eq!(p, Primitive::SearchRequest(expected.clone()));
        assert_eq!(expected.target(), None);
        round_trip(expected, &Version::ALL);
        let mixed = SearchRequest::new(
            vec![
                SearchPairList::new(SearchElement::GroupName, "chat"),
                SearchPairList::new(SearchElement::UserId, "wv:a@x"),
            ],
            None,
        );
        assert_eq!(mixed.target(), None);

        let e = decode_xml(
            V1_2,
            "<Search-Request><SearchPairList><SearchElement>USER_SHOE_SIZE</SearchElement><SearchString>42</SearchString></SearchPairList></Search-Request>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::InvalidValue {
                path:
                    "/WV-CSP-Message/Session/Transaction/TransactionContent/Search-Request/SearchPairList/SearchElement"
                        .into(),
                value: "USER_SHOE_SIZE".into(),
                expected: "SearchElement"
            }
        );
        let e = decode_xml(
            V1_2,
            "<Search-Request><SearchPairList><SearchString>42</SearchString></SearchPairList></Search-Request>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::MissingElement { path: format!("{PATH}/Search-Request/SearchPairList"), element: "SearchElement" }
        );
    }

    #[test]
    fn search_response_and_stop() {
        let p = decode_xml(
            V1_2,
            "<Search-Response><SearchID>7</SearchID><SearchFindings>2</SearchFindings><CompletionFlag>T</CompletionFlag><SearchIndex>2</SearchIndex><SearchResult><UserList><User><UserID>wv:alice@x</UserID></User><User><UserID>wv:alina@x</UserID></User></UserList></SearchResult></Search-Response>",
        )
        .unwrap();
        let expected = SearchResponse {
            search_id: Some(SearchId(7)),
            findings: 2,
            completion_flag: true,
            index: 2,
            result: Some(SearchResult {
                user_list: Some(UserList {
                    users: vec![User::new("wv:alice@x"), User::new("wv:alina@x")],
                    screen_names: Vec::new(),
                }),
                group_list: None,
            }),
        };
        assert_eq!(p, Primitive::SearchResponse(expected.clone()));
        round_trip(expected, &Version::ALL);
        let groups = SearchResponse {
            search_id: None,
            findings: 1,
            completion_flag: false,
            index: 1,
            result: Some(SearchResult {
                user_list: None,
                group_list: Some(GroupList { group_ids: vec!["wv:chat@x".into()] }),
            }),
        };
        round_trip(groups, &Version::ALL);
        let e = decode_xml(
            V1_2,
            "<Search-Response><SearchFindings>0</SearchFindings><SearchIndex>0</SearchIndex></Search-Response>",
        )
        .unwrap_err();
        assert_eq!(e, Error::MissingElement { path: format!("{PATH}/Search-Response"), element: "CompletionFlag" });

        assert_eq!(
            decode_xml(V1_1, "<StopSearch-Request><SearchID>7</SearchID></StopSearch-Request>").unwrap(),
            Primitive::StopSearchRequest(StopSearchRequest::new(SearchId(7)))
        );
        round_trip(StopSearchRequest::new(SearchId(7)), &Version::ALL);
    }

    #[test]
    fn invite_request() {
        let p = decode_xml(
            V1_2,
            "<Invite-Request><InviteID>inv-1</InviteID><InviteType>PR</InviteType><Recipient><User><UserID>wv:bob@x</UserID></User></Recipient><PresenceSubList xmlns=\"http://www.openmobilealliance.org/DTD/WV-PA1.2\"><OnlineStatus/><StatusText/></PresenceSubList><InviteNote>See my status</InviteNote><Validity>3600</Validity></Invite-Request>",
        )
        .unwrap();
        let mut expected = InviteRequest::new("inv-1", InviteType::Presence, Recipient::user("wv:bob@x"));
        expected.presence_attrs = Some([PresenceAttr::OnlineStatus, PresenceAttr::StatusText].into_iter().collect());
        expected.invite_note = Some("See my status".into());
        expected.validity = Some(3600);
        assert_eq!(p, Primitive::InviteRequest(expected.clone()));
        round_trip(expected, &Version::ALL);

        let p = decode_xml(
            V1_1,
            "<Invite-Request><InviteID>inv-2</InviteID><InviteType>GR</InviteType><Recipient><User><UserID>wv:bob@x</UserID></User></Recipient><GroupID>wv:alice/chat@x</GroupID><URLList><URL>http://x/a</URL></URLList><ScreenName><SName>Al</SName><GroupID>wv:alice/chat@x</GroupID></ScreenName><Validity>60</Validity></Invite-Request>",
        )
        .unwrap();
        let mut expected = InviteRequest::new("inv-2", InviteType::Group, Recipient::user("wv:bob@x"));
        expected.group_id = Some("wv:alice/chat@x".into());
        expected.url_list = Some(UrlList { urls: vec!["http://x/a".into()] });
        expected.screen_name = Some(ScreenName { sname: "Al".into(), group_id: "wv:alice/chat@x".into() });
        expected.validity = Some(60);
        assert_eq!(p, Primitive::InviteRequest(expected.clone()));
        round_trip(expected, &Version::ALL);

        let e = decode_xml(
            V1_2,
            "<Invite-Request><InviteID>i</InviteID><InviteType>XX</InviteType><Recipient/></Invite-Request>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::InvalidValue {
                path: format!("{PATH}/Invite-Request/InviteType"),
                value: "XX".into(),
                expected: "InviteType"
            }
        );
        let e = decode_xml(V1_2, "<Invite-Request><InviteID>i</InviteID><InviteType>IM</InviteType></Invite-Request>")
            .unwrap_err();
        assert_eq!(e, Error::MissingElement { path: format!("{PATH}/Invite-Request"), element: "Recipient" });
        let e = decode_xml(
            V1_2,
            "<Invite-Request><InviteID>i</InviteID><InviteType>IM</InviteType><Recipient/><Acceptance>T</Acceptance></Invite-Request>",
        )
        .unwrap_err();
        assert_eq!(e, Error::UnexpectedElement { path: format!("{PATH}/Invite-Request"), found: "Acceptance".into() });
    }

    #[test]
    fn invite_user_request_and_responses() {
        let p = decode_xml(
            V1_2,
            "<InviteUser-Request><InviteID>inv-1</InviteID><InviteType>SC</InviteType><Sender><User><UserID>wv:alice@x</UserID></User></Sender><URLList><URL>http://x/photo.jpg</URL></URLList><InviteNote>Look</InviteNote></InviteUser-Request>",
        )
        .unwrap();
        let mut request = InviteRequest::new("inv-1", InviteType::Content, Recipient::user("wv:bob@x"));
        request.url_list = Some(UrlList { urls: vec!["http://x/photo.jpg".into()] });
        request.invite_note = Some("Look".into());
        let expected = InviteUserRequest::from_request(&request, alice());
        assert_eq!(p, Primitive::InviteUserRequest(expected.clone()));
        round_trip(expected, &Version::ALL);
        round_trip(InviteUserRequest::new("inv-3", InviteType::Im, alice()), &Version::ALL);

        // The invitee answers (1.2 with Sender, 1.1 without).
        let p = decode_xml(
            V1_2,
            "<InviteUser-Response><InviteID>inv-1</InviteID><Acceptance>T</Acceptance><Sender><User><UserID>wv:alice@x</UserID></User></Sender><ResponseNote>Nice</ResponseNote></InviteUser-Response>",
        )
        .unwrap();
        let mut expected = InviteUserResponse::new("inv-1", true, Some(alice()));
        expected.response_note = Some("Nice".into());
        assert_eq!(p, Primitive::InviteUserResponse(expected.clone()));
        round_trip(expected.clone(), &[V1_2, V1_3]);
        assert_not_in_version(expected, V1_1, "Sender");
        let p = decode_xml(
            V1_1,
            "<InviteUser-Response><InviteID>inv-2</InviteID><Acceptance>F</Acceptance><ScreenName><SName>Bob</SName><GroupID>wv:g@x</GroupID></ScreenName></InviteUser-Response>",
        )
        .unwrap();
        let mut expected = InviteUserResponse::new("inv-2", false, None);
        expected.screen_name = Some(ScreenName { sname: "Bob".into(), group_id: "wv:g@x".into() });
        assert_eq!(p, Primitive::InviteUserResponse(expected.clone()));
        round_trip(expected, &Version::ALL);

        // The server delivers the answer to the inviter.
        let p = decode_xml(
            V1_2,
            "<Invite-Response><InviteID>inv-1</InviteID><Acceptance>T</Acceptance><Sender><User><UserID>wv:bob@x</UserID></User></Sender></Invite-Response>",
        )
        .unwrap();
        let expected = InviteResponse::new("inv-1", true, Sender::User(User::new("wv:bob@x")));
        assert_eq!(p, Primitive::InviteResponse(expected.clone()));
        round_trip(expected, &Version::ALL);
        let e =
            decode_xml(V1_2, "<Invite-Response><InviteID>i</InviteID><Acceptance>maybe</Acceptance></Invite-Response>")
                .unwrap_err();
        assert_eq!(
            e,
            Error::InvalidValue {
                path: format!("{PATH}/Invite-Response/Acceptance"),
                value: "maybe".into(),
                expected: "T or F"
            }
        );
    }

    #[test]
    fn cancel_invites() {
        let p = decode_xml(
            V1_2,
            "<CancelInvite-Request><InviteID>inv-1</InviteID><Recipient><Group><GroupID>wv:g@x</GroupID></Group></Recipient><InviteNote>Sorry</InviteNote></CancelInvite-Request>",
        )
        .unwrap();
        let mut expected = CancelInviteRequest::new("inv-1", Some(Recipient::group("wv:g@x")));
        expected.invite_note = Some("Sorry".into());
        assert_eq!(p, Primitive::CancelInviteRequest(expected.clone()));
        round_trip(expected, &Version::ALL);
        round_trip(CancelInviteRequest::new("inv-1", None), &Version::ALL);

        let p = decode_xml(
            V1_1,
            "<CancelInviteUser-Request><InviteID>inv-1</InviteID><Sender><Group><ScreenName><SName>Al</SName><GroupID>wv:g@x</GroupID></ScreenName></Group></Sender><URLList><URL>http://x/a</URL></URLList></CancelInviteUser-Request>",
        )
        .unwrap();
        let sender = Sender::Group(Group::ScreenName(ScreenName { sname: "Al".into(), group_id: "wv:g@x".into() }));
        let mut expected = CancelInviteUserRequest::new("inv-1", sender);
        expected.url_list = Some(UrlList { urls: vec!["http://x/a".into()] });
        assert_eq!(p, Primitive::CancelInviteUserRequest(expected.clone()));
        round_trip(expected, &Version::ALL);
        let e = decode_xml(V1_2, "<CancelInviteUser-Request><InviteID>i</InviteID></CancelInviteUser-Request>")
            .unwrap_err();
        assert_eq!(e, Error::MissingElement { path: format!("{PATH}/CancelInviteUser-Request"), element: "Sender" });
    }

    // --- 1.3 additions -------------------------------------------------------------------------

    fn pairs_13() -> SearchRequest {
        SearchRequest {
            pairs: vec![
                SearchPairList::new(SearchElement::UserCity, "Helsinki").with_pair_id(1),
                SearchPairList::new(SearchElement::UserAgeMin, "30").with_pair_id(2),
            ],
            advanced_criteria: Some("1 AND 2".into()),
            ..SearchRequest::new(Vec::new(), Some(10))
        }
    }

    #[test]
    fn search_request_1_3_pairs() {
        // The 1.3 form: SearchPairs inside one SearchPairList, with PairIDs, and AdvancedCriteria.
        let wrapped = "<Search-Request><SearchPairList>\
            <SearchPair><SearchElement>USER_CITY</SearchElement><SearchString>Helsinki</SearchString><PairID>1</PairID></SearchPair>\
            <SearchPair><SearchElement>USER_AGE_MIN</SearchElement><SearchString>30</SearchString><PairID>2</PairID></SearchPair>\
            </SearchPairList><AdvancedCriteria>1 AND 2</AdvancedCriteria><SearchLimit>10</SearchLimit></Search-Request>";
        assert_eq!(decode_xml(V1_3, wrapped).unwrap(), Primitive::SearchRequest(pairs_13()));
        // The same criteria as flat pairs (one per SearchPairList, PairID accepted there too), and
        // mixed: the same value.
        let flat = "<Search-Request>\
            <SearchPairList><SearchElement>USER_CITY</SearchElement><SearchString>Helsinki</SearchString><PairID>1</PairID></SearchPairList>\
            <SearchPairList><SearchPair><SearchElement>USER_AGE_MIN</SearchElement><SearchString>30</SearchString><PairID>2</PairID></SearchPair></SearchPairList>\
            <AdvancedCriteria>1 AND 2</AdvancedCriteria><SearchLimit>10</SearchLimit></Search-Request>";
        assert_eq!(decode_xml(V1_3, flat).unwrap(), Primitive::SearchRequest(pairs_13()));
        round_trip(pairs_13(), &[V1_3]);

        // Encoding writes the 1.3 form in 1.3 and the flat form in 1.1/1.2.
        let plain = SearchRequest::new(
            vec![
                SearchPairList::new(SearchElement::UserAlias, "bob"),
                SearchPairList::new(SearchElement::UserFirstName, "Bo"),
            ],
            None,
        );
        let xml13 = String::from_utf8(message(plain.clone().into()).to_xml(V1_3).unwrap()).unwrap();
        assert!(
            xml13.contains(
                "<SearchPairList><SearchPair><SearchElement>USER_ALIAS</SearchElement><SearchString>bob</SearchString>\
                 </SearchPair><SearchPair><SearchElement>USER_FIRST_NAME</SearchElement><SearchString>Bo</SearchString>\
                 </SearchPair></SearchPairList>"
            ),
            "{xml13}"
        );
        let xml12 = String::from_utf8(message(plain.clone().into()).to_xml(V1_2).unwrap()).unwrap();
        assert!(
            xml12.contains(
                "<SearchPairList><SearchElement>USER_ALIAS</SearchElement><SearchString>bob</SearchString></SearchPairList>\
                 <SearchPairList><SearchElement>USER_FIRST_NAME</SearchElement>"
            ),
            "{xml12}"
        );
        round_trip(plain, &Version::ALL);

        // PairID and AdvancedCriteria are 1.3 only.
        let with_id =
            SearchRequest::new(vec![SearchPairList::new(SearchElement::UserId, "wv:a").with_pair_id(1)], None);
        let advanced =
            SearchRequest { advanced_criteria: Some("1".into()), ..SearchRequest::continue_at(SearchId(1), 0) };
        for v in [V1_1, V1_2] {
            assert_not_in_version(with_id.clone(), v, "PairID");
            assert_not_in_version(advanced.clone(), v, "AdvancedCriteria");
        }
    }

    #[test]
    fn search_pair_list_malformed() {
        const SPL: &str = "/WV-CSP-Message/Session/Transaction/TransactionContent/Search-Request/SearchPairList";
        let decode = |inner: &str| {
            decode_xml(V1_3, &format!("<Search-Request><SearchPairList>{inner}</SearchPairList></Search-Request>"))
        };
        // A pair both flat and wrapped.
        let e = decode(
            "<SearchElement>USER_ID</SearchElement><SearchPair><SearchElement>USER_ID</SearchElement>\
             <SearchString>a</SearchString></SearchPair>",
        )
        .unwrap_err();
        assert_eq!(e, Error::UnexpectedElement { path: SPL.into(), found: "SearchElement".into() });
        // An empty list, and a SearchPair without its string.
        assert_eq!(decode("").unwrap_err(), Error::MissingElement { path: SPL.into(), element: "SearchElement" });
        let e = decode("<SearchPair><SearchElement>USER_ID</SearchElement></SearchPair>").unwrap_err();
        assert_eq!(e, Error::MissingElement { path: format!("{SPL}/SearchPair"), element: "SearchString" });
        // PairID is an integer.
        let e = decode(
            "<SearchPair><SearchElement>USER_ID</SearchElement><SearchString>a</SearchString><PairID>one</PairID></SearchPair>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::InvalidValue {
                path: format!("{SPL}/SearchPair/PairID"),
                value: "one".into(),
                expected: "an integer"
            }
        );
    }

    #[test]
    fn invite_request_and_response_1_3() {
        let p = decode_xml(
            V1_3,
            "<Invite-Request><InviteID>inv-9</InviteID><InviteType>IM</InviteType>\
             <Sender><User><UserID>wv:alice@x</UserID></User></Sender>\
             <Recipient><User><UserID>wv:bob@x</UserID></User></Recipient>\
             <ApplicationID>com.example.chess</ApplicationID><InviteNote>A game?</InviteNote></Invite-Request>",
        )
        .unwrap();
        let want = InviteRequest {
            sender: Some(alice()),
            application_id: Some("com.example.chess".into()),
            invite_note: Some("A game?".into()),
            ..InviteRequest::new("inv-9", InviteType::Im, Recipient::user("wv:bob@x"))
        };
        assert_eq!(p, Primitive::InviteRequest(want.clone()));
        round_trip(want, &[V1_3]);
        let base = || InviteRequest::new("i", InviteType::Im, Recipient::user("wv:bob@x"));
        for v in [V1_1, V1_2] {
            assert_not_in_version(InviteRequest { sender: Some(alice()), ..base() }, v, "Sender");
            assert_not_in_version(InviteRequest { application_id: Some("a".into()), ..base() }, v, "ApplicationID");
        }

        let sn = ScreenName { sname: "Bob".into(), group_id: "wv:g@x".into() };
        let p = decode_xml(
            V1_3,
            "<Invite-Response><InviteID>inv-9</InviteID><Acceptance>T</Acceptance>\
             <Sender><User><UserID>wv:bob@x</UserID></User></Sender>\
             <Recipient><User><UserID>wv:alice@x</UserID></User></Recipient><InviteNote>A game?</InviteNote>\
             <ResponseNote>Sure</ResponseNote><ScreenName><SName>Bob</SName><GroupID>wv:g@x</GroupID></ScreenName>\
             </Invite-Response>",
        )
        .unwrap();
        let want = InviteResponse {
            recipient: Some(Recipient::user("wv:alice@x")),
            invite_note: Some("A game?".into()),
            response_note: Some("Sure".into()),
            screen_name: Some(sn.clone()),
            ..InviteResponse::new("inv-9", true, Sender::User(User::new("wv:bob@x")))
        };
        assert_eq!(p, Primitive::InviteResponse(want.clone()));
        round_trip(want, &[V1_3]);
        let base = || InviteResponse::new("i", false, alice());
        for v in [V1_1, V1_2] {
            assert_not_in_version(InviteResponse { recipient: Some(Recipient::user("b")), ..base() }, v, "Recipient");
            assert_not_in_version(InviteResponse { invite_note: Some("n".into()), ..base() }, v, "InviteNote");
            assert_not_in_version(InviteResponse { screen_name: Some(sn.clone()), ..base() }, v, "ScreenName");
        }
    }

    #[test]
    fn invite_user_request_and_response_1_3() {
        let sn = ScreenName { sname: "Al".into(), group_id: "wv:alice/chat@x".into() };
        let p = decode_xml(
            V1_3,
            "<InviteUser-Request><InviteID>inv-9</InviteID><InviteType>GR</InviteType>\
             <Sender><User><UserID>wv:alice@x</UserID></User></Sender>\
             <Recipient><User><UserID>wv:bob@x</UserID></User></Recipient><ApplicationID>app</ApplicationID>\
             <GroupID>wv:alice/chat@x</GroupID><ScreenName><SName>Al</SName><GroupID>wv:alice/chat@x</GroupID></ScreenName>\
             <Validity>60</Validity></InviteUser-Request>",
        )
        .unwrap();
        let want = InviteUserRequest {
            recipient: Some(Recipient::user("wv:bob@x")),
            application_id: Some("app".into()),
            group_id: Some("wv:alice/chat@x".into()),
            screen_name: Some(sn.clone()),
            validity: Some(60),
            ..InviteUserRequest::new("inv-9", InviteType::Group, alice())
        };
        assert_eq!(p, Primitive::InviteUserRequest(want.clone()));
        round_trip(want, &[V1_3]);
        let base = || InviteUserRequest::new("i", InviteType::Im, alice());
        for v in [V1_1, V1_2] {
            assert_not_in_version(
                InviteUserRequest { recipient: Some(Recipient::user("b")), ..base() },
                v,
                "Recipient",
            );
            assert_not_in_version(InviteUserRequest { application_id: Some("a".into()), ..base() }, v, "ApplicationID");
            assert_not_in_version(InviteUserRequest { screen_name: Some(sn.clone()), ..base() }, v, "ScreenName");
        }
        // Re-addressing an invitation carries no 1.3 field, so it encodes in every version.
        let request = InviteRequest {
            sender: Some(alice()),
            application_id: Some("app".into()),
            ..InviteRequest::new("inv-9", InviteType::Im, Recipient::user("wv:bob@x"))
        };
        round_trip(InviteUserRequest::from_request(&request, alice()), &[V1_2, V1_3]);

        let p = decode_xml(
            V1_3,
            "<InviteUser-Response><InviteID>inv-9</InviteID><Acceptance>F</Acceptance>\
             <Sender><User><UserID>wv:alice@x</UserID></User></Sender>\
             <Recipient><User><UserID>wv:bob@x</UserID></User></Recipient></InviteUser-Response>",
        )
        .unwrap();
        let want = InviteUserResponse {
            recipient: Some(Recipient::user("wv:bob@x")),
            ..InviteUserResponse::new("inv-9", false, Some(alice()))
        };
        assert_eq!(p, Primitive::InviteUserResponse(want.clone()));
        round_trip(want.clone(), &[V1_3]);
        assert_not_in_version(want, V1_2, "Recipient");
    }

    #[test]
    fn cancel_invites_1_3() {
        let p = decode_xml(
            V1_3,
            "<CancelInvite-Request><InviteID>inv-9</InviteID><Sender><User><UserID>wv:alice@x</UserID></User></Sender>\
             <Recipient><User><UserID>wv:bob@x</UserID></User></Recipient><InviteNote>Sorry</InviteNote>\
             <ApplicationID>app</ApplicationID><GroupID>wv:g@x</GroupID>\
             <PresenceSubList xmlns=\"http://www.openmobilealliance.org/DTD/IMPS-PA1.3\"><OnlineStatus/></PresenceSubList>\
             <ScreenName><SName>Al</SName><GroupID>wv:g@x</GroupID></ScreenName></CancelInvite-Request>",
        )
        .unwrap();
        let sn = ScreenName { sname: "Al".into(), group_id: "wv:g@x".into() };
        let online: AttrSet = [PresenceAttr::OnlineStatus].into_iter().collect();
        let want = CancelInviteRequest {
            sender: Some(alice()),
            invite_note: Some("Sorry".into()),
            application_id: Some("app".into()),
            group_id: Some("wv:g@x".into()),
            presence_attrs: Some(online.clone()),
            screen_name: Some(sn.clone()),
            ..CancelInviteRequest::new("inv-9", Some(Recipient::user("wv:bob@x")))
        };
        assert_eq!(p, Primitive::CancelInviteRequest(want.clone()));
        round_trip(want, &[V1_3]);
        let base = || CancelInviteRequest::new("i", None);
        for v in [V1_1, V1_2] {
            assert_not_in_version(CancelInviteRequest { sender: Some(alice()), ..base() }, v, "Sender");
            assert_not_in_version(
                CancelInviteRequest { application_id: Some("a".into()), ..base() },
                v,
                "ApplicationID",
            );
            assert_not_in_version(CancelInviteRequest { group_id: Some("g".into()), ..base() }, v, "GroupID");
            assert_not_in_version(
                CancelInviteRequest { presence_attrs: Some(online.clone()), ..base() },
                v,
                "PresenceSubList",
            );
        }

        let p = decode_xml(
            V1_3,
            "<CancelInviteUser-Request><InviteID>inv-9</InviteID><Sender><User><UserID>wv:alice@x</UserID></User></Sender>\
             <Recipient><User><UserID>wv:bob@x</UserID></User></Recipient><ApplicationID>app</ApplicationID>\
             <GroupID>wv:g@x</GroupID><PresenceSubList><OnlineStatus/></PresenceSubList>\
             <URLList><URL>http://x/a</URL></URLList><ScreenName><SName>Al</SName><GroupID>wv:g@x</GroupID></ScreenName>\
             </CancelInviteUser-Request>",
        )
        .unwrap();
        let want = CancelInviteUserRequest {
            recipient: Some(Recipient::user("wv:bob@x")),
            application_id: Some("app".into()),
            group_id: Some("wv:g@x".into()),
            presence_attrs: Some(online.clone()),
            url_list: Some(UrlList { urls: vec!["http://x/a".into()] }),
            screen_name: Some(sn.clone()),
            ..CancelInviteUserRequest::new("inv-9", alice())
        };
        assert_eq!(p, Primitive::CancelInviteUserRequest(want.clone()));
        round_trip(want, &[V1_3]);
        let base = || CancelInviteUserRequest::new("i", alice());
        for v in [V1_1, V1_2] {
            assert_not_in_version(
                CancelInviteUserRequest { recipient: Some(Recipient::user("b")), ..base() },
                v,
                "Recipient",
            );
            assert_not_in_version(
                CancelInviteUserRequest { application_id: Some("a".into()), ..base() },
                v,
                "ApplicationID",
            );
            assert_not_in_version(CancelInviteUserRequest { group_id: Some("g".into()), ..base() }, v, "GroupID");
            assert_not_in_version(
                CancelInviteUserRequest { presence_attrs: Some(online.clone()), ..base() },
                v,
                "PresenceSubList",
            );
            assert_not_in_version(CancelInviteUserRequest { screen_name: Some(sn.clone()), ..base() }, v, "ScreenName");
        }
    }
}
