//! Instant messaging relayed between domains (seed 4 through 9.6).

use base64::Engine as _;
use imps_csp::ids::MessageId;
use imps_csp::DateTime;

use super::common::{DeliverTo, MetaInfo, Recipient, Sender, Status};
use crate::codec::{ssp_struct, Element};
use crate::xml::XElement;
use crate::Error;

ssp_struct! {
    /// `DateTime format="iso8601"` (Baraza).
    pub struct DateTimeValue = "DateTime" {
        /// `iso8601`.
        pub format: Option<String> = attr("format"),
        /// The time.
        pub value: DateTime = text,
    }
}

impl From<DateTime> for DateTimeValue {
    fn from(value: DateTime) -> Self {
        DateTimeValue { format: Some("iso8601".into()), value }
    }
}

ssp_struct! {
    /// `DeliveryTime` (Baraza): when a message was delivered.
    pub struct DeliveryTime = "DeliveryTime" {
        /// `iso8601`.
        pub format: Option<String> = attr("format"),
        /// The time.
        pub value: DateTime = text,
    }
}

ssp_struct! {
    /// `MessageInfo messageID= contentType= contentSize= validity=…` (Baraza) with
    /// `Recipient`s, the `Sender` and the `DateTime`. `contentEncoding` (inferred) carries
    /// CSP's `ContentEncoding`.
    pub struct MessageInfo = "MessageInfo" {
        /// Message id.
        pub message_id: Option<MessageId> = attr("messageID"),
        /// Message URI.
        pub message_uri: Option<String> = attr("messageURI"),
        /// MIME type.
        pub content_type: Option<String> = attr("contentType"),
        /// CSP content encoding (`None`, `BASE64`).
        pub content_encoding: Option<String> = attr("contentEncoding"),
        /// Content size, bytes.
        pub content_size: Option<u32> = attr("contentSize"),
        /// Content name.
        pub content_name: Option<String> = attr("contentName"),
        /// Validity, seconds.
        pub validity: Option<u32> = attr("validity"),
        /// Addressees.
        pub recipients: Vec<Recipient> = child,
        /// Sender.
        pub sender: Option<Sender> = child,
        /// Time of sending.
        pub date_time: Option<DateTimeValue> = child,
    }
}

/// `ContentData encoding="base64"` (Baraza always sends the content in BASE64): the message
/// content, exactly the text CSP carried (decoded back to it on reception).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ContentData {
    /// MIME type (Baraza repeats it here).
    pub content_type: Option<String>,
    /// The content, as CSP `ContentData` text.
    pub data: String,
}

impl Element for ContentData {
    const NAME: &'static str = "ContentData";
    fn decode(e: &XElement, path: &str) -> Result<Self, Error> {
        if let Some(c) = e.children.first() {
            return Err(crate::codec::unexpected(path, &c.name));
        }
        let content_type = e.attr("contentType").map(str::to_owned);
        let data = match e.attr("encoding") {
            Some(enc) if enc.eq_ignore_ascii_case("base64") => {
                let clean: String = e.text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(clean.as_bytes())
                    .map_err(|_| Error::invalid(path, &e.text, "BASE64"))?;
                String::from_utf8(bytes).map_err(|_| Error::invalid(path, &e.text, "BASE64 of UTF-8 text"))?
            }
            Some(enc) if !enc.eq_ignore_ascii_case("none") => {
                return Err(Error::invalid(&format!("{path}/@encoding"), enc, "base64 or None"))
            }
            _ => e.text.clone(),
        };
        Ok(ContentData { content_type, data })
    }
    fn encode(&self) -> Result<XElement, Error> {
        let mut e = XElement::new(Self::NAME);
        if let Some(t) = &self.content_type {
            e.set_attr("contentType", t.as_str());
        }
        e.set_attr("encoding", "base64");
        e.text = base64::engine::general_purpose::STANDARD.encode(self.data.as_bytes());
        Ok(e)
    }
}

#[cfg(test)]
impl crate::codec::Sample for ContentData {
    fn sample(g: &mut crate::codec::Gen) -> Self {
        ContentData { content_type: Option::sample(g), data: String::sample(g) }
    }
}

ssp_struct! {
    /// `SendMessageRequest deliveryReport="Yes|No"` (Baraza): a user's message for users or
    /// groups of the receiving domain, or (from a domain that is not the user's IM provider) for
    /// the provider to distribute.
    pub struct SendMessageRequest = "SendMessageRequest" {
        /// Whether the sender wants a delivery report.
        pub delivery_report: bool = attr("deliveryReport"),
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
        /// The message.
        pub message_info: MessageInfo = child,
        /// Content.
        pub content_data: Option<ContentData> = child,
    }
}

ssp_struct! {
    /// `SendMessageResponse messageID="…"` with `Status` (Baraza).
    pub struct SendMessageResponse = "SendMessageResponse" {
        /// The id the message was accepted under.
        pub message_id: Option<MessageId> = attr("messageID"),
        /// Result.
        pub status: Status = child,
    }
}

ssp_struct! {
    /// `NewMessage` (inferred, as CSP `NewMessage`): a message pushed by the user's IM
    /// provider to the user's home domain, for the user's client.
    pub struct NewMessage = "NewMessage" {
        /// Requestor (the provider).
        pub meta_info: Option<MetaInfo> = child,
        /// The user.
        pub deliver_to: DeliverTo = child,
        /// The message.
        pub message_info: MessageInfo = child,
        /// Content.
        pub content_data: Option<ContentData> = child,
    }
}

ssp_struct! {
    /// `MessageNotification` (inferred): a message waits at the user's IM provider.
    pub struct MessageNotification = "MessageNotification" {
        /// Requestor (the provider).
        pub meta_info: Option<MetaInfo> = child,
        /// The user.
        pub deliver_to: DeliverTo = child,
        /// The message.
        pub message_info: MessageInfo = child,
    }
}

ssp_struct! {
    /// `GetMessageRequest messageID="…"` (inferred): fetch a waiting message from the user's
    /// IM provider.
    pub struct GetMessageRequest = "GetMessageRequest" {
        /// The message.
        pub message_id: MessageId = attr("messageID"),
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
    }
}

ssp_struct! {
    /// `GetMessageResponse` with `Status`.
    pub struct GetMessageResponse = "GetMessageResponse" {
        /// Result.
        pub status: Status = child,
        /// The message.
        pub message_info: Option<MessageInfo> = child,
        /// Content.
        pub content_data: Option<ContentData> = child,
    }
}

ssp_struct! {
    /// `DeliveryResult` (Baraza): the `Status` of a delivery.
    pub struct DeliveryResult = "DeliveryResult" {
        /// Result.
        pub status: Status = child,
    }
}

ssp_struct! {
    /// `DeliveryStatusReport` (Baraza): the delivery report for a message, to the sender's
    /// domain.
    pub struct DeliveryStatusReport = "DeliveryStatusReport" {
        /// Requestor (the delivering domain).
        pub meta_info: Option<MetaInfo> = child,
        /// The sender it is for.
        pub deliver_to: DeliverTo = child,
        /// The message.
        pub message_info: MessageInfo = child,
        /// Result.
        pub delivery_result: DeliveryResult = child,
        /// When delivered.
        pub delivery_time: Option<DeliveryTime> = child,
    }
}
