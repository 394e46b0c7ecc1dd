//! Search and invitation primitives (spec notes 2.2; seed section 8, shared content 6).

use crate::codec::{csp_enum, csp_struct};
use crate::elements::{Recipient, ScreenName, Sender, UrlList, UserList};
use crate::ids::{GroupId, InviteId, SearchId};
use crate::presence::AttrSet;
use crate::Version;

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
    /// `SearchPairList (SearchElement, SearchString)`: one search criterion. (1.3's
    /// `SearchPair`/`AdvancedCriteria` advanced search is not modelled: no public content model.)
    pub struct SearchPairList {
        /// What to match.
        pub element: SearchElement = SearchElement,
        /// The (partial) value to match.
        pub string: String = SearchString,
    }
}

impl SearchPairList {
    /// A criterion.
    pub fn new(element: SearchElement, string: impl Into<String>) -> Self {
        SearchPairList { element, string: string.into() }
    }
}

csp_struct! {
    /// `Search-Request (SearchPairList*, SearchLimit?, SearchID?, SearchIndex?)` (spec notes 2.2):
    /// a new search (pairs and limit) or the next page of a running one (`SearchID` and
    /// `SearchIndex`).
    pub struct SearchRequest {
        /// The criteria, all of which must match.
        pub pairs: Vec<SearchPairList> = SearchPairList,
        /// Largest number of results per response.
        pub limit: Option<u32> = SearchLimit,
        /// The running search to continue.
        pub search_id: Option<SearchId> = SearchID,
        /// Index of the first result wanted.
        pub index: Option<u32> = SearchIndex,
    }
}

impl SearchRequest {
    /// A new search.
    pub fn new(pairs: Vec<SearchPairList>, limit: Option<u32>) -> Self {
        SearchRequest { pairs, limit, search_id: None, index: None }
    }

    /// The results of running search `search_id` from `index` on.
    pub fn continue_at(search_id: SearchId, index: u32) -> Self {
        SearchRequest { pairs: Vec::new(), limit: None, search_id: Some(search_id), index: Some(index) }
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
    /// set it when talking 1.1.
    pub struct InviteRequest {
        /// The inviter's id for the invitation.
        pub invite_id: InviteId = InviteID,
        /// What for.
        pub invite_type: InviteType = InviteType,
        /// Who is invited.
        pub recipient: Recipient = Recipient,
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
    /// invitee's answer to the inviter (server-originated).
    pub struct InviteResponse {
        /// The invitation.
        pub invite_id: InviteId = InviteID,
        /// Accepted or not.
        pub acceptance: bool = Acceptance,
        /// The invitee.
        pub sender: Sender = Sender,
        /// Free text.
        pub response_note: Option<String> = ResponseNote,
    }
}

impl InviteResponse {
    /// An answer from `sender`.
    pub fn new(invite_id: impl Into<InviteId>, acceptance: bool, sender: Sender) -> Self {
        InviteResponse { invite_id: invite_id.into(), acceptance, sender, response_note: None }
    }
}

csp_struct! {
    /// `InviteUser-Request (InviteID, InviteType, Sender, GroupID?, PresenceSubList?, URLList?,
    /// InviteNote?, Validity?)`: the server delivers an invitation to the invitee.
    pub struct InviteUserRequest {
        /// The invitation.
        pub invite_id: InviteId = InviteID,
        /// What for.
        pub invite_type: InviteType = InviteType,
        /// The inviter.
        pub sender: Sender = Sender,
        /// The group (for `GR`).
        pub group_id: Option<GroupId> = GroupID,
        /// The presence attributes offered (for `PR`): names only.
        pub presence_attrs: Option<AttrSet> = PresenceSubList,
        /// The content shared (for `SC`).
        pub url_list: Option<UrlList> = URLList,
        /// Free text.
        pub invite_note: Option<String> = InviteNote,
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
        }
    }
}

csp_struct! {
    /// `InviteUser-Response (InviteID, Acceptance, Sender, ResponseNote?, ScreenName?)`: the
    /// invitee answers. 1.1 has no `Sender` (mandatory in 1.2+).
    pub struct InviteUserResponse {
        /// The invitation.
        pub invite_id: InviteId = InviteID,
        /// Accepted or not.
        pub acceptance: bool = Acceptance,
        /// The inviter the answer goes to (1.2+).
        pub sender: Option<Sender> = Sender [V1_2, V1_3],
        /// Free text.
        pub response_note: Option<String> = ResponseNote,
        /// The screen name the invitee joins the group with.
        pub screen_name: Option<ScreenName> = ScreenName,
    }
}

impl InviteUserResponse {
    /// An answer (add `sender` for 1.2+).
    pub fn new(invite_id: impl Into<InviteId>, acceptance: bool, sender: Option<Sender>) -> Self {
        InviteUserResponse { invite_id: invite_id.into(), acceptance, sender, response_note: None, screen_name: None }
    }
}

csp_struct! {
    /// `CancelInvite-Request (InviteID, Recipient?, InviteNote?, URLList?, ScreenName?)`: the
    /// inviter withdraws an invitation; answered by `Status`. (The Symbian 1.1 DTD rendering has
    /// `Recipient` mandatory; set it when talking 1.1.)
    pub struct CancelInviteRequest {
        /// The invitation.
        pub invite_id: InviteId = InviteID,
        /// Whom the cancel concerns.
        pub recipient: Option<Recipient> = Recipient,
        /// Free text.
        pub invite_note: Option<String> = InviteNote,
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
    /// a cancel to the invitee.
    pub struct CancelInviteUserRequest {
        /// The invitation.
        pub invite_id: InviteId = InviteID,
        /// The inviter.
        pub sender: Sender = Sender,
        /// Free text.
        pub invite_note: Option<String> = InviteNote,
        /// The content no longer shared.
        pub url_list: Option<UrlList> = URLList,
    }
}

impl CancelInviteUserRequest {
    /// A cancel from `sender`.
    pub fn new(invite_id: impl Into<InviteId>, sender: Sender) -> Self {
        CancelInviteUserRequest { invite_id: invite_id.into(), sender, invite_note: None, url_list: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elements::{Group, User};
    use crate::presence::PresenceAttr;
    use crate::testutil::{assert_not_in_version, decode_xml, round_trip};
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
            "<Invite-Request><InviteID>i</InviteID><InviteType>IM</InviteType><Recipient/><Sender><User><UserID>wv:a@x</UserID></User></Sender></Invite-Request>",
        )
        .unwrap_err();
        assert_eq!(e, Error::UnexpectedElement { path: format!("{PATH}/Invite-Request"), found: "Sender".into() });
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
}
