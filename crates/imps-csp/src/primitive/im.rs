//! Instant messaging and block/grant list primitives (spec notes 2.5; seed section 4).
//!
//! A client sends with `SendMessage-Request`; the server delivers either by push (`NewMessage`,
//! answered with `MessageDelivered`) or by notification (`MessageNotification`, then
//! `GetMessage-Request`), as chosen by [`DeliveryMethod`]. Blocking uses a black list
//! (`BlockList`) and a white list (`GrantList`), both [`AccessList`]s.
//!
//! Version differences (spec notes 2.5, 9):
//! - `SendMessage-Request`: 1.1 `DeliveryReport?, MessageInfo, ContentData`; 1.2+
//!   `DeliveryReport, MessageInfo, ContentData?`. Both are modelled optional.
//! - `DeliveryReport-Request` gains `DeliveryTime` in 1.2.
//! - `BlockEntity-Request` is called `BlockUser-Request` in 1.1 (same token; the schema maps the
//!   name).
//! - 1.3 removes `InUse` and moves the flags to the primitive (`BlockListInUse`,
//!   `GrantListInUse`), wraps `GetMessageList-Response`'s `MessageInfo`s in `MessageInfoList`, adds
//!   `ForwardMessage-Response` and removes `AcceptedContentLength`. The 1.3 content models are
//!   not public; fields marked "inferred" follow the Baraza union model (spec notes appendix A).

use crate::codec::{csp_open_enum, csp_struct, encode_element, encode_field, Child, Codec, Field, Sink, Source};
use crate::elements::{ContentEncoding, Recipient, ScreenName, Sender, User};
use crate::ids::{ContactListId, GroupId, MessageId, UserId};
use crate::raw::RawNode;
use crate::schema::Elem;
use crate::{CspResult, DateTime, Error, ResultCode, Version};

/// `DeliveryMethod` (`P` push / `N` notify), defined with the client capabilities.
pub use crate::primitive::access::DeliveryMethod;

csp_open_enum! {
    /// `Size` values of a [`Font`] (1.3): the size words of the 1.3 `EXT_T_0` value table
    /// (spec notes 6.3.2; which element takes them is inferred from their names). Other values
    /// are kept as they come.
    pub enum FontSize {
        "`Tiny`" Tiny = "Tiny",
        "`Small`" Small = "Small",
        "`Medium`" Medium = "Medium",
        "`Big`" Big = "Big",
        "`Huge`" Huge = "Huge",
    }
}

csp_open_enum! {
    /// `Style` values of a [`Font`] (1.3): the style words of the 1.3 `EXT_T_0` value table
    /// (spec notes 6.3.2; inferred from their names). Other values are kept as they come.
    pub enum FontStyle {
        "`Bold`" Bold = "Bold",
        "`Italic`" Italic = "Italic",
        "`Underline`" Underline = "Underline",
    }
}

csp_open_enum! {
    /// `Color` values of a [`Font`] (1.3): the sixteen colour names of the 1.3 `EXT_T_0` value
    /// table (spec notes 6.3.2; the HTML 4 colour names). Other values (e.g. `#RRGGBB`, if
    /// peers send them) are kept as they come.
    pub enum FontColor {
        "`Black`" Black = "Black",
        "`Silver`" Silver = "Silver",
        "`Gray`" Gray = "Gray",
        "`White`" White = "White",
        "`Maroon`" Maroon = "Maroon",
        "`Red`" Red = "Red",
        "`Purple`" Purple = "Purple",
        "`Fuchsia`" Fuchsia = "Fuchsia",
        "`Green`" Green = "Green",
        "`Lime`" Lime = "Lime",
        "`Olive`" Olive = "Olive",
        "`Yellow`" Yellow = "Yellow",
        "`Navy`" Navy = "Navy",
        "`Blue`" Blue = "Blue",
        "`Teal`" Teal = "Teal",
        "`Aqua`" Aqua = "Aqua",
    }
}

csp_struct! {
    /// `Font (Size?, Style*, Color?)` (1.3): how a text message is shown (spec notes 9
    /// "font/style"). 1.3; inferred from the Baraza union model (order as there, all optional).
    pub struct Font {
        /// The size.
        pub size: Option<FontSize> = Size,
        /// The styles.
        pub styles: Vec<FontStyle> = Style,
        /// The colour.
        pub color: Option<FontColor> = Color,
    }
}

/// `ExtBlockETEM` (1.3): extension data of an end-to-end message in its `MessageInfo`. Its
/// content model is not public (Baraza keeps it as a string), so the content is kept as it came,
/// text and elements alike, like [`ExtBlock`](crate::ExtBlock). 1.3; inferred from the Baraza
/// union model.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ExtBlockEtem {
    /// The content.
    pub content: Vec<RawNode>,
}

impl ExtBlockEtem {
    /// An extension block with this content.
    pub fn new(content: Vec<RawNode>) -> Self {
        ExtBlockEtem { content }
    }

    /// An extension block holding one text.
    pub fn text(text: impl Into<String>) -> Self {
        ExtBlockEtem { content: vec![RawNode::Text(text.into())] }
    }
}

#[cfg(any(test, feature = "arbitrary"))]
impl<'a> arbitrary::Arbitrary<'a> for ExtBlockEtem {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        if u.arbitrary()? {
            // One non-empty text node (alphanumeric, so no whitespace is trimmed on the way).
            let text: String = String::arbitrary(u)?.chars().filter(|c| c.is_alphanumeric()).take(40).collect();
            return Ok(if text.is_empty() { ExtBlockEtem::default() } else { ExtBlockEtem::text(text) });
        }
        let n = u.int_in_range(0..=2u8)?;
        let content = (0..n)
            .map(|_| crate::raw::RawElement::arbitrary(u).map(RawNode::Element))
            .collect::<arbitrary::Result<_>>()?;
        Ok(ExtBlockEtem { content })
    }
}

impl Codec for ExtBlockEtem {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        Ok(ExtBlockEtem { content: src.raw_content()? })
    }
    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        w.raw_nodes(&self.content)
    }
}

csp_struct! {
    /// `MessageInfo (MessageID?, MessageURI?, ContentType?, ContentEncoding?, ContentSize,
    /// Recipient, Sender, DateTime?, Validity?)` (spec notes 2.5, same in 1.1 and 1.2).
    ///
    /// `ContentSize` is mandatory in every public model; the public samples (libwbxml, Android)
    /// all carry it, so a message without it is refused with [`Error::MissingElement`].
    ///
    /// 1.3 adds `ContentName?`, `Font?` (before `Validity`) and `ExtBlockETEM*` (at the end)
    /// (1.3; inferred from the Baraza union model, spec notes appendix A).
    pub struct MessageInfo {
        /// The server-assigned id (absent in `SendMessage-Request`).
        pub message_id: Option<MessageId> = MessageID,
        /// Where the content can be fetched, e.g. for messages outside the IMPS system.
        pub message_uri: Option<String> = MessageURI,
        /// MIME type of the content; `text/plain` when absent.
        pub content_type: Option<String> = ContentType,
        /// How `ContentData` is encoded (`None` or `BASE64`).
        pub content_encoding: Option<ContentEncoding> = ContentEncoding,
        /// Size of the content in bytes. Senders disagree on the unit for text (Android counts
        /// UTF-16 code units), so receivers should not rely on it to slice `ContentData`.
        pub content_size: u32 = ContentSize,
        /// 1.3 only, inferred from the Baraza union model: a name for the content (file name).
        pub content_name: Option<String> = ContentName [V1_3],
        /// The addressees: users, groups (or screen names in them), contact lists.
        pub recipient: Recipient = Recipient,
        /// The sender: a user, or a group / screen name for group messages.
        pub sender: Sender = Sender,
        /// When the message was sent.
        pub date_time: Option<DateTime> = DateTime,
        /// How the text is shown. 1.3; inferred from the Baraza union model.
        pub font: Option<Font> = Font [V1_3],
        /// How long the message stays valid, in seconds (an integer on the wire).
        pub validity: Option<u32> = Validity,
        /// End-to-end extension data, kept as it came. 1.3; inferred from the Baraza union model.
        pub ext_block_etems: Vec<ExtBlockEtem> = ExtBlockETEM [V1_3],
    }
}

impl MessageInfo {
    /// The content type to assume: `ContentType`, or `text/plain` when absent.
    pub fn content_type_or_default(&self) -> &str {
        self.content_type.as_deref().unwrap_or("text/plain")
    }

    /// Info for a `text/plain` message of `text` from `sender` to `recipient`; `ContentSize` is
    /// the UTF-8 length of `text` in bytes.
    pub fn text(sender: Sender, recipient: Recipient, text: &str) -> Self {
        MessageInfo {
            content_type: Some("text/plain".to_owned()),
            content_size: u32::try_from(text.len()).unwrap_or(u32::MAX),
            recipient,
            sender,
            ..Default::default()
        }
    }
}

csp_struct! {
    /// `SendMessage-Request`: the client sends an instant message (spec notes 2.5).
    ///
    /// 1.2+: `DeliveryReport, MessageInfo, ContentData?`; 1.1: `DeliveryReport?, MessageInfo,
    /// ContentData`. Both optional here so that either version decodes; a 1.2 message should carry
    /// `delivery_report` and a 1.1 message `content_data` (the constructors set both).
    pub struct SendMessageRequest {
        /// Whether the sender wants a `DeliveryReport-Request` back.
        pub delivery_report: Option<bool> = DeliveryReport,
        /// Addressing and content description.
        pub message_info: MessageInfo = MessageInfo,
        /// The content (BASE64 text when `ContentEncoding` says so).
        pub content_data: Option<String> = ContentData,
    }
}

impl SendMessageRequest {
    /// A `text/plain` message from user `from` to user `to`, without delivery report.
    pub fn text(from: impl Into<UserId>, to: impl Into<UserId>, text: impl Into<String>) -> Self {
        Self::text_to(from, Recipient::user(to), text)
    }

    /// A `text/plain` message from user `from` to group `group`, without delivery report.
    pub fn text_to_group(from: impl Into<UserId>, group: impl Into<GroupId>, text: impl Into<String>) -> Self {
        Self::text_to(from, Recipient::group(group), text)
    }

    /// A `text/plain` message from user `from` to `recipient`, without delivery report.
    pub fn text_to(from: impl Into<UserId>, recipient: Recipient, text: impl Into<String>) -> Self {
        let text = text.into();
        SendMessageRequest {
            delivery_report: Some(false),
            message_info: MessageInfo::text(Sender::User(User::new(from)), recipient, &text),
            content_data: Some(text),
        }
    }

    /// Sets `DeliveryReport`.
    pub fn with_delivery_report(mut self, report: bool) -> Self {
        self.delivery_report = Some(report);
        self
    }

    /// Whether a delivery report was asked for (absent means no).
    pub fn wants_delivery_report(&self) -> bool {
        self.delivery_report == Some(true)
    }
}

csp_struct! {
    /// `SendMessage-Response (Result, MessageID?)` (spec notes 2.5).
    pub struct SendMessageResponse {
        /// The outcome.
        pub result: CspResult = Result,
        /// The id the server gave the message.
        pub message_id: Option<MessageId> = MessageID,
    }
}

impl SendMessageResponse {
    /// A response with `result` and the message id, if any.
    pub fn new(result: CspResult, message_id: Option<MessageId>) -> Self {
        SendMessageResponse { result, message_id }
    }

    /// Success (200) with the id the server gave the message.
    pub fn ok(message_id: impl Into<MessageId>) -> Self {
        Self::new(CspResult::new(ResultCode::SUCCESSFUL), Some(message_id.into()))
    }
}

csp_struct! {
    /// `NewMessage (MessageInfo, ContentData?)`: push delivery to the recipient, answered with
    /// `MessageDelivered` (spec notes 2.5; 1.1 has `ContentData` mandatory).
    pub struct NewMessage {
        /// Addressing and content description (with the server's `MessageID`).
        pub message_info: MessageInfo = MessageInfo,
        /// The content.
        pub content_data: Option<String> = ContentData,
    }
}

impl NewMessage {
    /// A delivery of `message_info` and its content.
    pub fn new(message_info: MessageInfo, content_data: Option<String>) -> Self {
        NewMessage { message_info, content_data }
    }

    /// The delivery of a sent message: its `MessageInfo` and content, with the id the server
    /// assigned. Other fields (e.g. `DateTime`) are kept as the sender gave them.
    pub fn from_send(request: SendMessageRequest, message_id: impl Into<MessageId>) -> Self {
        let mut message_info = request.message_info;
        message_info.message_id = Some(message_id.into());
        NewMessage { message_info, content_data: request.content_data }
    }
}

csp_struct! {
    /// `MessageNotification (MessageInfo)`: notify/get delivery; the client then fetches the
    /// message with `GetMessage-Request`, forwards it or rejects it (spec notes 2.5).
    pub struct MessageNotification {
        /// The waiting message (with its `MessageID`).
        pub message_info: MessageInfo = MessageInfo,
    }
}

impl MessageNotification {
    /// A notification of `message_info`.
    pub fn new(message_info: MessageInfo) -> Self {
        MessageNotification { message_info }
    }
}

csp_struct! {
    /// `GetMessage-Request (MessageID)`: fetch a notified or listed message (spec notes 2.5).
    pub struct GetMessageRequest {
        /// The message.
        pub message_id: MessageId = MessageID,
    }
}

impl GetMessageRequest {
    /// Fetch message `id`.
    pub fn new(id: impl Into<MessageId>) -> Self {
        GetMessageRequest { message_id: id.into() }
    }
}

csp_struct! {
    /// `GetMessage-Response (MessageInfo, ContentData?)` (spec notes 2.5).
    pub struct GetMessageResponse {
        /// The message description.
        pub message_info: MessageInfo = MessageInfo,
        /// The content.
        pub content_data: Option<String> = ContentData,
    }
}

impl GetMessageResponse {
    /// A fetched message.
    pub fn new(message_info: MessageInfo, content_data: Option<String>) -> Self {
        GetMessageResponse { message_info, content_data }
    }
}

csp_struct! {
    /// `MessageDelivered (MessageID)`: the client's answer to `NewMessage`, and its
    /// acknowledgement of a message fetched with `GetMessage` (spec notes 2.5).
    pub struct MessageDelivered {
        /// The delivered message.
        pub message_id: MessageId = MessageID,
    }
}

impl MessageDelivered {
    /// Message `id` was delivered.
    pub fn new(id: impl Into<MessageId>) -> Self {
        MessageDelivered { message_id: id.into() }
    }
}

csp_struct! {
    /// `DeliveryReport-Request (Result, DeliveryTime?, MessageInfo)`: the server tells a sender
    /// that asked for it how delivery went (spec notes 2.5; 1.1 has no `DeliveryTime`). For group
    /// messages it reports delivery to the group, not to its members (seed 4.1).
    pub struct DeliveryReportRequest {
        /// The delivery outcome.
        pub result: CspResult = Result,
        /// When the message was delivered (1.2+).
        pub delivery_time: Option<DateTime> = DeliveryTime [V1_2, V1_3],
        /// The message reported on.
        pub message_info: MessageInfo = MessageInfo,
    }
}

impl DeliveryReportRequest {
    /// A report of `result` for `message_info`.
    pub fn new(result: CspResult, message_info: MessageInfo) -> Self {
        DeliveryReportRequest { result, delivery_time: None, message_info }
    }
}

csp_struct! {
    /// `ForwardMessage-Request (MessageID, Recipient)`: forward a notified message without
    /// fetching it (spec notes 2.5). 1.3 adds `Sender?` between them (1.3; inferred from the
    /// Baraza union model `(MessageID, Sender, Recipient)`, spec notes appendix A).
    pub struct ForwardMessageRequest {
        /// The message to forward.
        pub message_id: MessageId = MessageID,
        /// Who forwards it (e.g. as a screen name in a group). 1.3; inferred from the Baraza
        /// union model.
        pub sender: Option<Sender> = Sender [V1_3],
        /// Where to forward it.
        pub recipient: Recipient = Recipient,
    }
}

impl ForwardMessageRequest {
    /// Forward message `id` to `recipient`.
    pub fn new(id: impl Into<MessageId>, recipient: Recipient) -> Self {
        ForwardMessageRequest { message_id: id.into(), sender: None, recipient }
    }
}

csp_struct! {
    /// `ForwardMessage-Response (MessageID)` (1.3 only). The content model is inferred from the
    /// Baraza union model (spec notes appendix A): the id of the forwarded copy.
    pub struct ForwardMessageResponse {
        /// The id of the forwarded message.
        pub message_id: MessageId = MessageID,
    }
}

impl ForwardMessageResponse {
    /// The forwarded copy got id `id`.
    pub fn new(id: impl Into<MessageId>) -> Self {
        ForwardMessageResponse { message_id: id.into() }
    }
}

csp_struct! {
    /// `RejectMessage-Request (MessageID+)`: discard notified messages (spec notes 2.5).
    pub struct RejectMessageRequest {
        /// The messages (at least one).
        pub message_ids: Vec<MessageId> = MessageID,
    }
}

impl RejectMessageRequest {
    /// Reject these messages.
    pub fn new<I: IntoIterator<Item = M>, M: Into<MessageId>>(ids: I) -> Self {
        RejectMessageRequest { message_ids: ids.into_iter().map(Into::into).collect() }
    }
}

csp_struct! {
    /// `GetMessageList-Request (GroupID?, MessageCount?)`: list undelivered messages (stored
    /// offline messages, seed 4.2), optionally of one group (spec notes 2.5).
    pub struct GetMessageListRequest {
        /// Only messages of this group.
        pub group_id: Option<GroupId> = GroupID,
        /// At most this many.
        pub message_count: Option<u32> = MessageCount,
    }
}

/// `GetMessageList-Response`: 1.1/1.2 `(MessageInfo*)`; 1.3 wraps the list in
/// `MessageInfoList (MessageInfo*)` and may add `MessageTotalCount` (inferred from the Baraza
/// union model). Decoding accepts either form in every version; encoding writes the form of the
/// target version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct GetMessageListResponse {
    /// The waiting messages.
    pub message_infos: Vec<MessageInfo>,
    /// 1.3 only (inferred): how many messages are waiting in all.
    pub message_total_count: Option<u32>,
}

impl GetMessageListResponse {
    /// A list of waiting messages.
    pub fn new(message_infos: Vec<MessageInfo>) -> Self {
        GetMessageListResponse { message_infos, message_total_count: None }
    }
}

impl Codec for GetMessageListResponse {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let mut out = GetMessageListResponse::default();
        while let Some(child) = src.next_child()? {
            match child {
                Child::Known(Elem::MessageInfo) => out.message_infos.push(MessageInfo::decode(src, Elem::MessageInfo)?),
                Child::Known(Elem::MessageInfoList) => {
                    while let Some(inner) = src.next_child()? {
                        match inner {
                            Child::Known(Elem::MessageInfo) => {
                                out.message_infos.push(MessageInfo::decode(src, Elem::MessageInfo)?)
                            }
                            other => return Err(src.unexpected(&other)),
                        }
                    }
                }
                Child::Known(Elem::MessageTotalCount) => {
                    <Option<u32>>::accept(&mut out.message_total_count, src, Elem::MessageTotalCount)?
                }
                other => return Err(src.unexpected(&other)),
            }
        }
        Ok(out)
    }

    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        if w.version() == Version::V1_3 {
            w.start(Elem::MessageInfoList)?;
            Field::encode(&self.message_infos, w, Elem::MessageInfo)?;
            w.end()?;
        } else {
            Field::encode(&self.message_infos, w, Elem::MessageInfo)?;
        }
        encode_field(w, &self.message_total_count, Elem::MessageTotalCount, &[Version::V1_3])
    }
}

csp_struct! {
    /// `SetDeliveryMethod-Request (DeliveryMethod, AcceptedContentLength?, GroupID?)`: switch
    /// between push and notify/get, for all messages or those of one group (spec notes 2.5;
    /// seed 4.1).
    pub struct SetDeliveryMethodRequest {
        /// Push or notify.
        pub delivery_method: DeliveryMethod = DeliveryMethod,
        /// Largest content pushed whole (bytes); 1.1/1.2 (the element is gone from 1.3).
        pub accepted_content_length: Option<u32> = AcceptedContentLength [V1_1, V1_2],
        /// Only for this group.
        pub group_id: Option<GroupId> = GroupID,
        /// 1.3 only, inferred from the Baraza union model: content limit for group messages.
        pub group_content_limit: Option<u32> = GroupContentLimit [V1_3],
    }
}

impl SetDeliveryMethodRequest {
    /// Switch to `method` for all messages.
    pub fn new(method: DeliveryMethod) -> Self {
        SetDeliveryMethodRequest { delivery_method: method, ..Default::default() }
    }
}

csp_struct! {
    /// `EntityList`, `AddList` and `RemoveList` `(UserID*, ScreenName*, GroupID*)`: entities of a
    /// block or grant list, or of a group's reject list (spec notes 2.5, 2.6). 1.3 adds
    /// `ContactList*` and `ApplicationID*` (inferred from the Baraza union model).
    pub struct EntityList {
        /// Users.
        pub user_ids: Vec<UserId> = UserID,
        /// Screen names in groups.
        pub screen_names: Vec<ScreenName> = ScreenName,
        /// Groups.
        pub group_ids: Vec<GroupId> = GroupID,
        /// Contact lists (1.3, inferred).
        pub contact_lists: Vec<ContactListId> = ContactList [V1_3],
        /// Client applications (1.3, inferred).
        pub application_ids: Vec<String> = ApplicationID [V1_3],
    }
}

impl EntityList {
    /// A list of users.
    pub fn users<I: IntoIterator<Item = U>, U: Into<UserId>>(users: I) -> Self {
        EntityList { user_ids: users.into_iter().map(Into::into).collect(), ..Default::default() }
    }

    /// Whether the list names nothing.
    pub fn is_empty(&self) -> bool {
        self.user_ids.is_empty()
            && self.screen_names.is_empty()
            && self.group_ids.is_empty()
            && self.contact_lists.is_empty()
            && self.application_ids.is_empty()
    }
}

/// The entries part of a block or grant list: `(EntityList | (AddList?, RemoveList?))`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum ListEntries {
    /// `EntityList`: the whole list (in responses; in requests it replaces the list).
    Entities(EntityList),
    /// `AddList?, RemoveList?`: changes to the list. At least one must be present to encode.
    Changes {
        /// `AddList`: entities to add.
        add: Option<EntityList>,
        /// `RemoveList`: entities to remove.
        remove: Option<EntityList>,
    },
}

/// `BlockList` / `GrantList (InUse?, (EntityList | (AddList?, RemoveList?))?)`: the black list
/// or white list of instant-messaging access control (spec notes 2.5; seed 4.3).
///
/// `InUse` exists in 1.1 and 1.2 only; 1.3 carries the flags at primitive level
/// (`BlockListInUse`, `GrantListInUse`, fields of the primitives) and refuses `in_use` with
/// [`Error::NotInVersion`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct AccessList {
    /// `InUse` (1.1/1.2): whether the list is applied.
    pub in_use: Option<bool>,
    /// The entries or changes.
    pub entries: Option<ListEntries>,
}

impl AccessList {
    /// The whole list (`EntityList`).
    pub fn entities(list: EntityList) -> Self {
        AccessList { in_use: None, entries: Some(ListEntries::Entities(list)) }
    }

    /// Changes (`AddList`, `RemoveList`).
    pub fn changes(add: Option<EntityList>, remove: Option<EntityList>) -> Self {
        AccessList { in_use: None, entries: Some(ListEntries::Changes { add, remove }) }
    }

    /// Sets `InUse` (1.1/1.2).
    pub fn with_in_use(mut self, in_use: bool) -> Self {
        self.in_use = Some(in_use);
        self
    }

    /// The `EntityList`, if the list is given whole.
    pub fn entity_list(&self) -> Option<&EntityList> {
        match &self.entries {
            Some(ListEntries::Entities(l)) => Some(l),
            _ => None,
        }
    }
}

impl Codec for AccessList {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let mut in_use = None;
        let mut entries: Option<ListEntries> = None;
        while let Some(child) = src.next_child()? {
            let e = match child {
                Child::Known(Elem::InUse) => {
                    <Option<bool>>::accept(&mut in_use, src, Elem::InUse)?;
                    continue;
                }
                Child::Known(e @ (Elem::EntityList | Elem::AddList | Elem::RemoveList)) => e,
                other => return Err(src.unexpected(&other)),
            };
            // One EntityList, or at most one AddList and one RemoveList.
            let fits = matches!(
                (&entries, e),
                (None, _)
                    | (Some(ListEntries::Changes { add: None, .. }), Elem::AddList)
                    | (Some(ListEntries::Changes { remove: None, .. }), Elem::RemoveList)
            );
            if !fits {
                return Err(src.unexpected(&Child::Known(e)));
            }
            let list = EntityList::decode(src, e)?;
            entries = Some(match (entries.take(), e) {
                (_, Elem::EntityList) => ListEntries::Entities(list),
                (Some(ListEntries::Changes { remove, .. }), Elem::AddList) => {
                    ListEntries::Changes { add: Some(list), remove }
                }
                (Some(ListEntries::Changes { add, .. }), _) => ListEntries::Changes { add, remove: Some(list) },
                (_, Elem::AddList) => ListEntries::Changes { add: Some(list), remove: None },
                _ => ListEntries::Changes { add: None, remove: Some(list) },
            });
        }
        Ok(AccessList { in_use, entries })
    }

    fn encode<W: Sink>(&self, w: &mut W, elem: Elem) -> Result<(), Error> {
        encode_field(w, &self.in_use, Elem::InUse, &[Version::V1_1, Version::V1_2])?;
        match &self.entries {
            None => Ok(()),
            Some(ListEntries::Entities(list)) => encode_element(w, Elem::EntityList, list),
            Some(ListEntries::Changes { add: None, remove: None }) => Err(Error::Unencodable {
                element: elem.name(w.version()),
                reason: "a list change needs an AddList or a RemoveList",
            }),
            Some(ListEntries::Changes { add, remove }) => {
                Field::encode(add, w, Elem::AddList)?;
                Field::encode(remove, w, Elem::RemoveList)
            }
        }
    }
}

csp_struct! {
    /// `GetBlockedList-Request` (EMPTY): ask for the block and grant lists (spec notes 2.5).
    pub struct GetBlockedListRequest {}
}

csp_struct! {
    /// `GetBlockedList-Response (BlockList?, GrantList?)` (spec notes 2.5). 1.3 adds
    /// `BlockListInUse` and `GrantListInUse` here in place of `InUse` inside the lists (spec notes
    /// 9 and appendix A; order per Baraza).
    pub struct GetBlockedListResponse {
        /// The black list.
        pub block_list: Option<AccessList> = BlockList,
        /// 1.3: whether the black list is applied.
        pub block_list_in_use: Option<bool> = BlockListInUse [V1_3],
        /// The white list.
        pub grant_list: Option<AccessList> = GrantList,
        /// 1.3: whether the white list is applied.
        pub grant_list_in_use: Option<bool> = GrantListInUse [V1_3],
    }
}

impl GetBlockedListResponse {
    /// Whether the black list is applied: `InUse` (1.1/1.2) or `BlockListInUse` (1.3).
    pub fn block_list_applied(&self) -> Option<bool> {
        self.block_list_in_use.or(self.block_list.as_ref().and_then(|l| l.in_use))
    }

    /// Whether the white list is applied: `InUse` (1.1/1.2) or `GrantListInUse` (1.3).
    pub fn grant_list_applied(&self) -> Option<bool> {
        self.grant_list_in_use.or(self.grant_list.as_ref().and_then(|l| l.in_use))
    }
}

csp_struct! {
    /// `BlockEntity-Request (BlockList?, GrantList?)`: change the block and grant lists (spec
    /// notes 2.5). Named `BlockUser-Request` in 1.1 (the encoder writes the version's name). 1.3
    /// adds `BlockListInUse` and `GrantListInUse` in place of `InUse` inside the lists.
    pub struct BlockEntityRequest {
        /// Changes to the black list.
        pub block_list: Option<AccessList> = BlockList,
        /// 1.3: turn the black list on or off.
        pub block_list_in_use: Option<bool> = BlockListInUse [V1_3],
        /// Changes to the white list.
        pub grant_list: Option<AccessList> = GrantList,
        /// 1.3: turn the white list on or off.
        pub grant_list_in_use: Option<bool> = GrantListInUse [V1_3],
    }
}

impl BlockEntityRequest {
    /// Block these users (add them to the black list).
    pub fn block_users<I: IntoIterator<Item = U>, U: Into<UserId>>(users: I) -> Self {
        BlockEntityRequest {
            block_list: Some(AccessList::changes(Some(EntityList::users(users)), None)),
            ..Default::default()
        }
    }

    /// Unblock these users (remove them from the black list).
    pub fn unblock_users<I: IntoIterator<Item = U>, U: Into<UserId>>(users: I) -> Self {
        BlockEntityRequest {
            block_list: Some(AccessList::changes(None, Some(EntityList::users(users)))),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elements::{ClientId, Group};
    use crate::testutil::{assert_not_in_version, decode_xml, message, round_trip};
    use crate::{Encoding, Primitive};

    use Version::{V1_1, V1_2, V1_3};
    const ALL: &[Version] = &[V1_1, V1_2, V1_3];

    fn xml(p: impl Into<Primitive>, v: Version) -> String {
        String::from_utf8(message(p.into()).to_xml(v).unwrap()).unwrap()
    }

    fn dt(y: u16, mo: u8, d: u8, h: u8, mi: u8, s: u8) -> DateTime {
        DateTime::utc(y, mo, d, h, mi, s).unwrap()
    }

    const INFO_XML: &str = "<MessageInfo><MessageID>m-1</MessageID><ContentType>text/plain</ContentType>\
        <ContentEncoding>None</ContentEncoding><ContentSize>5</ContentSize>\
        <Recipient><User><UserID>wv:bob@example.com</UserID></User>\
        <Group><ScreenName><SName>Vicky</SName><GroupID>wv:john/chat@example.com</GroupID></ScreenName></Group>\
        <ContactList>wv:alice/friends@example.com</ContactList></Recipient>\
        <Sender><User><UserID>wv:alice@example.com</UserID><ClientID><URL>http://c/1</URL></ClientID></User></Sender>\
        <DateTime>20010925T134013Z</DateTime><Validity>600</Validity></MessageInfo>";

    fn info() -> MessageInfo {
        MessageInfo {
            message_id: Some("m-1".into()),
            message_uri: None,
            content_type: Some("text/plain".into()),
            content_encoding: Some(ContentEncoding::None),
            content_size: 5,
            content_name: None,
            recipient: Recipient {
                users: vec![User::new("wv:bob@example.com")],
                groups: vec![Group::ScreenName(ScreenName {
                    sname: "Vicky".into(),
                    group_id: "wv:john/chat@example.com".into(),
                })],
                contact_lists: vec!["wv:alice/friends@example.com".into()],
            },
            sender: Sender::User(User {
                client_id: Some(ClientId::url("http://c/1")),
                ..User::new("wv:alice@example.com")
            }),
            date_time: Some(dt(2001, 9, 25, 13, 40, 13)),
            validity: Some(600),
            ..Default::default()
        }
    }

    #[test]
    fn send_message_request_1_2() {
        let got = decode_xml(
            V1_2,
            &format!("<SendMessage-Request><DeliveryReport>T</DeliveryReport>{INFO_XML}<ContentData>Hello</ContentData></SendMessage-Request>"),
        )
        .unwrap();
        let want = SendMessageRequest {
            delivery_report: Some(true),
            message_info: info(),
            content_data: Some("Hello".into()),
        };
        assert_eq!(got, Primitive::SendMessageRequest(want.clone()));
        assert!(want.wants_delivery_report());
        round_trip(want, ALL);
    }

    #[test]
    fn send_message_request_1_1_without_delivery_report() {
        // 1.1: DeliveryReport optional, ContentData mandatory.
        let got = decode_xml(
            V1_1,
            &format!("<SendMessage-Request>{INFO_XML}<ContentData>Hello</ContentData></SendMessage-Request>"),
        )
        .unwrap();
        let want =
            SendMessageRequest { delivery_report: None, message_info: info(), content_data: Some("Hello".into()) };
        assert_eq!(got, Primitive::SendMessageRequest(want.clone()));
        assert!(!want.wants_delivery_report());
        // 1.2: ContentData optional.
        let got = decode_xml(
            V1_2,
            &format!("<SendMessage-Request><DeliveryReport>F</DeliveryReport>{INFO_XML}</SendMessage-Request>"),
        )
        .unwrap();
        let want = SendMessageRequest { delivery_report: Some(false), message_info: info(), content_data: None };
        assert_eq!(got, Primitive::SendMessageRequest(want.clone()));
        round_trip(want, ALL);
    }

    #[test]
    fn send_message_text_constructor() {
        let r = SendMessageRequest::text("wv:alice@example.com", "wv:bob@example.com", "Grüße 🌍")
            .with_delivery_report(true);
        assert_eq!(r.delivery_report, Some(true));
        assert_eq!(r.message_info.content_size, 12, "UTF-8 bytes");
        assert_eq!(r.message_info.content_type.as_deref(), Some("text/plain"));
        assert_eq!(r.message_info.recipient, Recipient::user("wv:bob@example.com"));
        assert_eq!(r.message_info.sender.user_id().map(UserId::as_str), Some("wv:alice@example.com"));
        assert_eq!(r.content_data.as_deref(), Some("Grüße 🌍"));
        round_trip(r, ALL);
        let g = SendMessageRequest::text_to_group("wv:alice@example.com", "wv:alice/chat@example.com", "hi");
        assert_eq!(g.message_info.recipient.groups, vec![Group::GroupId("wv:alice/chat@example.com".into())]);
        round_trip(g, ALL);
    }

    #[test]
    fn send_message_response() {
        let got = decode_xml(
            V1_1,
            "<SendMessage-Response><Result><Code>200</Code><Description>Successfully completed.</Description></Result>\
             <MessageID>0x0000f132</MessageID></SendMessage-Response>",
        )
        .unwrap();
        let mut result = CspResult::new(ResultCode::SUCCESSFUL);
        result.description = Some("Successfully completed.".into());
        let want = SendMessageResponse::new(result, Some("0x0000f132".into()));
        assert_eq!(got, Primitive::SendMessageResponse(want.clone()));
        round_trip(want, ALL);
        round_trip(SendMessageResponse::ok("m-9"), ALL);
        round_trip(SendMessageResponse::new(CspResult::new(ResultCode(404)), None), ALL);
    }

    #[test]
    fn new_message_and_delivery() {
        let got =
            decode_xml(V1_2, &format!("<NewMessage>{INFO_XML}<ContentData>Hello</ContentData></NewMessage>")).unwrap();
        let want = NewMessage::new(info(), Some("Hello".into()));
        assert_eq!(got, Primitive::NewMessage(want.clone()));
        round_trip(want, ALL);

        let sent = SendMessageRequest::text("wv:alice@example.com", "wv:bob@example.com", "yo");
        let new = NewMessage::from_send(sent.clone(), "srv-7");
        assert_eq!(new.message_info.message_id, Some("srv-7".into()));
        assert_eq!(new.message_info.sender, sent.message_info.sender);
        assert_eq!(new.message_info.recipient, sent.message_info.recipient);
        assert_eq!(new.content_data.as_deref(), Some("yo"));
        round_trip(new, ALL);

        let got = decode_xml(V1_1, "<MessageDelivered><MessageID>srv-7</MessageID></MessageDelivered>").unwrap();
        assert_eq!(got, Primitive::MessageDelivered(MessageDelivered::new("srv-7")));
        round_trip(MessageDelivered::new("srv-7"), ALL);
    }

    #[test]
    fn notification_and_get_message() {
        let got = decode_xml(V1_3, &format!("<MessageNotification>{INFO_XML}</MessageNotification>")).unwrap();
        assert_eq!(got, Primitive::MessageNotification(MessageNotification::new(info())));
        round_trip(MessageNotification::new(info()), ALL);

        let got = decode_xml(V1_2, "<GetMessage-Request><MessageID>m-1</MessageID></GetMessage-Request>").unwrap();
        assert_eq!(got, Primitive::GetMessageRequest(GetMessageRequest::new("m-1")));
        round_trip(GetMessageRequest::new("m-1"), ALL);

        let got = decode_xml(V1_2, &format!("<GetMessage-Response>{INFO_XML}</GetMessage-Response>")).unwrap();
        assert_eq!(got, Primitive::GetMessageResponse(GetMessageResponse::new(info(), None)));
        round_trip(GetMessageResponse::new(info(), Some("Hello".into())), ALL);
    }

    #[test]
    fn message_info_variants() {
        // Minimal: only the mandatory ContentSize, Recipient, Sender; a group sender; a URI.
        let got = decode_xml(
            V1_2,
            "<MessageNotification><MessageInfo><MessageURI>http://x/m/1</MessageURI><ContentSize>2048</ContentSize>\
             <Recipient/><Sender><Group><GroupID>wv:g@x</GroupID></Group></Sender></MessageInfo></MessageNotification>",
        )
        .unwrap();
        let want = MessageInfo {
            message_uri: Some("http://x/m/1".into()),
            content_size: 2048,
            sender: Sender::Group(Group::GroupId("wv:g@x".into())),
            ..Default::default()
        };
        assert_eq!(want.content_type_or_default(), "text/plain");
        assert_eq!(got, Primitive::MessageNotification(MessageNotification::new(want.clone())));
        round_trip(MessageNotification::new(want.clone()), ALL);

        // ContentName is 1.3 only (inferred).
        let named = MessageInfo {
            content_name: Some("photo.jpg".into()),
            content_encoding: Some(ContentEncoding::Base64),
            ..want
        };
        round_trip(MessageNotification::new(named.clone()), &[V1_3]);
        assert_not_in_version(MessageNotification::new(named.clone()), V1_2, "ContentName");
        assert_not_in_version(MessageNotification::new(named), V1_1, "ContentName");
    }

    #[test]
    fn delivery_report_request() {
        let got = decode_xml(
            V1_2,
            &format!("<DeliveryReport-Request><Result><Code>200</Code></Result><DeliveryTime>20010925T134100Z</DeliveryTime>{INFO_XML}</DeliveryReport-Request>"),
        )
        .unwrap();
        let mut want = DeliveryReportRequest::new(CspResult::new(ResultCode::SUCCESSFUL), info());
        want.delivery_time = Some(dt(2001, 9, 25, 13, 41, 0));
        assert_eq!(got, Primitive::DeliveryReportRequest(want.clone()));
        round_trip(want.clone(), &[V1_2, V1_3]);
        assert_not_in_version(want, V1_1, "DeliveryTime");
        round_trip(DeliveryReportRequest::new(CspResult::new(ResultCode::UNABLE_TO_DELIVER), info()), ALL);
        // libwbxml's 1.1 sample (wv-072) carries DeliveryTime although Symbian's 1.1 model has
        // none: decoding accepts it.
        let got = decode_xml(
            V1_1,
            &format!("<DeliveryReport-Request><Result><Code>200</Code></Result><DeliveryTime>20010925T134100Z</DeliveryTime>{INFO_XML}</DeliveryReport-Request>"),
        )
        .unwrap();
        let Primitive::DeliveryReportRequest(got) = got else { panic!("{got:?}") };
        assert_eq!(got.delivery_time, Some(dt(2001, 9, 25, 13, 41, 0)));
    }

    #[test]
    fn forward_and_reject() {
        let got = decode_xml(
            V1_1,
            "<ForwardMessage-Request><MessageID>m-1</MessageID><Recipient><User><UserID>wv:carol@x</UserID></User></Recipient></ForwardMessage-Request>",
        )
        .unwrap();
        let want = ForwardMessageRequest::new("m-1", Recipient::user("wv:carol@x"));
        assert_eq!(got, Primitive::ForwardMessageRequest(want.clone()));
        round_trip(want, ALL);

        let got =
            decode_xml(V1_3, "<ForwardMessage-Response><MessageID>m-2</MessageID></ForwardMessage-Response>").unwrap();
        assert_eq!(got, Primitive::ForwardMessageResponse(ForwardMessageResponse::new("m-2")));
        round_trip(ForwardMessageResponse::new("m-2"), &[V1_3]);
        assert_not_in_version(ForwardMessageResponse::new("m-2"), V1_2, "ForwardMessage-Response");
        assert_not_in_version(ForwardMessageResponse::new("m-2"), V1_1, "ForwardMessage-Response");

        let got = decode_xml(
            V1_2,
            "<RejectMessage-Request><MessageID>a</MessageID><MessageID>b</MessageID></RejectMessage-Request>",
        )
        .unwrap();
        assert_eq!(got, Primitive::RejectMessageRequest(RejectMessageRequest::new(["a", "b"])));
        round_trip(RejectMessageRequest::new(["a", "b"]), ALL);
    }

    #[test]
    fn get_message_list() {
        let got = decode_xml(
            V1_2,
            "<GetMessageList-Request><GroupID>wv:g@x</GroupID><MessageCount>10</MessageCount></GetMessageList-Request>",
        )
        .unwrap();
        let want = GetMessageListRequest { group_id: Some("wv:g@x".into()), message_count: Some(10) };
        assert_eq!(got, Primitive::GetMessageListRequest(want.clone()));
        round_trip(want, ALL);
        round_trip(GetMessageListRequest::default(), ALL);

        let two = GetMessageListResponse::new(vec![info(), MessageInfo { message_id: Some("m-2".into()), ..info() }]);
        let flat =
            format!("<GetMessageList-Response>{INFO_XML}{}</GetMessageList-Response>", INFO_XML.replace("m-1", "m-2"));
        let wrapped = format!(
            "<GetMessageList-Response><MessageInfoList>{INFO_XML}{}</MessageInfoList></GetMessageList-Response>",
            INFO_XML.replace("m-1", "m-2")
        );
        // 1.1/1.2 flat; 1.3 wrapped; either form decodes in any version.
        assert_eq!(decode_xml(V1_2, &flat).unwrap(), Primitive::GetMessageListResponse(two.clone()));
        assert_eq!(decode_xml(V1_3, &wrapped).unwrap(), Primitive::GetMessageListResponse(two.clone()));
        assert_eq!(decode_xml(V1_3, &flat).unwrap(), Primitive::GetMessageListResponse(two.clone()));
        assert_eq!(decode_xml(V1_1, &wrapped).unwrap(), Primitive::GetMessageListResponse(two.clone()));
        // Encoding follows the version.
        assert!(xml(two.clone(), V1_3).contains("<GetMessageList-Response><MessageInfoList><MessageInfo>"));
        assert!(!xml(two.clone(), V1_2).contains("MessageInfoList"));
        assert!(xml(two.clone(), V1_2).contains("<GetMessageList-Response><MessageInfo>"));
        round_trip(two.clone(), ALL);
        round_trip(GetMessageListResponse::default(), ALL);

        let counted = GetMessageListResponse { message_total_count: Some(42), ..two };
        let got = decode_xml(
            V1_3,
            &format!("<GetMessageList-Response><MessageInfoList>{INFO_XML}{}</MessageInfoList><MessageTotalCount>42</MessageTotalCount></GetMessageList-Response>", INFO_XML.replace("m-1", "m-2")),
        )
        .unwrap();
        assert_eq!(got, Primitive::GetMessageListResponse(counted.clone()));
        round_trip(counted.clone(), &[V1_3]);
        assert_not_in_version(counted, V1_2, "MessageTotalCount");
    }

    #[test]
    fn set_delivery_method() {
        let got = decode_xml(
            V1_1,
            "<SetDeliveryMethod-Request><DeliveryMethod>P</DeliveryMethod><AcceptedContentLength>2048</AcceptedContentLength>\
             <GroupID>wv:/chatgroup@server.com</GroupID></SetDeliveryMethod-Request>",
        )
        .unwrap();
        let want = SetDeliveryMethodRequest {
            delivery_method: DeliveryMethod::Push,
            accepted_content_length: Some(2048),
            group_id: Some("wv:/chatgroup@server.com".into()),
            group_content_limit: None,
        };
        assert_eq!(got, Primitive::SetDeliveryMethodRequest(want.clone()));
        round_trip(want.clone(), &[V1_1, V1_2]);
        assert_not_in_version(want, V1_3, "AcceptedContentLength");
        round_trip(SetDeliveryMethodRequest::new(DeliveryMethod::Notify), ALL);
        let limited = SetDeliveryMethodRequest {
            group_content_limit: Some(1000),
            ..SetDeliveryMethodRequest::new(DeliveryMethod::Notify)
        };
        round_trip(limited.clone(), &[V1_3]);
        assert_not_in_version(limited, V1_2, "GroupContentLimit");
        assert_eq!(DeliveryMethod::parse("N"), Some(DeliveryMethod::Notify));
        assert_eq!(DeliveryMethod::Push.as_str(), "P");
    }

    fn libwbxml_blocked_list() -> GetBlockedListResponse {
        let sn = |s: &str| ScreenName { sname: s.into(), group_id: "wv:john/chatgroup@there.com".into() };
        GetBlockedListResponse {
            block_list: Some(
                AccessList::entities(EntityList {
                    user_ids: vec!["wv:he@there.com".into(), "wv:she@there.com".into()],
                    screen_names: vec![sn("Billyboy")],
                    group_ids: vec!["wv:/boringlist@server.com".into()],
                    ..Default::default()
                })
                .with_in_use(false),
            ),
            grant_list: Some(
                AccessList::entities(EntityList {
                    user_ids: vec!["wv:matthias@salamander.com".into()],
                    screen_names: vec![sn("WV")],
                    ..Default::default()
                })
                .with_in_use(true),
            ),
            ..Default::default()
        }
    }

    #[test]
    fn get_blocked_list() {
        let got = decode_xml(V1_1, "<GetBlockedList-Request/>").unwrap();
        assert_eq!(got, Primitive::GetBlockedListRequest(GetBlockedListRequest::default()));
        round_trip(GetBlockedListRequest::default(), ALL);

        // Shaped like libwbxml's wv-077 sample (1.1).
        let got = decode_xml(
            V1_1,
            "<GetBlockedList-Response><BlockList><InUse>F</InUse><EntityList><UserID>wv:he@there.com</UserID>\
             <UserID>wv:she@there.com</UserID><ScreenName><SName>Billyboy</SName><GroupID>wv:john/chatgroup@there.com</GroupID></ScreenName>\
             <GroupID>wv:/boringlist@server.com</GroupID></EntityList></BlockList>\
             <GrantList><InUse>T</InUse><EntityList><UserID>wv:matthias@salamander.com</UserID>\
             <ScreenName><SName>WV</SName><GroupID>wv:john/chatgroup@there.com</GroupID></ScreenName></EntityList></GrantList>\
             </GetBlockedList-Response>",
        )
        .unwrap();
        let want = libwbxml_blocked_list();
        assert_eq!(got, Primitive::GetBlockedListResponse(want.clone()));
        assert_eq!((want.block_list_applied(), want.grant_list_applied()), (Some(false), Some(true)));
        round_trip(want.clone(), &[V1_1, V1_2]);
        assert_not_in_version(want, V1_3, "InUse");
    }

    #[test]
    fn blocked_list_1_3_in_use_at_primitive_level() {
        let got = decode_xml(
            V1_3,
            "<GetBlockedList-Response><BlockList><EntityList><UserID>wv:spam@x</UserID></EntityList></BlockList>\
             <BlockListInUse>T</BlockListInUse><GrantListInUse>F</GrantListInUse></GetBlockedList-Response>",
        )
        .unwrap();
        let want = GetBlockedListResponse {
            block_list: Some(AccessList::entities(EntityList::users(["wv:spam@x"]))),
            block_list_in_use: Some(true),
            grant_list: None,
            grant_list_in_use: Some(false),
        };
        assert_eq!(got, Primitive::GetBlockedListResponse(want.clone()));
        assert_eq!((want.block_list_applied(), want.grant_list_applied()), (Some(true), Some(false)));
        round_trip(want.clone(), &[V1_3]);
        assert_not_in_version(want, V1_2, "BlockListInUse");

        let req =
            BlockEntityRequest { grant_list_in_use: Some(true), ..BlockEntityRequest::block_users(["wv:spam@x"]) };
        round_trip(req.clone(), &[V1_3]);
        assert_not_in_version(req, V1_1, "GrantListInUse");
        // EntityList gains ContactList and ApplicationID in 1.3 (inferred).
        let mut l = EntityList::users(["wv:a@x"]);
        l.contact_lists.push("wv:a/friends@x".into());
        l.application_ids.push("com.example.app".into());
        let req = BlockEntityRequest { block_list: Some(AccessList::entities(l)), ..Default::default() };
        round_trip(req.clone(), &[V1_3]);
        assert_not_in_version(req, V1_2, "ContactList");
    }

    #[test]
    fn block_entity_request_names_per_version() {
        let got = decode_xml(
            V1_1,
            "<BlockUser-Request><BlockList><InUse>T</InUse><AddList/><RemoveList><UserID>wv:m@s.com</UserID></RemoveList></BlockList>\
             <GrantList><AddList><UserID>wv:m@s.com</UserID></AddList></GrantList></BlockUser-Request>",
        )
        .unwrap();
        let want = BlockEntityRequest {
            block_list: Some(
                AccessList::changes(Some(EntityList::default()), Some(EntityList::users(["wv:m@s.com"])))
                    .with_in_use(true),
            ),
            grant_list: Some(AccessList::changes(Some(EntityList::users(["wv:m@s.com"])), None)),
            ..Default::default()
        };
        assert_eq!(got, Primitive::BlockEntityRequest(want.clone()));
        round_trip(want.clone(), &[V1_1, V1_2]);

        let v11 = xml(want.clone(), V1_1);
        assert!(v11.contains("<BlockUser-Request>") && v11.contains("</BlockUser-Request>"), "{v11}");
        assert!(!v11.contains("BlockEntity"), "{v11}");
        let v12 = xml(want, V1_2);
        assert!(v12.contains("<BlockEntity-Request>") && !v12.contains("BlockUser"), "{v12}");

        // The 1.2 name is understood in a 1.1 document too (libwbxml's samples use it).
        let got = decode_xml(V1_1, "<BlockEntity-Request/>").unwrap();
        assert_eq!(got, Primitive::BlockEntityRequest(BlockEntityRequest::default()));

        let unblock = BlockEntityRequest::unblock_users(["wv:a@x", "wv:b@x"]);
        assert_eq!(
            unblock.block_list.as_ref().unwrap().entries,
            Some(ListEntries::Changes { add: None, remove: Some(EntityList::users(["wv:a@x", "wv:b@x"])) })
        );
        round_trip(unblock, ALL);
    }

    #[test]
    fn malformed_input() {
        // ContentSize is mandatory in MessageInfo.
        let err = decode_xml(
            V1_2,
            "<NewMessage><MessageInfo><Recipient/><Sender><User><UserID>wv:a@x</UserID></User></Sender></MessageInfo></NewMessage>",
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::MissingElement {
                path: "/WV-CSP-Message/Session/Transaction/TransactionContent/NewMessage/MessageInfo".into(),
                element: "ContentSize"
            }
        );
        // A value outside DeliveryMethod. (The codec reports leaf errors at the container's path,
        // and a missing element at the path of its container's parent.)
        let err = decode_xml(
            V1_2,
            "<SetDeliveryMethod-Request><DeliveryMethod>X</DeliveryMethod></SetDeliveryMethod-Request>",
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::InvalidValue {
                path: "/WV-CSP-Message/Session/Transaction/TransactionContent/SetDeliveryMethod-Request/DeliveryMethod"
                    .into(),
                value: "X".into(),
                expected: "DeliveryMethod",
            }
        );
        // ContentSize must be an integer.
        let err =
            decode_xml(V1_2, &format!("<NewMessage>{}</NewMessage>", INFO_XML.replace(">5<", ">five<"))).unwrap_err();
        assert!(
            matches!(err, Error::InvalidValue { ref value, expected: "an integer", .. } if value == "five"),
            "{err:?}"
        );
        // EntityList and AddList together break the choice.
        let err = decode_xml(
            V1_2,
            "<BlockEntity-Request><BlockList><EntityList/><AddList/></BlockList></BlockEntity-Request>",
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::UnexpectedElement {
                path: "/WV-CSP-Message/Session/Transaction/TransactionContent/BlockEntity-Request/BlockList".into(),
                found: "AddList".into(),
            }
        );
        // Two AddLists.
        let err =
            decode_xml(V1_2, "<BlockEntity-Request><GrantList><AddList/><AddList/></GrantList></BlockEntity-Request>")
                .unwrap_err();
        assert!(matches!(err, Error::UnexpectedElement { ref found, .. } if found == "AddList"), "{err:?}");
        // A child outside the content model.
        let err = decode_xml(V1_2, "<GetMessageList-Response><MessageID>1</MessageID></GetMessageList-Response>")
            .unwrap_err();
        assert_eq!(
            err,
            Error::UnexpectedElement {
                path: "/WV-CSP-Message/Session/Transaction/TransactionContent/GetMessageList-Response".into(),
                found: "MessageID".into(),
            }
        );
        let err = decode_xml(
            V1_3,
            "<GetMessageList-Response><MessageInfoList><Foo/></MessageInfoList></GetMessageList-Response>",
        )
        .unwrap_err();
        assert!(matches!(err, Error::UnexpectedElement { ref found, .. } if found == "Foo"), "{err:?}");
        // An empty list change cannot be written.
        let empty = BlockEntityRequest { block_list: Some(AccessList::changes(None, None)), ..Default::default() };
        for enc in [Encoding::Xml, Encoding::Wbxml] {
            assert_eq!(
                message(empty.clone().into()).encode(V1_2, enc),
                Err(Error::Unencodable {
                    element: "BlockList",
                    reason: "a list change needs an AddList or a RemoveList"
                })
            );
        }
    }

    // --- 1.3 additions -------------------------------------------------------------------------

    #[test]
    fn message_info_font_and_ext_block_etem() {
        let got = decode_xml(
            V1_3,
            "<NewMessage><MessageInfo><MessageID>m-9</MessageID><ContentSize>2</ContentSize>\
             <Recipient><User><UserID>wv:bob@x</UserID></User></Recipient>\
             <Sender><User><UserID>wv:alice@x</UserID></User></Sender>\
             <Font><Size>Big</Size><Style>Bold</Style><Style>Italic</Style><Color>Teal</Color></Font>\
             <Validity>60</Validity><ExtBlockETEM>receipt-wanted</ExtBlockETEM>\
             <ExtBlockETEM><X-Game><Move>e4</Move></X-Game></ExtBlockETEM></MessageInfo>\
             <ContentData>hi</ContentData></NewMessage>",
        )
        .unwrap();
        let info = MessageInfo {
            message_id: Some("m-9".into()),
            content_size: 2,
            recipient: Recipient::user("wv:bob@x"),
            sender: Sender::User(User::new("wv:alice@x")),
            font: Some(Font {
                size: Some(FontSize::Big),
                styles: vec![FontStyle::Bold, FontStyle::Italic],
                color: Some(FontColor::Teal),
            }),
            validity: Some(60),
            ext_block_etems: vec![
                ExtBlockEtem::text("receipt-wanted"),
                ExtBlockEtem::new(vec![RawNode::Element(crate::raw::RawElement {
                    name: "X-Game".into(),
                    attributes: Vec::new(),
                    children: vec![RawNode::Element(crate::raw::RawElement::text("Move", "e4"))],
                })]),
            ],
            ..Default::default()
        };
        let want = NewMessage::new(info.clone(), Some("hi".into()));
        assert_eq!(got, Primitive::NewMessage(want.clone()));
        round_trip(want, &[V1_3]);
        // Values outside the known lists are kept.
        let odd = Font {
            size: Some(FontSize::parse("12pt")),
            color: Some(FontColor::parse("#FF0000")),
            ..Default::default()
        };
        round_trip(NewMessage::new(MessageInfo { font: Some(odd), ..info.clone() }, None), &[V1_3]);
        // Both are 1.3 only.
        let base = MessageInfo { font: None, ext_block_etems: Vec::new(), ..info.clone() };
        round_trip(NewMessage::new(base.clone(), None), ALL);
        for v in [V1_1, V1_2] {
            let with_font = MessageInfo { font: Some(Font::default()), ..base.clone() };
            assert_not_in_version(NewMessage::new(with_font, None), v, "Font");
            let with_ext = MessageInfo { ext_block_etems: vec![ExtBlockEtem::text("x")], ..base.clone() };
            assert_not_in_version(NewMessage::new(with_ext, None), v, "ExtBlockETEM");
        }
        // Font holds only its own children.
        let err = decode_xml(
            V1_3,
            "<MessageNotification><MessageInfo><ContentSize>2</ContentSize><Recipient/><Sender><User><UserID>a</UserID></User></Sender>\
             <Font><Size>Big</Size><Size>Huge</Size></Font></MessageInfo></MessageNotification>",
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::UnexpectedElement {
                path: "/WV-CSP-Message/Session/Transaction/TransactionContent/MessageNotification/MessageInfo/Font"
                    .into(),
                found: "Size".into()
            }
        );
    }

    #[test]
    fn forward_message_sender() {
        let got = decode_xml(
            V1_3,
            "<ForwardMessage-Request><MessageID>m-1</MessageID>\
             <Sender><Group><ScreenName><SName>Al</SName><GroupID>wv:g@x</GroupID></ScreenName></Group></Sender>\
             <Recipient><User><UserID>wv:bob@x</UserID></User></Recipient></ForwardMessage-Request>",
        )
        .unwrap();
        let sender = Sender::Group(Group::ScreenName(ScreenName { sname: "Al".into(), group_id: "wv:g@x".into() }));
        let want = ForwardMessageRequest {
            sender: Some(sender),
            ..ForwardMessageRequest::new("m-1", Recipient::user("wv:bob@x"))
        };
        assert_eq!(got, Primitive::ForwardMessageRequest(want.clone()));
        round_trip(want.clone(), &[V1_3]);
        assert_not_in_version(want.clone(), V1_2, "Sender");
        assert_not_in_version(want, V1_1, "Sender");
        round_trip(ForwardMessageRequest::new("m-1", Recipient::user("wv:bob@x")), ALL);
    }
}
