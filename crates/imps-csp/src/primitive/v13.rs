//! Primitives added in IMPS-CSP 1.3 (spec notes 2.1 last row, section 9 "1.2 -> 1.3"), and the
//! 1.3-only element types they carry.
//!
//! The 1.3 specification is not public. What is public: the element names and tokens of the 1.3
//! WBXML tables (spec notes 6.3) and the union message model of the Baraza server
//! (`blamba-de/baraza` `baraza/cspmessages.def`, rendered in the notes' appendix A), which gives
//! element order but no optionality. So every model here keeps the Baraza order and makes every
//! child optional, except where a primitive or element is meaningless without a child; each such
//! mandatory child is marked "inferred from the Baraza union model; optionality not public".
//! Where appendix A flattens a Baraza `Union` to `()` (`GetMap-*`, `VerificationMechanism`) or
//! drops it (`Notification-Request`), the alternatives come from `cspmessages.def` itself.
//! Integer elements follow the 1.3 integer list (spec notes 6.2): `SegmentCount`,
//! `SegmentReference`, `AnswerOptionID`, `ChosenOptionID`, `SessionPriority`.
//!
//! Every type here exists only in 1.3: its elements have no 1.1 or 1.2 token, so encoding any of
//! them for 1.1 or 1.2 fails with [`Error::NotInVersion`](crate::Error::NotInVersion).

use super::group::WelcomeNote;
use crate::codec::{csp_open_enum, csp_struct, encode_element, Codec, Sink, Source};
use crate::elements::{decode_choice, ContentEncoding, CspResult, Property, ScreenName, UserList};
use crate::ids::{ContactListId, GroupId, InviteId, TransactionId, UserId};
use crate::presence::PresenceSubList;
use crate::raw::RawNode;
use crate::schema::Elem;
use crate::Error;

// ---------------------------------------------------------------------------------------------
// Supporting types
// ---------------------------------------------------------------------------------------------

csp_struct! {
    /// `SegmentID (TransactionID, SegmentReference)` (1.3): one segment of a segmented
    /// transaction. Both children are mandatory here: inferred from the Baraza union model;
    /// optionality not public (a segment is named by both).
    pub struct SegmentId {
        /// The segmented transaction.
        pub transaction_id: TransactionId = TransactionID,
        /// Which segment (an integer).
        pub segment_reference: u32 = SegmentReference,
    }
}

impl SegmentId {
    /// Segment `reference` of transaction `transaction_id`.
    pub fn new(transaction_id: impl Into<TransactionId>, reference: u32) -> Self {
        SegmentId { transaction_id: transaction_id.into(), segment_reference: reference }
    }
}

csp_struct! {
    /// `SegmentInfo (SegmentCount, SegmentID)` (1.3): carried by a segmented transaction's
    /// `TransactionDescriptor` (Baraza model). `SegmentCount` is mandatory: inferred from the
    /// Baraza union model; optionality not public.
    pub struct SegmentInfo {
        /// Number of segments (an integer).
        pub segment_count: u32 = SegmentCount,
        /// The segment this is, or the id to fetch the others with.
        pub segment_id: Option<SegmentId> = SegmentID,
    }
}

/// `SegmentContent` (1.3): the payload of one segment. Its content model is not public (Baraza
/// leaves it empty, "content segmentation not supported"), so the content is kept as it came,
/// text and elements alike, like [`ExtBlock`](crate::ExtBlock).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct SegmentContent {
    /// The content.
    pub content: Vec<RawNode>,
}

impl SegmentContent {
    /// Segment content with these nodes.
    pub fn new(content: Vec<RawNode>) -> Self {
        SegmentContent { content }
    }

    /// Segment content that is one text node.
    pub fn text(text: impl Into<String>) -> Self {
        SegmentContent { content: vec![RawNode::Text(text.into())] }
    }
}

#[cfg(any(test, feature = "arbitrary"))]
impl<'a> arbitrary::Arbitrary<'a> for SegmentContent {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        if u.arbitrary()? {
            // One non-empty text node (alphanumeric, so no whitespace is trimmed on the way).
            let text: String = String::arbitrary(u)?.chars().filter(|c| c.is_alphanumeric()).take(40).collect();
            return Ok(if text.is_empty() { SegmentContent::default() } else { SegmentContent::text(text) });
        }
        let n = u.int_in_range(0..=2u8)?;
        let content = (0..n)
            .map(|_| crate::raw::RawElement::arbitrary(u).map(RawNode::Element))
            .collect::<arbitrary::Result<_>>()?;
        Ok(SegmentContent { content })
    }
}

impl Codec for SegmentContent {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        Ok(SegmentContent { content: src.raw_content()? })
    }
    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        w.raw_nodes(&self.content)
    }
}

csp_open_enum! {
    /// `NotificationType` (1.3) values: what a general notification (`Notification-Request`) is
    /// about, and what `SubscribeNotification-Request` subscribes to. The values are the 1.3
    /// `EXT_T_0` table entries (spec notes 6.3.2) that Baraza's `wbxml.def` describes as
    /// notification events; the normative list is not public, so other values are kept.
    pub enum NotificationType {
        "`AC`: authorization changed." AuthorizationChanged = "AC",
        "`AND`: authorization needed (default attribute list)." AuthorizationNeededDefaultList = "AND",
        "`ANC`: authorization needed (contact list)." AuthorizationNeededContactList = "ANC",
        "`ANU`: authorization needed (user); Baraza sends it when a watcher lacks attributes." AuthorizationNeededUser = "ANU",
        "`ATCL`: added to a contact list." AddedToContactList = "ATCL",
        "`BLC`: block list changed." BlockListChanged = "BLC",
        "`BLUC`: block list usage (`BlockListInUse`) changed." BlockListUsageChanged = "BLUC",
        "`GLC`: grant list changed." GrantListChanged = "GLC",
        "`GLUC`: grant list usage (`GrantListInUse`) changed." GrantListUsageChanged = "GLUC",
        "`CLC`: contact list changed." ContactListChanged = "CLC",
        "`CLCR`: contact list created." ContactListCreated = "CLCR",
        "`CLD`: contact list deleted." ContactListDeleted = "CLD",
        "`GC`: group created." GroupCreated = "GC",
        "`GD`: group deleted." GroupDeleted = "GD",
        "`GR`: group removed (Baraza; the same string is the `GR` invite type)." GroupRemoved = "GR",
        "`GMAU`: group member access updated." GroupMemberAccessUpdated = "GMAU",
        "`GMG`: group membership granted." GroupMembershipGranted = "GMG",
        "`GMR`: group membership revoked." GroupMembershipRevoked = "GMR",
        "`GMU`: group members updated." GroupMembersUpdated = "GMU",
        "`IA`: invitation accepted." InvitationAccepted = "IA",
        "`IC`: invitation cancelled." InvitationCancelled = "IC",
        "`IR`: invitation rejected." InvitationRejected = "IR",
        "`EC`: conversation extended." ExtendConversation = "EC",
        "`EG`: group extended." ExtendGroup = "EG",
        "`OEU`: `OnlineETEMHandling` updated." OnlineEtemHandlingUpdated = "OEU",
        "`PPU`: public profile updated." PublicProfileUpdated = "PPU",
        "`SPA`: session priority adjusted." SessionPriorityAdjusted = "SPA",
    }
}

csp_struct! {
    /// `NotificationTypeList (NotificationType*)` (1.3).
    pub struct NotificationTypeList {
        /// The notification types.
        pub notification_types: Vec<NotificationType> = NotificationType,
    }
}

impl NotificationTypeList {
    /// A list of these types.
    pub fn new(types: impl IntoIterator<Item = NotificationType>) -> Self {
        NotificationTypeList { notification_types: types.into_iter().collect() }
    }
}

csp_struct! {
    /// `UserIDList (UserID*)` (1.3): bare user ids (1.3 wraps many `UserID*` lists in it).
    pub struct UserIdList {
        /// The users.
        pub user_ids: Vec<UserId> = UserID,
    }
}

impl UserIdList {
    /// A list of these users.
    pub fn new<U: Into<UserId>>(ids: impl IntoIterator<Item = U>) -> Self {
        UserIdList { user_ids: ids.into_iter().map(Into::into).collect() }
    }
}

csp_struct! {
    /// `ContactListIDList (ContactList*)` (1.3): contact list ids (1.3 wraps `ContactList*`
    /// lists in it).
    pub struct ContactListIdList {
        /// The contact lists.
        pub contact_lists: Vec<ContactListId> = ContactList,
    }
}

csp_struct! {
    /// `UserIDPair (UnrecognizedUserID, ValidUserID)` (1.3): a user id the server did not
    /// recognise and the valid id it stands for. `UnrecognizedUserID` is mandatory: inferred
    /// from the Baraza union model; optionality not public.
    pub struct UserIdPair {
        /// The id as given.
        pub unrecognized_user_id: UserId = UnrecognizedUserID,
        /// The valid id.
        pub valid_user_id: Option<UserId> = ValidUserID,
    }
}

csp_struct! {
    /// `AnswerOption (AnswerOptionID, AnswerOptionText)` (1.3): one answer a system message
    /// offers. `AnswerOptionID` is mandatory (the answer is chosen by it): inferred from the
    /// Baraza union model; optionality not public.
    pub struct AnswerOption {
        /// The option's id (an integer), echoed as `ChosenOptionID`.
        pub answer_option_id: u32 = AnswerOptionID,
        /// The text shown for it.
        pub answer_option_text: Option<String> = AnswerOptionText,
    }
}

impl AnswerOption {
    /// Option `id` shown as `text`.
    pub fn new(id: u32, text: impl Into<String>) -> Self {
        AnswerOption { answer_option_id: id, answer_option_text: Some(text.into()) }
    }
}

csp_struct! {
    /// `AnswerOptions (AnswerOption*)` (1.3).
    pub struct AnswerOptions {
        /// The options.
        pub options: Vec<AnswerOption> = AnswerOption,
    }
}

/// `VerificationMechanism (InText | URL)` (1.3): how the user proves a human read a system
/// message (the verification key to answer with is given in the text, or found at the URL).
/// Baraza `cspmessages.def` models it as this choice (appendix A shows it as `()`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum VerificationMechanism {
    /// `InText`: verification given in text.
    InText(String),
    /// `URL`: verification found at a URL.
    Url(String),
}

impl Default for VerificationMechanism {
    fn default() -> Self {
        VerificationMechanism::InText(String::new())
    }
}

impl Codec for VerificationMechanism {
    fn decode<'a, S: Source<'a>>(src: &mut S, elem: Elem) -> Result<Self, Error> {
        decode_choice(src, elem, |src, e| match e {
            Elem::InText => Some(String::decode(src, e).map(VerificationMechanism::InText)),
            Elem::URL => Some(String::decode(src, e).map(VerificationMechanism::Url)),
            _ => None,
        })
    }
    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        match self {
            VerificationMechanism::InText(t) => encode_element(w, Elem::InText, t),
            VerificationMechanism::Url(u) => encode_element(w, Elem::URL, u),
        }
    }
}

csp_struct! {
    /// `SystemMessage (SystemMessageID, RequiresResponse, SystemMessageText, AnswerOptions,
    /// VerificationMechanism)` (1.3): a message from the service to the user, possibly asking
    /// for an answer. `SystemMessageID` is mandatory (answers refer to it): inferred from the
    /// Baraza union model; optionality not public.
    pub struct SystemMessage {
        /// Identifies the message (text).
        pub system_message_id: String = SystemMessageID,
        /// Whether the client must answer (with `SystemMessage-User` or at login).
        pub requires_response: Option<bool> = RequiresResponse,
        /// The text to show.
        pub text: Option<String> = SystemMessageText,
        /// The answers offered.
        pub answer_options: Option<AnswerOptions> = AnswerOptions,
        /// How the answer is verified.
        pub verification_mechanism: Option<VerificationMechanism> = VerificationMechanism,
    }
}

impl SystemMessage {
    /// A message `id` with `text` and nothing else.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        SystemMessage { system_message_id: id.into(), text: Some(text.into()), ..Default::default() }
    }
}

csp_struct! {
    /// `SystemMessageList (SystemMessage*)` (1.3). Also carried by `Result` in 1.3 (Baraza).
    pub struct SystemMessageList {
        /// The messages.
        pub messages: Vec<SystemMessage> = SystemMessage,
    }
}

csp_struct! {
    /// `SystemMessageResponse (SystemMessageID, ChosenOptionID, VerificationKey)` (1.3): the
    /// user's answer to one system message. `SystemMessageID` is mandatory (it says what is
    /// answered): inferred from the Baraza union model; optionality not public.
    pub struct SystemMessageResponse {
        /// The message answered.
        pub system_message_id: String = SystemMessageID,
        /// The `AnswerOptionID` chosen (an integer).
        pub chosen_option_id: Option<u32> = ChosenOptionID,
        /// The verification key, when the message asked for verification.
        pub verification_key: Option<String> = VerificationKey,
    }
}

impl SystemMessageResponse {
    /// Answer to message `id` with option `chosen`.
    pub fn new(id: impl Into<String>, chosen: u32) -> Self {
        SystemMessageResponse { system_message_id: id.into(), chosen_option_id: Some(chosen), verification_key: None }
    }
}

csp_struct! {
    /// `SystemMessageResponseList (SystemMessageResponse*)` (1.3). Also carried by
    /// `Login-Request` in 1.3 (Baraza).
    pub struct SystemMessageResponseList {
        /// The answers.
        pub responses: Vec<SystemMessageResponse> = SystemMessageResponse,
    }
}

csp_struct! {
    /// `PublicProfile (UserID, Property*)` (1.3): a user's public profile, as properties whose
    /// names are the `PP_*` values (`PP_AGE`, `PP_CITY`, `PP_COUNTRY`, `PP_FRIENDLY_NAME`,
    /// `PP_FREE_TEXT`, `PP_GENDER`, `PP_INTENTION`, `PP_INTERESTS`, `PP_MARITAL_STATUS`; spec
    /// notes 6.3.2).
    pub struct PublicProfile {
        /// Whose profile (absent when a user updates their own).
        pub user_id: Option<UserId> = UserID,
        /// The profile entries.
        pub properties: Vec<Property> = Property,
    }
}

csp_struct! {
    /// `Map (ContentType, ContentEncoding, ContentData)` (1.3): a map image. `ContentData` is
    /// mandatory: inferred from the Baraza union model; optionality not public.
    pub struct Map {
        /// MIME type, e.g. `image/png`.
        pub content_type: Option<String> = ContentType,
        /// Encoding of the data.
        pub content_encoding: Option<ContentEncoding> = ContentEncoding,
        /// The data.
        pub content_data: String = ContentData,
    }
}

csp_struct! {
    /// `ExtendConversationUser (UserID, ClientID)` (1.3): a user (and client) a conversation is
    /// extended to. `UserID` is mandatory: inferred from the Baraza union model; optionality not
    /// public.
    pub struct ExtendConversationUser {
        /// The user.
        pub user_id: UserId = UserID,
        /// One of the user's clients.
        pub client_id: Option<crate::elements::ClientId> = ClientID,
    }
}

// ---------------------------------------------------------------------------------------------
// Primitives
// ---------------------------------------------------------------------------------------------

csp_struct! {
    /// `GetSegment-Request (SegmentID)` (1.3, C->S): fetch one segment of a segmented
    /// transaction (service function `SGMNT`). `SegmentID` is mandatory: inferred from the Baraza
    /// union model; optionality not public.
    pub struct GetSegmentRequest {
        /// The segment wanted.
        pub segment_id: SegmentId = SegmentID,
    }
}

impl GetSegmentRequest {
    /// Fetch `segment_id`.
    pub fn new(segment_id: SegmentId) -> Self {
        GetSegmentRequest { segment_id }
    }
}

csp_struct! {
    /// `GetSegment-Response (SegmentContent)` (1.3). `SegmentContent` is mandatory: inferred
    /// from the Baraza union model; optionality not public. The model has no `Result`.
    pub struct GetSegmentResponse {
        /// The segment's payload, kept as it came.
        pub segment_content: SegmentContent = SegmentContent,
    }
}

csp_struct! {
    /// `DropSegment-Request (SegmentID)` (1.3, C->S): the server may discard a segmented
    /// transaction's segments (answered by `Status`). `SegmentID` is mandatory: inferred from
    /// the Baraza union model; optionality not public.
    pub struct DropSegmentRequest {
        /// The segments to drop.
        pub segment_id: SegmentId = SegmentID,
    }
}

csp_struct! {
    /// `SubscribeNotification-Request (NotificationTypeList)` (1.3, C->S): subscribe to general
    /// notifications of these types (answered by `Status`). `NotificationTypeList` is mandatory:
    /// inferred from the Baraza union model; optionality not public.
    pub struct SubscribeNotificationRequest {
        /// The types subscribed to.
        pub notification_types: NotificationTypeList = NotificationTypeList,
    }
}

impl SubscribeNotificationRequest {
    /// Subscribe to these types.
    pub fn new(types: impl IntoIterator<Item = NotificationType>) -> Self {
        SubscribeNotificationRequest { notification_types: NotificationTypeList::new(types) }
    }
}

csp_struct! {
    /// `UnsubscribeNotification-Request (NotificationTypeList)` (1.3, C->S): cancel such
    /// subscriptions (answered by `Status`). `NotificationTypeList` is mandatory: inferred from
    /// the Baraza union model; optionality not public.
    pub struct UnsubscribeNotificationRequest {
        /// The types unsubscribed from.
        pub notification_types: NotificationTypeList = NotificationTypeList,
    }
}

impl UnsubscribeNotificationRequest {
    /// Unsubscribe from these types.
    pub fn new(types: impl IntoIterator<Item = NotificationType>) -> Self {
        UnsubscribeNotificationRequest { notification_types: NotificationTypeList::new(types) }
    }
}

csp_struct! {
    /// `Notification-Request (NotificationType, ...)` (1.3, S->C): a general notification,
    /// answered by `Status`. Appendix A lists only `NotificationType`; Baraza `cspmessages.def`
    /// follows it with a choice of one payload, kept here as optional fields in its order:
    /// `BlockListInUse | GrantListInUse | GroupID | ContactListIDList | InviteID |
    /// OnlineETEMHandling | (PresenceSubList, UserIDList, ContactListIDList, DefaultList) |
    /// SessionPriority | UserList | UserIDPair` (the two `ContactListIDList` share one field;
    /// that only one alternative is present is not checked). `NotificationType` is mandatory:
    /// inferred from the Baraza union model; optionality not public. Baraza sends `ANU` with
    /// `PresenceSubList` and `UserIDList` (the watcher needing authorisation).
    pub struct NotificationRequest {
        /// What happened.
        pub notification_type: NotificationType = NotificationType,
        /// New block-list usage (`BLUC`).
        pub block_list_in_use: Option<bool> = BlockListInUse,
        /// New grant-list usage (`GLUC`).
        pub grant_list_in_use: Option<bool> = GrantListInUse,
        /// The group concerned (`GC`, `GD`, `GM*`, ...).
        pub group_id: Option<GroupId> = GroupID,
        /// The invitation concerned (`IA`, `IC`, `IR`).
        pub invite_id: Option<InviteId> = InviteID,
        /// New `OnlineETEMHandling` value (`OEU`; text, its value set is not public).
        pub online_etem_handling: Option<String> = OnlineETEMHandling,
        /// Presence attributes concerned (authorisation notifications; boxed, as it is large).
        pub presence_sub_list: Option<Box<PresenceSubList>> = PresenceSubList,
        /// Users concerned (authorisation notifications).
        pub user_id_list: Option<UserIdList> = UserIDList,
        /// Contact lists concerned (`CLC`, `CLCR`, `CLD`, authorisation notifications).
        pub contact_list_id_list: Option<ContactListIdList> = ContactListIDList,
        /// Whether the default attribute list is concerned (authorisation notifications).
        pub default_list: Option<bool> = DefaultList,
        /// New session priority (`SPA`; an integer).
        pub session_priority: Option<u32> = SessionPriority,
        /// Users concerned.
        pub user_list: Option<UserList> = UserList,
        /// A user id and the valid id it was resolved to.
        pub user_id_pair: Option<UserIdPair> = UserIDPair,
    }
}

impl NotificationRequest {
    /// A notification of `notification_type` without payload.
    pub fn new(notification_type: NotificationType) -> Self {
        NotificationRequest { notification_type, ..Default::default() }
    }
}

csp_struct! {
    /// `SystemMessage-Request (SystemMessageList)` (1.3, S->C): messages from the service; the
    /// client answers with `SystemMessage-User`. `SystemMessageList` is mandatory: inferred from
    /// the Baraza union model; optionality not public.
    pub struct SystemMessageRequest {
        /// The messages.
        pub system_messages: SystemMessageList = SystemMessageList,
    }
}

impl SystemMessageRequest {
    /// A request carrying these messages.
    pub fn new(messages: impl IntoIterator<Item = SystemMessage>) -> Self {
        SystemMessageRequest { system_messages: SystemMessageList { messages: messages.into_iter().collect() } }
    }
}

csp_struct! {
    /// `SystemMessage-User (SystemMessageResponseList)` (1.3, C->S answer to
    /// `SystemMessage-Request`). `SystemMessageResponseList` is mandatory: inferred from the
    /// Baraza union model; optionality not public.
    pub struct SystemMessageUser {
        /// The answers.
        pub responses: SystemMessageResponseList = SystemMessageResponseList,
    }
}

impl SystemMessageUser {
    /// An answer carrying these responses.
    pub fn new(responses: impl IntoIterator<Item = SystemMessageResponse>) -> Self {
        SystemMessageUser { responses: SystemMessageResponseList { responses: responses.into_iter().collect() } }
    }
}

csp_struct! {
    /// `GetPublicProfile-Request (UserID*)` (1.3, C->S): fetch users' public profiles.
    pub struct GetPublicProfileRequest {
        /// The users.
        pub user_ids: Vec<UserId> = UserID,
    }
}

impl GetPublicProfileRequest {
    /// The profiles of these users.
    pub fn new<U: Into<UserId>>(ids: impl IntoIterator<Item = U>) -> Self {
        GetPublicProfileRequest { user_ids: ids.into_iter().map(Into::into).collect() }
    }
}

csp_struct! {
    /// `GetPublicProfile-Response (Result, PublicProfile*)` (1.3). `Result` is mandatory:
    /// inferred from the Baraza union model; optionality not public.
    pub struct GetPublicProfileResponse {
        /// The outcome.
        pub result: CspResult = Result,
        /// The profiles found.
        pub profiles: Vec<PublicProfile> = PublicProfile,
    }
}

csp_struct! {
    /// `UpdatePublicProfile-Request (ClearPublicProfile, PublicProfile)` (1.3, C->S): clear
    /// and/or update the user's own public profile (answered by `Status`).
    pub struct UpdatePublicProfileRequest {
        /// Whether to clear the profile first.
        pub clear_public_profile: Option<bool> = ClearPublicProfile,
        /// The new entries.
        pub public_profile: Option<PublicProfile> = PublicProfile,
    }
}

csp_struct! {
    /// `GetMap-Request` (1.3, C->S; service function `GETMAP`): a map of a user's location or
    /// of a location given as presence attributes. Appendix A shows `()`; Baraza
    /// `cspmessages.def` models the choice `(UserID | PresenceSubList)`, kept here as two
    /// optional fields (that only one is present is not checked).
    pub struct GetMapRequest {
        /// The user whose location is wanted.
        pub user_id: Option<UserId> = UserID,
        /// A location (e.g. `GeoLocation`, `Address`; boxed, as it is large).
        pub presence_sub_list: Option<Box<PresenceSubList>> = PresenceSubList,
    }
}

impl GetMapRequest {
    /// A map of `user_id`'s location.
    pub fn user(user_id: impl Into<UserId>) -> Self {
        GetMapRequest { user_id: Some(user_id.into()), presence_sub_list: None }
    }

    /// A map of a location.
    pub fn location(location: PresenceSubList) -> Self {
        GetMapRequest { user_id: None, presence_sub_list: Some(Box::new(location)) }
    }
}

csp_struct! {
    /// `GetMap-Response` (1.3). Appendix A shows `()`; Baraza `cspmessages.def` models the
    /// choice `(Map | URL)`, kept here as two optional fields (that only one is present is not
    /// checked).
    pub struct GetMapResponse {
        /// The map inline.
        pub map: Option<Map> = Map,
        /// Where to fetch the map.
        pub url: Option<String> = URL,
    }
}

csp_struct! {
    /// `ExtendConversation-Request (ExtendConversationID, UserIDList, ExtendConversationUser,
    /// SubscribeNotification, WelcomeNote, ScreenName)` (1.3, C->S; service function `EXCON`):
    /// bring more users into a conversation.
    pub struct ExtendConversationRequest {
        /// The conversation (text).
        pub extend_conversation_id: Option<String> = ExtendConversationID,
        /// Users to add.
        pub user_id_list: Option<UserIdList> = UserIDList,
        /// A user (and client) to add.
        pub extend_conversation_user: Option<ExtendConversationUser> = ExtendConversationUser,
        /// Whether to subscribe to the resulting group's change notices.
        pub subscribe_notification: Option<bool> = SubscribeNotification,
        /// A note shown to the users brought in.
        pub welcome_note: Option<WelcomeNote> = WelcomeNote,
        /// The requester's screen name.
        pub screen_name: Option<ScreenName> = ScreenName,
    }
}

csp_struct! {
    /// `ExtendConversation-Response (ExtendConversationID, GroupID, ResponseNote, Result)`
    /// (1.3). `Result` is mandatory: inferred from the Baraza union model; optionality not
    /// public.
    pub struct ExtendConversationResponse {
        /// The conversation.
        pub extend_conversation_id: Option<String> = ExtendConversationID,
        /// The group the conversation now lives in.
        pub group_id: Option<GroupId> = GroupID,
        /// A note from the users asked.
        pub response_note: Option<String> = ResponseNote,
        /// The outcome.
        pub result: CspResult = Result,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presence::FlagAttr;
    use crate::raw::RawElement;
    use crate::testutil::{assert_not_in_version, decode_xml, round_trip};
    use crate::{Primitive, ResultCode, Version};

    const V13: Version = Version::V1_3;
    const PRE_13: [Version; 2] = [Version::V1_1, Version::V1_2];
    const TC: &str = "/WV-CSP-Message/Session/Transaction/TransactionContent";

    fn decode(inner: &str) -> Primitive {
        decode_xml(V13, inner).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Round-trips in 1.3 (XML and WBXML) and refuses 1.1 and 1.2, naming the primitive.
    fn only_in_13(p: impl Into<Primitive>) {
        let p = p.into();
        round_trip(p.clone(), &[V13]);
        let name = p.name(V13);
        for v in PRE_13 {
            assert_not_in_version(p.clone(), v, name);
        }
    }

    fn segment_id() -> SegmentId {
        SegmentId::new("t-42", 3)
    }

    #[test]
    fn get_segment_request() {
        let p = decode(
            "<GetSegment-Request><SegmentID><TransactionID>t-42</TransactionID>\
             <SegmentReference>3</SegmentReference></SegmentID></GetSegment-Request>",
        );
        let want = GetSegmentRequest::new(segment_id());
        assert_eq!(p, Primitive::GetSegmentRequest(want.clone()));
        only_in_13(want);
    }

    #[test]
    fn get_segment_response_keeps_content() {
        let p = decode("<GetSegment-Response><SegmentContent>PGZvbz4=</SegmentContent></GetSegment-Response>");
        let want = GetSegmentResponse { segment_content: SegmentContent::text("PGZvbz4=") };
        assert_eq!(p, Primitive::GetSegmentResponse(want.clone()));
        only_in_13(want);

        let p = decode(
            "<GetSegment-Response><SegmentContent><X-Part><X-Data>abc</X-Data></X-Part></SegmentContent>\
             </GetSegment-Response>",
        );
        let inner = RawElement {
            name: "X-Part".into(),
            attributes: Vec::new(),
            children: vec![RawNode::Element(RawElement::text("X-Data", "abc"))],
        };
        let want = GetSegmentResponse { segment_content: SegmentContent::new(vec![RawNode::Element(inner)]) };
        assert_eq!(p, Primitive::GetSegmentResponse(want.clone()));
        only_in_13(want);
    }

    #[test]
    fn drop_segment_request() {
        let p = decode(
            "<DropSegment-Request><SegmentID><TransactionID>t-42</TransactionID>\
             <SegmentReference>3</SegmentReference></SegmentID></DropSegment-Request>",
        );
        let want = DropSegmentRequest { segment_id: segment_id() };
        assert_eq!(p, Primitive::DropSegmentRequest(want.clone()));
        only_in_13(want);
    }

    #[test]
    fn subscribe_and_unsubscribe_notification() {
        let list = "<NotificationTypeList><NotificationType>GC</NotificationType>\
                    <NotificationType>CLCR</NotificationType><NotificationType>X-NEW</NotificationType>\
                    </NotificationTypeList>";
        let types = [
            NotificationType::GroupCreated,
            NotificationType::ContactListCreated,
            NotificationType::Other("X-NEW".into()),
        ];

        let p = decode(&format!("<SubscribeNotification-Request>{list}</SubscribeNotification-Request>"));
        let want = SubscribeNotificationRequest::new(types.clone());
        assert_eq!(p, Primitive::SubscribeNotificationRequest(want.clone()));
        only_in_13(want);

        let p = decode(&format!("<UnsubscribeNotification-Request>{list}</UnsubscribeNotification-Request>"));
        let want = UnsubscribeNotificationRequest::new(types);
        assert_eq!(p, Primitive::UnsubscribeNotificationRequest(want.clone()));
        only_in_13(want);
    }

    #[test]
    fn notification_types_are_the_ext_table_strings() {
        assert_eq!(NotificationType::parse("GLUC"), NotificationType::GrantListUsageChanged);
        assert_eq!(NotificationType::AuthorizationNeededUser.as_str(), "ANU");
        assert_eq!(NotificationType::parse("gc"), NotificationType::Other("gc".into()));
        // Every known value has an EXT_T_0 token in 1.3 (and so travels as one byte in WBXML).
        for s in [
            "AC", "AND", "ANC", "ANU", "ATCL", "BLC", "BLUC", "GLC", "GLUC", "CLC", "CLCR", "CLD", "GC", "GD", "GR",
            "GMAU", "GMG", "GMR", "GMU", "IA", "IC", "IR", "EC", "EG", "OEU", "PPU", "SPA",
        ] {
            assert!(!matches!(NotificationType::parse(s), NotificationType::Other(_)), "{s}");
            assert!(crate::schema::ext_index(V13, s).is_some(), "{s} not in the 1.3 EXT table");
        }
    }

    #[test]
    fn notification_request_authorization_needed() {
        let p = decode(
            "<Notification-Request><NotificationType>ANU</NotificationType>\
             <PresenceSubList xmlns=\"http://www.openmobilealliance.org/DTD/IMPS-PA1.3\">\
             <OnlineStatus><Qualifier>T</Qualifier></OnlineStatus></PresenceSubList>\
             <UserIDList><UserID>wv:watcher@example.com</UserID></UserIDList></Notification-Request>",
        );
        let want = NotificationRequest {
            presence_sub_list: Some(Box::new(PresenceSubList {
                online_status: Some(FlagAttr { qualifier: Some(true), value: None }),
                ..Default::default()
            })),
            user_id_list: Some(UserIdList::new(["wv:watcher@example.com"])),
            ..NotificationRequest::new(NotificationType::AuthorizationNeededUser)
        };
        assert_eq!(p, Primitive::NotificationRequest(want.clone()));
        only_in_13(want);
    }

    #[test]
    fn notification_request_payloads() {
        let p = decode(
            "<Notification-Request><NotificationType>SPA</NotificationType>\
             <SessionPriority>5</SessionPriority></Notification-Request>",
        );
        let want = NotificationRequest {
            session_priority: Some(5),
            ..NotificationRequest::new(NotificationType::SessionPriorityAdjusted)
        };
        assert_eq!(p, Primitive::NotificationRequest(want.clone()));
        only_in_13(want);

        let p = decode(
            "<Notification-Request><NotificationType>CLD</NotificationType>\
             <ContactListIDList><ContactList>wv:alice/friends@example.com</ContactList></ContactListIDList>\
             </Notification-Request>",
        );
        let want = NotificationRequest {
            contact_list_id_list: Some(ContactListIdList {
                contact_lists: vec!["wv:alice/friends@example.com".into()],
            }),
            ..NotificationRequest::new(NotificationType::ContactListDeleted)
        };
        assert_eq!(p, Primitive::NotificationRequest(want.clone()));
        only_in_13(want);

        // Every payload field at once still round-trips (exclusivity is not checked).
        let all = NotificationRequest {
            block_list_in_use: Some(true),
            grant_list_in_use: Some(false),
            group_id: Some("wv:alice/chat@example.com".into()),
            invite_id: Some("inv-1".into()),
            online_etem_handling: Some("SENDSTORE".into()),
            presence_sub_list: Some(Box::default()),
            user_id_list: Some(UserIdList::new(["wv:bob@example.com"])),
            contact_list_id_list: Some(ContactListIdList::default()),
            default_list: Some(true),
            session_priority: Some(0),
            user_list: Some(UserList {
                users: vec![crate::elements::User::new("wv:carol@example.com")],
                screen_names: Vec::new(),
            }),
            user_id_pair: Some(UserIdPair {
                unrecognized_user_id: "bob".into(),
                valid_user_id: Some("wv:bob@example.com".into()),
            }),
            ..NotificationRequest::new(NotificationType::Other("X-ALL".into()))
        };
        only_in_13(all);
    }

    fn system_message() -> SystemMessage {
        SystemMessage {
            requires_response: Some(true),
            answer_options: Some(AnswerOptions {
                options: vec![AnswerOption::new(1, "Accept"), AnswerOption::new(2, "Decline")],
            }),
            verification_mechanism: Some(VerificationMechanism::Url("http://example.com/captcha".into())),
            ..SystemMessage::new("sm-7", "New terms of service")
        }
    }

    #[test]
    fn system_message_request() {
        let p = decode(
            "<SystemMessage-Request><SystemMessageList><SystemMessage>\
             <SystemMessageID>sm-7</SystemMessageID><RequiresResponse>T</RequiresResponse>\
             <SystemMessageText>New terms of service</SystemMessageText>\
             <AnswerOptions><AnswerOption><AnswerOptionID>1</AnswerOptionID><AnswerOptionText>Accept</AnswerOptionText></AnswerOption>\
             <AnswerOption><AnswerOptionID>2</AnswerOptionID><AnswerOptionText>Decline</AnswerOptionText></AnswerOption></AnswerOptions>\
             <VerificationMechanism><URL>http://example.com/captcha</URL></VerificationMechanism>\
             </SystemMessage><SystemMessage><SystemMessageID>sm-8</SystemMessageID></SystemMessage>\
             </SystemMessageList></SystemMessage-Request>",
        );
        let bare = SystemMessage { system_message_id: "sm-8".into(), ..Default::default() };
        let want = SystemMessageRequest::new([system_message(), bare]);
        assert_eq!(p, Primitive::SystemMessageRequest(want.clone()));
        only_in_13(want);

        let in_text = SystemMessage {
            verification_mechanism: Some(VerificationMechanism::InText("type 4711".into())),
            ..system_message()
        };
        only_in_13(SystemMessageRequest::new([in_text]));
    }

    #[test]
    fn system_message_user() {
        let p = decode(
            "<SystemMessage-User><SystemMessageResponseList><SystemMessageResponse>\
             <SystemMessageID>sm-7</SystemMessageID><ChosenOptionID>1</ChosenOptionID>\
             <VerificationKey>4711</VerificationKey></SystemMessageResponse>\
             </SystemMessageResponseList></SystemMessage-User>",
        );
        let want = SystemMessageUser::new([SystemMessageResponse {
            verification_key: Some("4711".into()),
            ..SystemMessageResponse::new("sm-7", 1)
        }]);
        assert_eq!(p, Primitive::SystemMessageUser(want.clone()));
        only_in_13(want);
    }

    fn profile() -> PublicProfile {
        PublicProfile {
            user_id: Some("wv:bob@example.com".into()),
            properties: vec![Property::new("PP_AGE", "33"), Property::new("PP_CITY", "Helsinki")],
        }
    }

    #[test]
    fn get_public_profile() {
        let p = decode("<GetPublicProfile-Request><UserID>wv:bob@example.com</UserID><UserID>wv:eve@example.com</UserID></GetPublicProfile-Request>");
        let want = GetPublicProfileRequest::new(["wv:bob@example.com", "wv:eve@example.com"]);
        assert_eq!(p, Primitive::GetPublicProfileRequest(want.clone()));
        only_in_13(want);

        let p = decode(
            "<GetPublicProfile-Response><Result><Code>200</Code></Result><PublicProfile>\
             <UserID>wv:bob@example.com</UserID><Property><Name>PP_AGE</Name><Value>33</Value></Property>\
             <Property><Name>PP_CITY</Name><Value>Helsinki</Value></Property></PublicProfile>\
             </GetPublicProfile-Response>",
        );
        let want = GetPublicProfileResponse { result: CspResult::new(ResultCode(200)), profiles: vec![profile()] };
        assert_eq!(p, Primitive::GetPublicProfileResponse(want.clone()));
        only_in_13(want);
    }

    #[test]
    fn update_public_profile_request() {
        let p = decode(
            "<UpdatePublicProfile-Request><ClearPublicProfile>T</ClearPublicProfile><PublicProfile>\
             <Property><Name>PP_FREE_TEXT</Name><Value>hi</Value></Property></PublicProfile>\
             </UpdatePublicProfile-Request>",
        );
        let want = UpdatePublicProfileRequest {
            clear_public_profile: Some(true),
            public_profile: Some(PublicProfile {
                user_id: None,
                properties: vec![Property::new("PP_FREE_TEXT", "hi")],
            }),
        };
        assert_eq!(p, Primitive::UpdatePublicProfileRequest(want.clone()));
        only_in_13(want);
        only_in_13(UpdatePublicProfileRequest { public_profile: Some(profile()), ..Default::default() });
    }

    #[test]
    fn get_map() {
        let p = decode("<GetMap-Request><UserID>wv:bob@example.com</UserID></GetMap-Request>");
        let want = GetMapRequest::user("wv:bob@example.com");
        assert_eq!(p, Primitive::GetMapRequest(want.clone()));
        only_in_13(want);
        only_in_13(GetMapRequest::location(PresenceSubList {
            geo_location: Some(crate::presence::GeoLocation {
                latitude: Some("60.17".into()),
                longitude: Some("24.94".into()),
                ..Default::default()
            }),
            ..Default::default()
        }));

        let p = decode(
            "<GetMap-Response><Map><ContentType>image/png</ContentType><ContentEncoding>BASE64</ContentEncoding>\
             <ContentData>iVBORw0KGgo=</ContentData></Map></GetMap-Response>",
        );
        let map = Map {
            content_type: Some("image/png".into()),
            content_encoding: Some(ContentEncoding::Base64),
            content_data: "iVBORw0KGgo=".into(),
        };
        let want = GetMapResponse { map: Some(map), url: None };
        assert_eq!(p, Primitive::GetMapResponse(want.clone()));
        only_in_13(want);

        let p = decode("<GetMap-Response><URL>http://maps.example.com/m/1</URL></GetMap-Response>");
        let want = GetMapResponse { map: None, url: Some("http://maps.example.com/m/1".into()) };
        assert_eq!(p, Primitive::GetMapResponse(want.clone()));
        only_in_13(want);
    }

    #[test]
    fn extend_conversation() {
        let p = decode(
            "<ExtendConversation-Request><ExtendConversationID>conv-1</ExtendConversationID>\
             <UserIDList><UserID>wv:carol@example.com</UserID></UserIDList>\
             <ExtendConversationUser><UserID>wv:dave@example.com</UserID><ClientID><URL>http://c.example/1</URL></ClientID>\
             </ExtendConversationUser><SubscribeNotification>T</SubscribeNotification>\
             <WelcomeNote><ContentType>text/plain</ContentType><ContentData>join us</ContentData></WelcomeNote>\
             <ScreenName><SName>al</SName><GroupID>wv:alice/chat@example.com</GroupID></ScreenName>\
             </ExtendConversation-Request>",
        );
        let want = ExtendConversationRequest {
            extend_conversation_id: Some("conv-1".into()),
            user_id_list: Some(UserIdList::new(["wv:carol@example.com"])),
            extend_conversation_user: Some(ExtendConversationUser {
                user_id: "wv:dave@example.com".into(),
                client_id: Some(crate::elements::ClientId::url("http://c.example/1")),
            }),
            subscribe_notification: Some(true),
            welcome_note: Some(WelcomeNote::text("join us")),
            screen_name: Some(ScreenName { sname: "al".into(), group_id: "wv:alice/chat@example.com".into() }),
        };
        assert_eq!(p, Primitive::ExtendConversationRequest(want.clone()));
        only_in_13(want);

        let p = decode(
            "<ExtendConversation-Response><ExtendConversationID>conv-1</ExtendConversationID>\
             <GroupID>wv:alice/conv-1@example.com</GroupID><ResponseNote>welcome</ResponseNote>\
             <Result><Code>200</Code></Result></ExtendConversation-Response>",
        );
        let want = ExtendConversationResponse {
            extend_conversation_id: Some("conv-1".into()),
            group_id: Some("wv:alice/conv-1@example.com".into()),
            response_note: Some("welcome".into()),
            result: CspResult::new(ResultCode(200)),
        };
        assert_eq!(p, Primitive::ExtendConversationResponse(want.clone()));
        only_in_13(want);
    }

    #[test]
    fn empty_and_minimal_values_round_trip() {
        only_in_13(GetPublicProfileRequest::default());
        only_in_13(UpdatePublicProfileRequest::default());
        only_in_13(GetMapRequest::default());
        only_in_13(GetMapResponse::default());
        only_in_13(ExtendConversationRequest::default());
        only_in_13(ExtendConversationResponse::default());
        only_in_13(GetSegmentResponse::default());
        only_in_13(SubscribeNotificationRequest::default());
        only_in_13(SystemMessageRequest::default());
        only_in_13(SystemMessageUser::default());
    }

    /// A `SystemMessage-Request` holding one `SystemMessage` with this content.
    fn system_message_xml(content: &str) -> String {
        format!("<SystemMessage-Request><SystemMessageList><SystemMessage>{content}</SystemMessage></SystemMessageList></SystemMessage-Request>")
    }

    const SM: &str =
        "/WV-CSP-Message/Session/Transaction/TransactionContent/SystemMessage-Request/SystemMessageList/SystemMessage";

    // Paths: a missing child is reported at the element lacking it, an invalid value at its
    // leaf, an unexpected child at its parent.

    #[test]
    fn missing_mandatory_children() {
        let missing = |inner: &str| decode_xml(V13, inner).unwrap_err();
        assert_eq!(
            missing("<GetSegment-Request/>"),
            Error::MissingElement { path: format!("{TC}/GetSegment-Request"), element: "SegmentID" }
        );
        assert_eq!(
            missing(
                "<DropSegment-Request><SegmentID><TransactionID>t</TransactionID></SegmentID></DropSegment-Request>"
            ),
            Error::MissingElement { path: format!("{TC}/DropSegment-Request/SegmentID"), element: "SegmentReference" }
        );
        assert_eq!(
            missing("<Notification-Request><GroupID>wv:g@x</GroupID></Notification-Request>"),
            Error::MissingElement { path: format!("{TC}/Notification-Request"), element: "NotificationType" }
        );
        assert_eq!(
            missing("<GetPublicProfile-Response><PublicProfile/></GetPublicProfile-Response>"),
            Error::MissingElement { path: format!("{TC}/GetPublicProfile-Response"), element: "Result" }
        );
        assert_eq!(
            missing("<SystemMessage-User/>"),
            Error::MissingElement { path: format!("{TC}/SystemMessage-User"), element: "SystemMessageResponseList" }
        );
        assert_eq!(
            missing(&system_message_xml("<SystemMessageText>x</SystemMessageText>")),
            Error::MissingElement { path: SM.into(), element: "SystemMessageID" }
        );
        assert_eq!(
            missing(&system_message_xml("<SystemMessageID>s</SystemMessageID><VerificationMechanism/>")),
            Error::MissingElement { path: format!("{SM}/VerificationMechanism"), element: "(one of its alternatives)" }
        );
    }

    #[test]
    fn invalid_values() {
        let invalid = |inner: &str| decode_xml(V13, inner).unwrap_err();
        assert_eq!(
            invalid(
                "<GetSegment-Request><SegmentID><TransactionID>t</TransactionID>\
                 <SegmentReference>two</SegmentReference></SegmentID></GetSegment-Request>"
            ),
            Error::InvalidValue {
                path: format!("{TC}/GetSegment-Request/SegmentID/SegmentReference"),
                value: "two".into(),
                expected: "an integer"
            }
        );
        assert_eq!(
            invalid(
                "<SystemMessage-User><SystemMessageResponseList><SystemMessageResponse>\
                 <SystemMessageID>s</SystemMessageID><ChosenOptionID>-1</ChosenOptionID>\
                 </SystemMessageResponse></SystemMessageResponseList></SystemMessage-User>"
            ),
            Error::InvalidValue {
                path: format!("{TC}/SystemMessage-User/SystemMessageResponseList/SystemMessageResponse/ChosenOptionID"),
                value: "-1".into(),
                expected: "an integer"
            }
        );
        assert_eq!(
            invalid("<UpdatePublicProfile-Request><ClearPublicProfile>yes</ClearPublicProfile></UpdatePublicProfile-Request>"),
            Error::InvalidValue {
                path: format!("{TC}/UpdatePublicProfile-Request/ClearPublicProfile"),
                value: "yes".into(),
                expected: "T or F"
            }
        );
        assert_eq!(
            invalid(&system_message_xml("<SystemMessageID>s</SystemMessageID><RequiresResponse>1</RequiresResponse>")),
            Error::InvalidValue { path: format!("{SM}/RequiresResponse"), value: "1".into(), expected: "T or F" }
        );
        assert_eq!(
            invalid(
                "<GetMap-Response><Map><ContentEncoding>base64</ContentEncoding>\
                 <ContentData>x</ContentData></Map></GetMap-Response>"
            ),
            Error::InvalidValue {
                path: format!("{TC}/GetMap-Response/Map/ContentEncoding"),
                value: "base64".into(),
                expected: "ContentEncoding"
            }
        );
    }

    #[test]
    fn unexpected_children() {
        let unexpected = |inner: &str| decode_xml(V13, inner).unwrap_err();
        // A choice holds one alternative.
        assert_eq!(
            unexpected(&system_message_xml(
                "<SystemMessageID>s</SystemMessageID>\
                 <VerificationMechanism><InText>a</InText><URL>b</URL></VerificationMechanism>"
            )),
            Error::UnexpectedElement { path: format!("{SM}/VerificationMechanism"), found: "URL".into() }
        );
        // `AnswerOptionsText` has a 1.3 token but no place in the Baraza model.
        assert_eq!(
            unexpected(&system_message_xml(
                "<SystemMessageID>s</SystemMessageID><AnswerOptions><AnswerOptionsText>Pick</AnswerOptionsText></AnswerOptions>"
            )),
            Error::UnexpectedElement { path: format!("{SM}/AnswerOptions"), found: "AnswerOptionsText".into() }
        );
        // Single children do not repeat.
        assert_eq!(
            unexpected(
                "<DropSegment-Request><SegmentID><TransactionID>a</TransactionID><TransactionID>b</TransactionID>\
                 <SegmentReference>1</SegmentReference></SegmentID></DropSegment-Request>"
            ),
            Error::UnexpectedElement {
                path: format!("{TC}/DropSegment-Request/SegmentID"),
                found: "TransactionID".into()
            }
        );
        assert_eq!(
            unexpected("<GetMap-Request><GroupID>wv:g@x</GroupID></GetMap-Request>"),
            Error::UnexpectedElement { path: format!("{TC}/GetMap-Request"), found: "GroupID".into() }
        );
    }

    #[test]
    fn wbxml_tokens_are_1_3_only() {
        // Page 0x0A / 0x09 tokens of the 1.3 table (spec notes 6.3.1); 1.2 reuses none of them
        // for these elements.
        assert_eq!(Elem::GetSegmentRequest.token(V13), Some((0x0A, 0x13)));
        assert_eq!(Elem::SystemMessageUser.token(V13), Some((0x0A, 0x16)));
        assert_eq!(Elem::GetMapResponse.token(V13), Some((0x09, 0x35)));
        for e in [
            Elem::SegmentID,
            Elem::SegmentContent,
            Elem::NotificationType,
            Elem::SystemMessage,
            Elem::PublicProfile,
            Elem::Map,
            Elem::UserIDList,
        ] {
            assert!(PRE_13.iter().all(|&v| !e.exists_in(v)), "{e:?}");
        }
    }
}
