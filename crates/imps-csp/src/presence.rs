//! The presence-attribute model (spec notes section 4; seed section 3.1): every attribute of
//! CSP 1.1/1.2/1.3 with its `Qualifier` and structured value, the attribute names alone as a set
//! ([`AttrSet`], for requests), and unknown attributes kept losslessly.

use std::collections::BTreeSet;

use crate::codec::{csp_enum, csp_open_enum, csp_struct, Child, Codec, Sink, Source};
use crate::primitive::access::AcceptedContentType;
use crate::raw::RawElement;
use crate::schema::Elem;
use crate::Error;

csp_struct! {
    /// An attribute whose value is a boolean `PresenceValue` (`OnlineStatus`, `Registration`).
    pub struct FlagAttr {
        /// Whether the value is valid.
        pub qualifier: Option<bool> = Qualifier,
        /// The value.
        pub value: Option<bool> = PresenceValue,
    }
}

csp_struct! {
    /// An attribute whose value is a free-text `PresenceValue` (`FreeTextLocation`, `PLMN`,
    /// `PreferredLanguage`, `StatusText`, `Alias`).
    pub struct TextAttr {
        /// Whether the value is valid.
        pub qualifier: Option<bool> = Qualifier,
        /// The value.
        pub value: Option<String> = PresenceValue,
    }
}

csp_enum! {
    /// `UserAvailability` values.
    pub enum Availability {
        "`AVAILABLE`" Available = "AVAILABLE",
        "`DISCREET`" Discreet = "DISCREET",
        "`NOT_AVAILABLE`" NotAvailable = "NOT_AVAILABLE",
    }
}

csp_struct! {
    /// `UserAvailability (Qualifier?, PresenceValue?)`.
    pub struct UserAvailability {
        /// Whether the value is valid.
        pub qualifier: Option<bool> = Qualifier,
        /// The value.
        pub value: Option<Availability> = PresenceValue,
    }
}

csp_open_enum! {
    /// `StatusMood` values. The WBXML tables list these; the normative list is not public, so
    /// other values are kept as they come.
    pub enum Mood {
        "`ANGRY`" Angry = "ANGRY",
        "`ANXIOUS`" Anxious = "ANXIOUS",
        "`ASHAMED`" Ashamed = "ASHAMED",
        "`BORED`" Bored = "BORED",
        "`EXCITED`" Excited = "EXCITED",
        "`HAPPY`" Happy = "HAPPY",
        "`IN_LOVE`" InLove = "IN_LOVE",
        "`INVINCIBLE`" Invincible = "INVINCIBLE",
        "`JEALOUS`" Jealous = "JEALOUS",
        "`SAD`" Sad = "SAD",
        "`SLEEPY`" Sleepy = "SLEEPY",
    }
}

csp_struct! {
    /// `StatusMood (Qualifier?, PresenceValue?)`.
    pub struct StatusMood {
        /// Whether the value is valid.
        pub qualifier: Option<bool> = Qualifier,
        /// The mood.
        pub value: Option<Mood> = PresenceValue,
    }
}

csp_enum! {
    /// `ClientType` values.
    pub enum ClientType {
        "`MOBILE_PHONE`" MobilePhone = "MOBILE_PHONE",
        "`COMPUTER`" Computer = "COMPUTER",
        "`PDA`" Pda = "PDA",
        "`CLI`: command line." Cli = "CLI",
        "`OTHER`" Other = "OTHER",
    }
}

csp_struct! {
    /// `ClientInfo (Qualifier?, ClientType?, DevManufacturer?, ClientProducer?, Model?,
    /// ClientVersion?, Language?)`. 1.3 adds `ClientContentLimit?` after `Qualifier` and
    /// `ClientIMPriority?`, `ApplicationID?` at the end (spec notes 4 and appendix A; 1.3;
    /// inferred from the Baraza union model, which also lists a `ClientID`, left out here).
    pub struct ClientInfo {
        /// Whether the value is valid.
        pub qualifier: Option<bool> = Qualifier,
        /// What content the client accepts. 1.3; inferred from the Baraza union model.
        pub client_content_limit: Option<ClientContentLimit> = ClientContentLimit [V1_3],
        /// Kind of device.
        pub client_type: Option<ClientType> = ClientType,
        /// Device manufacturer.
        pub dev_manufacturer: Option<String> = DevManufacturer,
        /// Client software producer.
        pub client_producer: Option<String> = ClientProducer,
        /// Device model.
        pub model: Option<String> = Model,
        /// Client software version.
        pub client_version: Option<String> = ClientVersion,
        /// Client language.
        pub language: Option<String> = Language,
        /// The client's priority for instant messages among the user's clients (text: not in
        /// the 1.3 integer list of spec notes 6.2). 1.3; inferred from the Baraza union model.
        pub client_im_priority: Option<String> = ClientIMPriority [V1_3],
        /// The client application. 1.3; inferred from the Baraza union model.
        pub application_id: Option<String> = ApplicationID [V1_3],
    }
}

csp_struct! {
    /// `ClientContentLimit (AcceptedContentType*, AnyContent?, AcceptedTextContentLength?,
    /// AcceptedTransferEncoding*, MaxPullLength?, MaxPushLength?, PlainTextCharset*)` (1.3): the
    /// content a client accepts, published in its `ClientInfo`. 1.3; inferred from the Baraza
    /// union model (order as there, all optional; spec notes 4 names the 1.3 tokens).
    pub struct ClientContentLimit {
        /// Accepted MIME types (with their limits).
        pub accepted_content_types: Vec<AcceptedContentType> = AcceptedContentType,
        /// Any content type is accepted.
        pub any_content: Option<bool> = AnyContent,
        /// Largest text content accepted, in bytes (an integer).
        pub accepted_text_content_length: Option<u32> = AcceptedTextContentLength,
        /// Accepted transfer encodings (e.g. `BASE64`).
        pub accepted_transfer_encodings: Vec<String> = AcceptedTransferEncoding,
        /// Largest content by pull delivery (text: not in the 1.3 integer list).
        pub max_pull_length: Option<String> = MaxPullLength,
        /// Largest content by push delivery (text: not in the 1.3 integer list).
        pub max_push_length: Option<String> = MaxPushLength,
        /// Character sets of plain text (IANA MIBenum integers).
        pub plain_text_charsets: Vec<u32> = PlainTextCharset,
    }
}

csp_struct! {
    /// `TimeZone (Qualifier?, Zone?)`.
    pub struct TimeZone {
        /// Whether the value is valid.
        pub qualifier: Option<bool> = Qualifier,
        /// The zone (an offset string).
        pub zone: Option<String> = Zone,
    }
}

csp_struct! {
    /// `GeoLocation (Qualifier?, Longitude?, Latitude?, Altitude?, Accuracy?)`.
    pub struct GeoLocation {
        /// Whether the value is valid.
        pub qualifier: Option<bool> = Qualifier,
        /// Longitude.
        pub longitude: Option<String> = Longitude,
        /// Latitude.
        pub latitude: Option<String> = Latitude,
        /// Altitude.
        pub altitude: Option<String> = Altitude,
        /// Accuracy.
        pub accuracy: Option<String> = Accuracy,
    }
}

csp_struct! {
    /// `Address (Qualifier?, Country?, City?, Street?, Crossing1?, Crossing2?, Building?,
    /// NamedArea?, Accuracy?)`.
    pub struct Address {
        /// Whether the value is valid.
        pub qualifier: Option<bool> = Qualifier,
        /// Country.
        pub country: Option<String> = Country,
        /// City.
        pub city: Option<String> = City,
        /// Street.
        pub street: Option<String> = Street,
        /// First crossing street.
        pub crossing1: Option<String> = Crossing1,
        /// Second crossing street.
        pub crossing2: Option<String> = Crossing2,
        /// Building.
        pub building: Option<String> = Building,
        /// Named area.
        pub named_area: Option<String> = NamedArea,
        /// Accuracy.
        pub accuracy: Option<String> = Accuracy,
    }
}

csp_open_enum! {
    /// Communication capability (`Cap`, `PrefC`) values.
    pub enum CommKind {
        "`CALL`" Call = "CALL",
        "`SMS`" Sms = "SMS",
        "`MMS`" Mms = "MMS",
        "`IM`" Im = "IM",
        "`EMAIL`" Email = "EMAIL",
        "`AUDIO_CALL`" AudioCall = "AUDIO_CALL",
        "`VIDEO_CALL`" VideoCall = "VIDEO_CALL",
        "`VIDEO_STREAM`" VideoStream = "VIDEO_STREAM",
    }
}

csp_enum! {
    /// `Status` / `Cstatus` of a communication capability.
    pub enum CommStatus {
        "`OPEN`" Open = "OPEN",
        "`CLOSED`" Closed = "CLOSED",
    }
}

csp_struct! {
    /// `CommC (Cap, Status, Contact?, Note?)`: one communication capability.
    pub struct CommC {
        /// The capability.
        pub cap: CommKind = Cap,
        /// Open or closed.
        pub status: CommStatus = Status,
        /// Address to use.
        pub contact: Option<String> = Contact,
        /// Note (1.2+).
        pub note: Option<String> = Note [V1_2, V1_3],
    }
}

csp_struct! {
    /// `CommCap (Qualifier?, CommC*)`.
    pub struct CommCap {
        /// Whether the value is valid.
        pub qualifier: Option<bool> = Qualifier,
        /// The capabilities.
        pub comm_c: Vec<CommC> = CommC,
    }
}

csp_struct! {
    /// `AddrPref (PrefC, Caddr, Cstatus, Cname?, Cpriority?)`: one preferred contact method.
    pub struct AddrPref {
        /// Contact method.
        pub pref_c: CommKind = PrefC,
        /// Address.
        pub caddr: String = Caddr,
        /// Open or closed.
        pub cstatus: CommStatus = Cstatus,
        /// Name.
        pub cname: Option<String> = Cname,
        /// Priority (a number, carried as text).
        pub cpriority: Option<String> = Cpriority,
    }
}

csp_struct! {
    /// `PreferredContacts (Qualifier?, AddrPref*)`.
    pub struct PreferredContacts {
        /// Whether the value is valid.
        pub qualifier: Option<bool> = Qualifier,
        /// Preferred methods.
        pub addr_prefs: Vec<AddrPref> = AddrPref,
    }
}

csp_struct! {
    /// `StatusContent (Qualifier?, DirectContent?, ReferredContent?, ContentType?)`: e.g. an
    /// avatar inline (BASE64) or by URL.
    pub struct StatusContent {
        /// Whether the value is valid.
        pub qualifier: Option<bool> = Qualifier,
        /// Inline content.
        pub direct_content: Option<String> = DirectContent,
        /// Content by URL.
        pub referred_content: Option<String> = ReferredContent,
        /// MIME type.
        pub content_type: Option<String> = ContentType,
    }
}

csp_struct! {
    /// `ContactInfo (Qualifier?, ContainedvCard?, ReferredvCard?)`.
    pub struct ContactInfo {
        /// Whether the value is valid.
        pub qualifier: Option<bool> = Qualifier,
        /// Inline vCard.
        pub contained_vcard: Option<String> = ContainedvCard,
        /// vCard by URL.
        pub referred_vcard: Option<String> = ReferredvCard,
    }
}

csp_struct! {
    /// `Inf_link (Link, Text?, ContentType?)`.
    pub struct InfLink {
        /// The URL.
        pub link: String = Link,
        /// Description.
        pub text: Option<String> = Text,
        /// MIME type.
        pub content_type: Option<String> = ContentType,
    }
}

csp_struct! {
    /// `InfoLink (Qualifier?, Inf_link*)` (1.2+).
    pub struct InfoLink {
        /// Whether the value is valid.
        pub qualifier: Option<bool> = Qualifier,
        /// The links.
        pub links: Vec<InfLink> = Inflink,
    }
}

csp_struct! {
    /// `PresenceSubList`: a user's presence attributes with values (updates, notifications,
    /// get results). Attributes this crate does not know are kept in `extensions`.
    pub struct PresenceSubList {
        /// `OnlineStatus`: logged in to the service.
        pub online_status: Option<FlagAttr> = OnlineStatus,
        /// `Registration`: registered to the network.
        pub registration: Option<FlagAttr> = Registration,
        /// `ClientInfo`.
        pub client_info: Option<ClientInfo> = ClientInfo,
        /// `TimeZone`.
        pub time_zone: Option<TimeZone> = TimeZone,
        /// `GeoLocation`.
        pub geo_location: Option<GeoLocation> = GeoLocation,
        /// `Address`.
        pub address: Option<Address> = Address,
        /// `FreeTextLocation`.
        pub free_text_location: Option<TextAttr> = FreeTextLocation,
        /// `PLMN`: the operator network.
        pub plmn: Option<TextAttr> = PLMN,
        /// `CommCap`.
        pub comm_cap: Option<CommCap> = CommCap,
        /// `UserAvailability`.
        pub user_availability: Option<UserAvailability> = UserAvailability,
        /// `PreferredContacts`.
        pub preferred_contacts: Option<PreferredContacts> = PreferredContacts,
        /// `PreferredLanguage`.
        pub preferred_language: Option<TextAttr> = PreferredLanguage,
        /// `StatusText`.
        pub status_text: Option<TextAttr> = StatusText,
        /// `StatusMood`.
        pub status_mood: Option<StatusMood> = StatusMood,
        /// `Alias`.
        pub alias: Option<TextAttr> = Alias,
        /// `StatusContent`.
        pub status_content: Option<StatusContent> = StatusContent,
        /// `ContactInfo`.
        pub contact_info: Option<ContactInfo> = ContactInfo,
        /// `InfoLink` (1.2+).
        pub info_link: Option<InfoLink> = InfoLink,
        @extensions extensions,
    }
}

/// A defined presence attribute (spec notes section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[repr(u8)]
pub enum PresenceAttr {
    /// `OnlineStatus` (client status).
    OnlineStatus,
    /// `Registration` (client status).
    Registration,
    /// `ClientInfo` (client status).
    ClientInfo,
    /// `TimeZone` (client status).
    TimeZone,
    /// `GeoLocation` (client status).
    GeoLocation,
    /// `Address` (client status).
    Address,
    /// `FreeTextLocation` (client status).
    FreeTextLocation,
    /// `PLMN` (client status).
    Plmn,
    /// `CommCap` (user status).
    CommCap,
    /// `UserAvailability` (user status).
    UserAvailability,
    /// `PreferredContacts` (user status).
    PreferredContacts,
    /// `PreferredLanguage` (user status).
    PreferredLanguage,
    /// `StatusText` (user status).
    StatusText,
    /// `StatusMood` (user status).
    StatusMood,
    /// `Alias` (user status).
    Alias,
    /// `StatusContent` (user status).
    StatusContent,
    /// `ContactInfo` (user status).
    ContactInfo,
    /// `InfoLink` (user status, 1.2+).
    InfoLink,
}

impl PresenceAttr {
    /// Every defined attribute, in DTD order.
    pub const ALL: [PresenceAttr; 18] = [
        PresenceAttr::OnlineStatus,
        PresenceAttr::Registration,
        PresenceAttr::ClientInfo,
        PresenceAttr::TimeZone,
        PresenceAttr::GeoLocation,
        PresenceAttr::Address,
        PresenceAttr::FreeTextLocation,
        PresenceAttr::Plmn,
        PresenceAttr::CommCap,
        PresenceAttr::UserAvailability,
        PresenceAttr::PreferredContacts,
        PresenceAttr::PreferredLanguage,
        PresenceAttr::StatusText,
        PresenceAttr::StatusMood,
        PresenceAttr::Alias,
        PresenceAttr::StatusContent,
        PresenceAttr::ContactInfo,
        PresenceAttr::InfoLink,
    ];

    /// The element of this attribute.
    pub fn elem(self) -> Elem {
        match self {
            PresenceAttr::OnlineStatus => Elem::OnlineStatus,
            PresenceAttr::Registration => Elem::Registration,
            PresenceAttr::ClientInfo => Elem::ClientInfo,
            PresenceAttr::TimeZone => Elem::TimeZone,
            PresenceAttr::GeoLocation => Elem::GeoLocation,
            PresenceAttr::Address => Elem::Address,
            PresenceAttr::FreeTextLocation => Elem::FreeTextLocation,
            PresenceAttr::Plmn => Elem::PLMN,
            PresenceAttr::CommCap => Elem::CommCap,
            PresenceAttr::UserAvailability => Elem::UserAvailability,
            PresenceAttr::PreferredContacts => Elem::PreferredContacts,
            PresenceAttr::PreferredLanguage => Elem::PreferredLanguage,
            PresenceAttr::StatusText => Elem::StatusText,
            PresenceAttr::StatusMood => Elem::StatusMood,
            PresenceAttr::Alias => Elem::Alias,
            PresenceAttr::StatusContent => Elem::StatusContent,
            PresenceAttr::ContactInfo => Elem::ContactInfo,
            PresenceAttr::InfoLink => Elem::InfoLink,
        }
    }

    /// The attribute an element denotes.
    pub fn from_elem(e: Elem) -> Option<Self> {
        PresenceAttr::ALL.into_iter().find(|a| a.elem() == e)
    }

    /// The element name, e.g. `"OnlineStatus"`.
    pub fn name(self) -> &'static str {
        self.elem().canonical_name()
    }

    /// Client status attributes (seed 3.1.1) as opposed to user status attributes (3.1.2).
    pub fn is_client_status(self) -> bool {
        (self as u8) <= PresenceAttr::Plmn as u8
    }
}

/// A set of presence attribute names: what a request asks for (`GetPresence`,
/// `SubscribePresence`, `PresenceAuth-*`) or an attribute list authorises. On the wire it is a
/// `PresenceSubList` of empty elements. Unknown attribute names are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AttrSet {
    /// Bit `a as u8` set for each defined attribute `a`.
    known: u32,
    /// Names of attributes outside the defined set.
    extensions: BTreeSet<String>,
}

impl AttrSet {
    /// The empty set.
    pub const fn new() -> Self {
        AttrSet { known: 0, extensions: BTreeSet::new() }
    }

    /// Every defined attribute.
    pub fn all_defined() -> Self {
        PresenceAttr::ALL.into_iter().collect()
    }

    /// Adds an attribute.
    pub fn insert(&mut self, a: PresenceAttr) -> &mut Self {
        self.known |= 1 << a as u8;
        self
    }

    /// Adds an attribute outside the defined set, by name. A defined attribute's name adds that
    /// attribute.
    pub fn insert_name(&mut self, name: &str) -> &mut Self {
        match Elem::from_name(name).and_then(PresenceAttr::from_elem) {
            Some(a) => self.insert(a),
            None => {
                self.extensions.insert(name.to_owned());
                self
            }
        }
    }

    /// Removes an attribute.
    pub fn remove(&mut self, a: PresenceAttr) -> &mut Self {
        self.known &= !(1 << a as u8);
        self
    }

    /// Whether the set holds `a`.
    pub fn contains(&self, a: PresenceAttr) -> bool {
        self.known & (1 << a as u8) != 0
    }

    /// Whether the set holds the extension attribute `name`.
    pub fn contains_extension(&self, name: &str) -> bool {
        self.extensions.contains(name)
    }

    /// The defined attributes, in DTD order.
    pub fn iter(&self) -> impl Iterator<Item = PresenceAttr> + '_ {
        PresenceAttr::ALL.into_iter().filter(|a| self.contains(*a))
    }

    /// Names of extension attributes.
    pub fn extensions(&self) -> impl Iterator<Item = &str> {
        self.extensions.iter().map(String::as_str)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.known == 0 && self.extensions.is_empty()
    }

    /// Number of attributes.
    pub fn len(&self) -> usize {
        self.known.count_ones() as usize + self.extensions.len()
    }

    /// Attributes in either set.
    pub fn union(&self, other: &AttrSet) -> AttrSet {
        AttrSet {
            known: self.known | other.known,
            extensions: self.extensions.union(&other.extensions).cloned().collect(),
        }
    }

    /// Attributes in both sets.
    pub fn intersection(&self, other: &AttrSet) -> AttrSet {
        AttrSet {
            known: self.known & other.known,
            extensions: self.extensions.intersection(&other.extensions).cloned().collect(),
        }
    }

    /// Attributes in `self` but not in `other`.
    pub fn difference(&self, other: &AttrSet) -> AttrSet {
        AttrSet {
            known: self.known & !other.known,
            extensions: self.extensions.difference(&other.extensions).cloned().collect(),
        }
    }

    /// Whether every attribute of `self` is in `other`.
    pub fn is_subset(&self, other: &AttrSet) -> bool {
        self.known & !other.known == 0 && self.extensions.is_subset(&other.extensions)
    }

    /// The defined attributes as a bit mask (bit `a as u8` for attribute `a`), for compact
    /// storage and fast evaluation.
    pub fn defined_bits(&self) -> u32 {
        self.known
    }
}

#[cfg(any(test, feature = "arbitrary"))]
impl<'a> arbitrary::Arbitrary<'a> for AttrSet {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut set: AttrSet = Vec::<PresenceAttr>::arbitrary(u)?.into_iter().collect();
        // Extension names: XML names that no CSP version defines.
        for n in Vec::<u16>::arbitrary(u)?.into_iter().take(3) {
            set.insert_name(&format!("X-Ext{n}"));
        }
        Ok(set)
    }
}

impl FromIterator<PresenceAttr> for AttrSet {
    fn from_iter<I: IntoIterator<Item = PresenceAttr>>(iter: I) -> Self {
        let mut s = AttrSet::new();
        for a in iter {
            s.insert(a);
        }
        s
    }
}

impl Codec for AttrSet {
    /// Each child names an attribute; a value inside is ignored (a name list carries none).
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let mut set = AttrSet::new();
        while let Some(child) = src.next_child()? {
            match &child {
                Child::Known(e) => match PresenceAttr::from_elem(*e) {
                    Some(a) => {
                        set.insert(a);
                    }
                    None => {
                        set.extensions.insert(e.name(src.version()).to_owned());
                    }
                },
                Child::Unknown => {
                    set.extensions.insert(src.current_name());
                }
            }
            src.skip()?;
        }
        Ok(set)
    }

    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        for a in self.iter() {
            w.start(a.elem())?;
            w.end()?;
        }
        for name in &self.extensions {
            w.raw(&RawElement { name: name.clone(), attributes: Vec::new(), children: Vec::new() })?;
        }
        Ok(())
    }
}

macro_rules! each_attr {
    ($m:ident) => {
        $m!(OnlineStatus, online_status);
        $m!(Registration, registration);
        $m!(ClientInfo, client_info);
        $m!(TimeZone, time_zone);
        $m!(GeoLocation, geo_location);
        $m!(Address, address);
        $m!(FreeTextLocation, free_text_location);
        $m!(Plmn, plmn);
        $m!(CommCap, comm_cap);
        $m!(UserAvailability, user_availability);
        $m!(PreferredContacts, preferred_contacts);
        $m!(PreferredLanguage, preferred_language);
        $m!(StatusText, status_text);
        $m!(StatusMood, status_mood);
        $m!(Alias, alias);
        $m!(StatusContent, status_content);
        $m!(ContactInfo, contact_info);
        $m!(InfoLink, info_link);
    };
}

impl PresenceSubList {
    /// The attributes present (with or without value).
    pub fn attributes(&self) -> AttrSet {
        let mut set = AttrSet::new();
        macro_rules! add {
            ($a:ident, $f:ident) => {
                if self.$f.is_some() {
                    set.insert(PresenceAttr::$a);
                }
            };
        }
        each_attr!(add);
        for e in &self.extensions {
            set.extensions.insert(e.name.clone());
        }
        set
    }

    /// Whether no attribute is present.
    pub fn is_empty(&self) -> bool {
        self.attributes().is_empty()
    }

    /// A copy holding only the attributes in `allowed`.
    pub fn filtered(&self, allowed: &AttrSet) -> PresenceSubList {
        let mut out = PresenceSubList::default();
        macro_rules! keep {
            ($a:ident, $f:ident) => {
                if allowed.contains(PresenceAttr::$a) {
                    out.$f = self.$f.clone();
                }
            };
        }
        each_attr!(keep);
        out.extensions = self.extensions.iter().filter(|e| allowed.contains_extension(&e.name)).cloned().collect();
        out
    }

    /// Applies an update (seed 3.4.3): every attribute present in `update` replaces this one's.
    /// Returns the attributes whose value actually changed.
    pub fn apply_update(&mut self, update: &PresenceSubList) -> AttrSet {
        let mut changed = AttrSet::new();
        macro_rules! apply {
            ($a:ident, $f:ident) => {
                if let Some(v) = &update.$f {
                    if self.$f.as_ref() != Some(v) {
                        self.$f = Some(v.clone());
                        changed.insert(PresenceAttr::$a);
                    }
                }
            };
        }
        each_attr!(apply);
        for e in &update.extensions {
            match self.extensions.iter_mut().find(|x| x.name == e.name) {
                Some(x) if x == e => {}
                Some(x) => {
                    *x = e.clone();
                    changed.extensions.insert(e.name.clone());
                }
                None => {
                    self.extensions.push(e.clone());
                    changed.extensions.insert(e.name.clone());
                }
            }
        }
        changed
    }

    /// Sets `OnlineStatus` (the server keeps it from login and logout).
    pub fn set_online(&mut self, online: bool) -> bool {
        let v = Some(FlagAttr { qualifier: Some(true), value: Some(online) });
        let changed = self.online_status != v;
        self.online_status = v;
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitive::presence::UpdatePresenceRequest;
    use crate::testutil::{assert_not_in_version, decode_xml, round_trip};
    use crate::{Primitive, Version};
    use Version::{V1_1, V1_2, V1_3};

    fn update(client_info: ClientInfo) -> UpdatePresenceRequest {
        UpdatePresenceRequest::new(PresenceSubList { client_info: Some(client_info), ..Default::default() })
    }

    #[test]
    fn client_info_1_3_additions() {
        let p = decode_xml(
            V1_3,
            "<UpdatePresence-Request><PresenceSubList xmlns=\"http://www.openmobilealliance.org/DTD/IMPS-PA1.3\">\
             <ClientInfo><Qualifier>T</Qualifier><ClientContentLimit>\
             <AcceptedContentType><ContentType>image/png</ContentType><AcceptedRichContentLength>50000</AcceptedRichContentLength></AcceptedContentType>\
             <AcceptedContentType>text/plain</AcceptedContentType><AnyContent>F</AnyContent>\
             <AcceptedTextContentLength>2048</AcceptedTextContentLength><AcceptedTransferEncoding>BASE64</AcceptedTransferEncoding>\
             <MaxPullLength>65536</MaxPullLength><MaxPushLength>4096</MaxPushLength><PlainTextCharset>106</PlainTextCharset>\
             </ClientContentLimit><ClientType>MOBILE_PHONE</ClientType><Model>N95</Model>\
             <ClientIMPriority>1</ClientIMPriority><ApplicationID>com.example.im</ApplicationID></ClientInfo>\
             </PresenceSubList></UpdatePresence-Request>",
        )
        .unwrap();
        let limit = ClientContentLimit {
            accepted_content_types: vec![
                AcceptedContentType {
                    accepted_rich_content_length: Some(50_000),
                    ..AcceptedContentType::new("image/png")
                },
                AcceptedContentType::new("text/plain"),
            ],
            any_content: Some(false),
            accepted_text_content_length: Some(2048),
            accepted_transfer_encodings: vec!["BASE64".into()],
            max_pull_length: Some("65536".into()),
            max_push_length: Some("4096".into()),
            plain_text_charsets: vec![106],
        };
        let info = ClientInfo {
            qualifier: Some(true),
            client_content_limit: Some(limit),
            client_type: Some(ClientType::MobilePhone),
            model: Some("N95".into()),
            client_im_priority: Some("1".into()),
            application_id: Some("com.example.im".into()),
            ..Default::default()
        };
        assert_eq!(p, Primitive::UpdatePresenceRequest(update(info.clone())));
        round_trip(update(info), &[V1_3]);
        for v in [V1_1, V1_2] {
            let limited =
                ClientInfo { client_content_limit: Some(ClientContentLimit::default()), ..Default::default() };
            assert_not_in_version(update(limited), v, "ClientContentLimit");
            let prio = ClientInfo { client_im_priority: Some("2".into()), ..Default::default() };
            assert_not_in_version(update(prio), v, "ClientIMPriority");
            let app = ClientInfo { application_id: Some("a".into()), ..Default::default() };
            assert_not_in_version(update(app), v, "ApplicationID");
        }
        round_trip(update(ClientInfo { model: Some("N95".into()), ..Default::default() }), &Version::ALL);
        // PlainTextCharset is an integer (spec notes 6.2).
        let e = decode_xml(
            V1_3,
            "<UpdatePresence-Request><PresenceSubList><ClientInfo><ClientContentLimit>\
             <PlainTextCharset>utf-8</PlainTextCharset></ClientContentLimit></ClientInfo></PresenceSubList></UpdatePresence-Request>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::InvalidValue {
                path: "/WV-CSP-Message/Session/Transaction/TransactionContent/UpdatePresence-Request/PresenceSubList/ClientInfo/ClientContentLimit/PlainTextCharset".into(),
                value: "utf-8".into(),
                expected: "an integer"
            }
        );
    }
}
