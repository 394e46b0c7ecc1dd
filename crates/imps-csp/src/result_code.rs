//! CSP result codes (spec notes section 5): `Result/Code`, a decimal integer.

use std::fmt;

/// A CSP status code. Known codes have constants and a description; unknown codes are kept.
/// Classes: 1xx informational, 2xx success, 4xx client error, 5xx server error, 6xx session,
/// 7xx presence and contact lists, 8xx groups, 9xx general.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub struct ResultCode(pub u32);

impl ResultCode {
    /// 100: Continue.
    pub const CONTINUE: ResultCode = ResultCode(100);
    /// 101: Queued.
    pub const QUEUED: ResultCode = ResultCode(101);
    /// 102: Started.
    pub const STARTED: ResultCode = ResultCode(102);
    /// 200: Successful.
    pub const SUCCESSFUL: ResultCode = ResultCode(200);
    /// 201: Partially successful (details in DetailedResult).
    pub const PARTIALLY_SUCCESSFUL: ResultCode = ResultCode(201);
    /// 202: Accepted.
    pub const ACCEPTED: ResultCode = ResultCode(202);
    /// 400: Bad request.
    pub const BAD_REQUEST: ResultCode = ResultCode(400);
    /// 401: Unauthorized (also: further authorisation required, the 4-way login).
    pub const UNAUTHORIZED: ResultCode = ResultCode(401);
    /// 402: Bad parameter.
    pub const BAD_PARAMETER: ResultCode = ResultCode(402);
    /// 403: Forbidden.
    pub const FORBIDDEN: ResultCode = ResultCode(403);
    /// 404: Not found.
    pub const NOT_FOUND: ResultCode = ResultCode(404);
    /// 405: Service not supported.
    pub const SERVICE_NOT_SUPPORTED: ResultCode = ResultCode(405);
    /// 408: Request timeout.
    pub const REQUEST_TIMEOUT: ResultCode = ResultCode(408);
    /// 409: Invalid password.
    pub const INVALID_PASSWORD: ResultCode = ResultCode(409);
    /// 410: Unable to deliver.
    pub const UNABLE_TO_DELIVER: ResultCode = ResultCode(410);
    /// 415: Unsupported media type.
    pub const UNSUPPORTED_MEDIA_TYPE: ResultCode = ResultCode(415);
    /// 420: Invalid transaction ID.
    pub const INVALID_TRANSACTION_ID: ResultCode = ResultCode(420);
    /// 422: UserID and ClientID do not match.
    pub const USER_ID_AND_CLIENT_ID_DO_NOT_MATCH: ResultCode = ResultCode(422);
    /// 423: Invalid invitation ID.
    pub const INVALID_INVITATION_ID: ResultCode = ResultCode(423);
    /// 424: Invalid search ID.
    pub const INVALID_SEARCH_ID: ResultCode = ResultCode(424);
    /// 425: Invalid search index.
    pub const INVALID_SEARCH_INDEX: ResultCode = ResultCode(425);
    /// 426: Invalid message ID.
    pub const INVALID_MESSAGE_ID: ResultCode = ResultCode(426);
    /// 431: Unauthorized group membership.
    pub const UNAUTHORIZED_GROUP_MEMBERSHIP: ResultCode = ResultCode(431);
    /// 432: Response too large.
    pub const RESPONSE_TOO_LARGE: ResultCode = ResultCode(432);
    /// 500: Internal server or network error.
    pub const INTERNAL_SERVER_ERROR: ResultCode = ResultCode(500);
    /// 501: Not implemented.
    pub const NOT_IMPLEMENTED: ResultCode = ResultCode(501);
    /// 502: Could not recover session.
    pub const COULD_NOT_RECOVER_SESSION: ResultCode = ResultCode(502);
    /// 503: Service unavailable.
    pub const SERVICE_UNAVAILABLE: ResultCode = ResultCode(503);
    /// 504: Timeout.
    pub const TIMEOUT: ResultCode = ResultCode(504);
    /// 505: Version not supported.
    pub const VERSION_NOT_SUPPORTED: ResultCode = ResultCode(505);
    /// 506: Service not agreed.
    pub const SERVICE_NOT_AGREED: ResultCode = ResultCode(506);
    /// 507: Message queue full.
    pub const MESSAGE_QUEUE_FULL: ResultCode = ResultCode(507);
    /// 516: Domain not supported.
    pub const DOMAIN_NOT_SUPPORTED: ResultCode = ResultCode(516);
    /// 521: Unresponded presence request.
    pub const UNRESPONDED_PRESENCE_REQUEST: ResultCode = ResultCode(521);
    /// 522: Unresponded group request.
    pub const UNRESPONDED_GROUP_REQUEST: ResultCode = ResultCode(522);
    /// 531: Unknown user.
    pub const UNKNOWN_USER: ResultCode = ResultCode(531);
    /// 532: Recipient blocked the sender.
    pub const RECIPIENT_BLOCKED_THE_SENDER: ResultCode = ResultCode(532);
    /// 533: Message recipient not logged in.
    pub const MESSAGE_RECIPIENT_NOT_LOGGED_IN: ResultCode = ResultCode(533);
    /// 534: Message recipient unauthorized.
    pub const MESSAGE_RECIPIENT_UNAUTHORIZED: ResultCode = ResultCode(534);
    /// 535: Search timed out.
    pub const SEARCH_TIMED_OUT: ResultCode = ResultCode(535);
    /// 536: Too many hits.
    pub const TOO_MANY_HITS: ResultCode = ResultCode(536);
    /// 537: Too broad search criteria.
    pub const TOO_BROAD_SEARCH_CRITERIA: ResultCode = ResultCode(537);
    /// 538: Message has been rejected.
    pub const MESSAGE_HAS_BEEN_REJECTED: ResultCode = ResultCode(538);
    /// 540: Header encoding not supported.
    pub const HEADER_ENCODING_NOT_SUPPORTED: ResultCode = ResultCode(540);
    /// 541: Message has been forwarded.
    pub const MESSAGE_HAS_BEEN_FORWARDED: ResultCode = ResultCode(541);
    /// 542: Message has expired.
    pub const MESSAGE_HAS_EXPIRED: ResultCode = ResultCode(542);
    /// 543: No matching digest scheme supported.
    pub const NO_MATCHING_DIGEST_SCHEME: ResultCode = ResultCode(543);
    /// 600: Session expired.
    pub const SESSION_EXPIRED: ResultCode = ResultCode(600);
    /// 601: Forced logout.
    pub const FORCED_LOGOUT: ResultCode = ResultCode(601);
    /// 603: Already logged in.
    pub const ALREADY_LOGGED_IN: ResultCode = ResultCode(603);
    /// 604: Invalid session / not logged in.
    pub const INVALID_SESSION: ResultCode = ResultCode(604);
    /// 605: New value not accepted (e.g. TimeToLive).
    pub const NEW_VALUE_NOT_ACCEPTED: ResultCode = ResultCode(605);
    /// 616: Insufficient rights.
    pub const INSUFFICIENT_RIGHTS: ResultCode = ResultCode(616);
    /// 700: Contact list does not exist.
    pub const CONTACT_LIST_DOES_NOT_EXIST: ResultCode = ResultCode(700);
    /// 701: Contact list already exists.
    pub const CONTACT_LIST_ALREADY_EXISTS: ResultCode = ResultCode(701);
    /// 702: Invalid or unsupported user properties.
    pub const INVALID_USER_PROPERTIES: ResultCode = ResultCode(702);
    /// 750: Invalid or unsupported presence attribute.
    pub const INVALID_PRESENCE_ATTRIBUTE: ResultCode = ResultCode(750);
    /// 751: Invalid or unsupported presence value.
    pub const INVALID_PRESENCE_VALUE: ResultCode = ResultCode(751);
    /// 752: Invalid or unsupported contact list property.
    pub const INVALID_CONTACT_LIST_PROPERTY: ResultCode = ResultCode(752);
    /// 753: Maximum number of contact lists reached.
    pub const MAX_CONTACT_LISTS: ResultCode = ResultCode(753);
    /// 754: Maximum number of contacts reached.
    pub const MAX_CONTACTS: ResultCode = ResultCode(754);
    /// 755: Maximum number of attribute lists reached.
    pub const MAX_ATTRIBUTE_LISTS: ResultCode = ResultCode(755);
    /// 760: Automatic subscription not supported (1.2).
    pub const AUTO_SUBSCRIPTION_NOT_SUPPORTED: ResultCode = ResultCode(760);
    /// 800: Group does not exist.
    pub const GROUP_DOES_NOT_EXIST: ResultCode = ResultCode(800);
    /// 801: Group already exists.
    pub const GROUP_ALREADY_EXISTS: ResultCode = ResultCode(801);
    /// 802: Group is open.
    pub const GROUP_IS_OPEN: ResultCode = ResultCode(802);
    /// 803: Group is restricted.
    pub const GROUP_IS_RESTRICTED: ResultCode = ResultCode(803);
    /// 804: Group is public.
    pub const GROUP_IS_PUBLIC: ResultCode = ResultCode(804);
    /// 805: Group is private.
    pub const GROUP_IS_PRIVATE: ResultCode = ResultCode(805);
    /// 806: Invalid / unsupported group properties.
    pub const INVALID_GROUP_PROPERTIES: ResultCode = ResultCode(806);
    /// 807: Group is already joined.
    pub const GROUP_IS_ALREADY_JOINED: ResultCode = ResultCode(807);
    /// 808: Group is not joined.
    pub const GROUP_IS_NOT_JOINED: ResultCode = ResultCode(808);
    /// 809: Rejected (user cannot join).
    pub const REJECTED: ResultCode = ResultCode(809);
    /// 810: Not a group member.
    pub const NOT_A_GROUP_MEMBER: ResultCode = ResultCode(810);
    /// 811: Screen name already in use.
    pub const SCREEN_NAME_ALREADY_IN_USE: ResultCode = ResultCode(811);
    /// 812: Private messaging (whisper) disabled for group.
    pub const PRIVATE_MESSAGING_DISABLED_FOR_GROUP: ResultCode = ResultCode(812);
    /// 813: Private messaging disabled for user.
    pub const PRIVATE_MESSAGING_DISABLED_FOR_USER: ResultCode = ResultCode(813);
    /// 814: Max number of groups reached for the user.
    pub const MAX_GROUPS_FOR_USER: ResultCode = ResultCode(814);
    /// 815: Max number of groups reached for the server.
    pub const MAX_GROUPS_FOR_SERVER: ResultCode = ResultCode(815);
    /// 816: Insufficient group privileges.
    pub const INSUFFICIENT_GROUP_PRIVILEGES: ResultCode = ResultCode(816);
    /// 817: Max number of joined users reached.
    pub const MAX_JOINED_USERS: ResultCode = ResultCode(817);
    /// 821: History not supported.
    pub const HISTORY_NOT_SUPPORTED: ResultCode = ResultCode(821);
    /// 822: Group missing name or topic (naming per SYM).
    pub const GROUP_MISSING_NAME_OR_TOPIC: ResultCode = ResultCode(822);
    /// 900: Multiple errors (see DetailedResult).
    pub const MULTIPLE_ERRORS: ResultCode = ResultCode(900);
    /// 901: General address error.
    pub const GENERAL_ADDRESS_ERROR: ResultCode = ResultCode(901);
    /// 902: Not enough credit to complete requested operation.
    pub const NOT_ENOUGH_CREDIT: ResultCode = ResultCode(902);
    /// 903: Operation requires higher class of service.
    pub const HIGHER_CLASS_OF_SERVICE_REQUIRED: ResultCode = ResultCode(903);
    /// 920: MSISDN error.
    pub const MSISDN_ERROR: ResultCode = ResultCode(920);

    /// The description of a known code.
    pub fn description(self) -> Option<&'static str> {
        Some(match self.0 {
            100 => "Continue",
            101 => "Queued",
            102 => "Started",
            200 => "Successful",
            201 => "Partially successful (details in DetailedResult)",
            202 => "Accepted",
            400 => "Bad request",
            401 => "Unauthorized",
            402 => "Bad parameter",
            403 => "Forbidden",
            404 => "Not found",
            405 => "Service not supported",
            408 => "Request timeout",
            409 => "Invalid password",
            410 => "Unable to deliver",
            415 => "Unsupported media type",
            420 => "Invalid transaction ID",
            422 => "UserID and ClientID do not match",
            423 => "Invalid invitation ID",
            424 => "Invalid search ID",
            425 => "Invalid search index",
            426 => "Invalid message ID",
            431 => "Unauthorized group membership",
            432 => "Response too large",
            500 => "Internal server or network error",
            501 => "Not implemented",
            502 => "Could not recover session",
            503 => "Service unavailable",
            504 => "Timeout",
            505 => "Version not supported",
            506 => "Service not agreed",
            507 => "Message queue full",
            516 => "Domain not supported",
            521 => "Unresponded presence request",
            522 => "Unresponded group request",
            531 => "Unknown user",
            532 => "Recipient blocked the sender",
            533 => "Message recipient not logged in",
            534 => "Message recipient unauthorized",
            535 => "Search timed out",
            536 => "Too many hits",
            537 => "Too broad search criteria",
            538 => "Message has been rejected",
            540 => "Header encoding not supported",
            541 => "Message has been forwarded",
            542 => "Message has expired",
            543 => "No matching digest scheme supported",
            600 => "Session expired",
            601 => "Forced logout",
            603 => "Already logged in",
            604 => "Invalid session / not logged in",
            605 => "New value not accepted (e.g. TimeToLive)",
            616 => "Insufficient rights",
            700 => "Contact list does not exist",
            701 => "Contact list already exists",
            702 => "Invalid or unsupported user properties",
            750 => "Invalid or unsupported presence attribute",
            751 => "Invalid or unsupported presence value",
            752 => "Invalid or unsupported contact list property",
            753 => "Maximum number of contact lists reached",
            754 => "Maximum number of contacts reached",
            755 => "Maximum number of attribute lists reached",
            760 => "Automatic subscription not supported (1.2)",
            800 => "Group does not exist",
            801 => "Group already exists",
            802 => "Group is open",
            803 => "Group is restricted",
            804 => "Group is public",
            805 => "Group is private",
            806 => "Invalid / unsupported group properties",
            807 => "Group is already joined",
            808 => "Group is not joined",
            809 => "Rejected (user cannot join)",
            810 => "Not a group member",
            811 => "Screen name already in use",
            812 => "Private messaging (whisper) disabled for group",
            813 => "Private messaging disabled for user",
            814 => "Max number of groups reached for the user",
            815 => "Max number of groups reached for the server",
            816 => "Insufficient group privileges",
            817 => "Max number of joined users reached",
            821 => "History not supported",
            822 => "Group missing name or topic (naming per SYM)",
            900 => "Multiple errors (see DetailedResult)",
            901 => "General address error",
            902 => "Not enough credit to complete requested operation",
            903 => "Operation requires higher class of service",
            920 => "MSISDN error",
            _ => return None,
        })
    }

    /// 2xx: the request succeeded (201 and 202 included).
    pub fn is_success(self) -> bool {
        (200..300).contains(&self.0)
    }
}

impl fmt::Display for ResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.description() {
            Some(d) => write!(f, "{} ({})", self.0, d),
            None => write!(f, "{}", self.0),
        }
    }
}

impl From<u32> for ResultCode {
    fn from(v: u32) -> Self {
        ResultCode(v)
    }
}
