//! Access features (seed section 7; spec notes 2.1): login and logout, capability and service
//! negotiation, keep-alive, service-provider information, version discovery.

use std::collections::VecDeque;

use imps_csp::elements::CspResult;
use imps_csp::ids::{SessionId, UserId};
use imps_csp::primitive::access::{
    AgreedCapabilityList, ClientCapabilityResponse, DeliveryMethod, DigestSchema, Disconnect, FunctionSet,
    GetSPInfoRequest, GetSPInfoResponse, KeepAliveResponse, LoginRequest, LoginResponse, ServiceResponse, ServiceTree,
    VersionDiscoveryRequest, VersionDiscoveryResponse, VersionList,
};
use imps_csp::{Encoding, Primitive, ResultCode, Version};

use super::engine::{status, Challenge, Ctx, Engine, SessionEnd, SessionState};
use super::storage::Storage;
use crate::digest::{digest_matches, DigestAlgorithm};
use crate::random::Random;
use crate::Timestamp;

impl<S: Storage, R: Random> Engine<S, R> {
    /// `Login-Request` (seed 7.1). With a `Password` the login completes at once (when the
    /// policy allows passwords); without one the server answers 401 with a `Nonce` and a
    /// `DigestSchema`, and the client's second `Login-Request` carries `DigestBytes`
    /// (the 4-way login of spec notes 2.1).
    ///
    /// A second login of the same user with the same `ClientID` replaces the earlier session,
    /// which ends with a `Disconnect` (601): the client restarted and lost its session. The
    /// public record leaves this open; replacing is what lets a restarted phone back in.
    pub(crate) fn login(&mut self, now: Timestamp, version: Version, req: LoginRequest) -> (Primitive, Option<UserId>) {
        let user = req.user_id.normalized();
        let client_id = req.client_id.clone();
        let fail = |code: ResultCode| LoginResponse::failure(client_id.clone(), CspResult::described(code)).into();
        let Some(account) = self.st.accounts.get(&user).cloned() else {
            // Unknown users get the same answer as a wrong password, so ids cannot be probed.
            return (fail(ResultCode::INVALID_PASSWORD), Some(user));
        };
        let policy = self.config.login.clone();
        let authenticated = match (&req.password, &req.digest_bytes) {
            (Some(pw), _) if policy.allow_password => pw == &account.password,
            (Some(_), _) if policy.digest_schemas.is_empty() => false,
            (_, Some(digest)) => {
                // The nonce travels back implicitly: the challenge for this user decides.
                let challenge = self
                    .st
                    .challenges
                    .iter()
                    .find(|(_, c)| c.user == user && c.expires > now)
                    .map(|(n, c)| (n.clone(), c.schema));
                match challenge {
                    Some((nonce, schema)) => {
                        self.st.challenges.remove(&nonce);
                        digest_matches(schema, &nonce, &account.password, digest)
                    }
                    None => false,
                }
            }
            _ => {
                // No credentials (or a password the policy refuses): challenge.
                let wanted: Vec<DigestAlgorithm> =
                    req.digest_schemas.iter().filter_map(|s| DigestAlgorithm::from_schema_name(s.as_str())).collect();
                let schema = policy
                    .digest_schemas
                    .iter()
                    .copied()
                    .find(|s| wanted.is_empty() || wanted.contains(s))
                    .or_else(|| policy.digest_schemas.first().copied());
                let Some(schema) = schema else {
                    return (fail(ResultCode::NO_MATCHING_DIGEST_SCHEME), Some(user));
                };
                let nonce = self.rng.token(16);
                self.st.challenges.retain(|_, c| c.user != user);
                self.st.challenges.insert(
                    nonce.clone(),
                    Challenge { user: user.clone(), schema, expires: now.add_secs(policy.challenge_validity_secs) },
                );
                let resp = LoginResponse::challenge(client_id, nonce, DigestSchema::parse(schema.schema_name()));
                return (resp.into(), Some(user));
            }
        };
        if !authenticated {
            return (fail(ResultCode::INVALID_PASSWORD), Some(user));
        }
        // Replace an earlier session of the same client; refuse beyond the per-user limit.
        let same_client: Vec<SessionId> = self
            .sessions_of(&user)
            .into_iter()
            .filter(|sid| self.st.sessions.get(sid).is_some_and(|s| s.client_id == client_id))
            .collect();
        for sid in &same_client {
            self.disconnect(now, sid, ResultCode::FORCED_LOGOUT);
            self.end_session(now, sid, SessionEnd::Replaced);
        }
        if self.sessions_of(&user).len() >= self.config.limits.max_sessions_per_user {
            return (fail(ResultCode::SERVICE_UNAVAILABLE), Some(user));
        }
        let keep_alive = req
            .time_to_live
            .unwrap_or(self.config.default_keep_alive_secs)
            .clamp(self.config.min_keep_alive_secs, self.config.max_keep_alive_secs);
        let sid = SessionId::new(self.rng.token(16));
        self.start_session(SessionState {
            id: sid.clone(),
            user: user.clone(),
            client_id: client_id.clone(),
            version,
            encoding: Encoding::Xml,
            created: now,
            last_seen: now,
            keep_alive_secs: keep_alive,
            client_type: None,
            cir_methods: Vec::new(),
            agreed: None,
            delivery: DeliveryMethod::Push,
            accepted_content_length: None,
            queue: VecDeque::new(),
            awaiting: Default::default(),
            next_tid: 0,
            closing: false,
        });
        let ctx = Ctx { now, session: sid.clone(), user: user.clone(), version };
        self.presence_session_start(&ctx);
        self.im_session_start(&ctx);
        self.common_session_start(&ctx);
        (LoginResponse::success(client_id, sid, keep_alive, true).into(), Some(user))
    }

    /// Records the encoding a session's client uses (the transport knows it; HTTP replies
    /// follow each request's own encoding, pushed messages this one).
    pub fn set_session_encoding(&mut self, sid: &SessionId, encoding: Encoding) {
        if let Some(s) = self.st.sessions.get_mut(sid) {
            s.encoding = encoding;
        }
    }

    pub(crate) fn access_request(&mut self, ctx: &Ctx, p: Primitive) -> Primitive {
        match p {
            Primitive::LogoutRequest(_) => {
                // Logout is answered with a Disconnect (spec notes 2.1); the session ends now.
                self.end_session(ctx.now, &ctx.session, SessionEnd::Logout);
                Disconnect::logged_out().into()
            }
            Primitive::KeepAliveRequest(req) => {
                let s = self.st.sessions.get_mut(&ctx.session).expect("live session");
                if let Some(ttl) = req.time_to_live {
                    s.keep_alive_secs = ttl.clamp(self.config.min_keep_alive_secs, self.config.max_keep_alive_secs);
                }
                let (secs, expires) = (s.keep_alive_secs, s.expires_at(self.config.keep_alive_grace_secs));
                self.session_expiry_moved(expires);
                KeepAliveResponse::ok(Some(secs)).into()
            }
            Primitive::ClientCapabilityRequest(req) => {
                let Some(caps) = req.capability_list else {
                    return status(ResultCode::BAD_PARAMETER);
                };
                let s = self.st.sessions.get_mut(&ctx.session).expect("live session");
                s.delivery = caps.initial_delivery_method;
                s.accepted_content_length = caps.accepted_content_length;
                // The HTTP binding with polling is what this engine serves; CIR methods are
                // agreed only where the transport advertises them (none by default).
                let mut agreed = AgreedCapabilityList::default();
                agreed.supported_bearers = caps.supported_bearers.clone();
                agreed.server_poll_min = Some(caps.server_poll_min.unwrap_or(1).max(1));
                s.client_type = Some(caps.client_type);
                s.cir_methods = caps.supported_cir_methods.clone();
                if ctx.version == Version::V1_1 {
                    // 1.1 has no AgreedCapabilityList: the agreed capabilities echo the list.
                    let mut r = ClientCapabilityResponse::default();
                    r.capability_list = Some(caps);
                    r.client_id = Some(s.client_id.clone());
                    r.into()
                } else {
                    ClientCapabilityResponse::agreed(agreed).into()
                }
            }
            Primitive::ServiceRequest(req) => {
                let offered = self.config.offered.functions().in_version(ctx.version);
                let requested = match (&req.functions, req.all_functions_request) {
                    (_, true) => FunctionSet::all(),
                    (Some(tree), false) => tree.functions(),
                    (None, false) => FunctionSet::default(),
                };
                let agreed = requested.intersection(offered);
                let s = self.st.sessions.get_mut(&ctx.session).expect("live session");
                s.agreed = Some(agreed);
                let mut resp = ServiceResponse::agreed(ServiceTree::from_functions(agreed));
                if req.all_functions_request {
                    resp.all_functions = Some(ServiceTree::from_functions(offered));
                }
                if ctx.version == Version::V1_1 {
                    resp.client_id = req.client_id;
                }
                resp.into()
            }
            Primitive::VerifyIDRequest(req) => self.verify_ids(req),
            _ => status(ResultCode::NOT_IMPLEMENTED),
        }
    }

    /// `VerifyID-Request` (1.2): 200 when every id exists, else 201 with the unknown ones in
    /// `DetailedResult` (531 users, 800 groups, 700 contact lists).
    fn verify_ids(&mut self, req: imps_csp::primitive::access::VerifyIDRequest) -> Primitive {
        use imps_csp::elements::DetailedResult;
        let ids = req.id_list;
        let mut details = Vec::new();
        let unknown_users: Vec<_> =
            ids.user_ids.iter().filter(|u| !self.st.accounts.contains_key(&u.normalized())).cloned().collect();
        if !unknown_users.is_empty() {
            let mut d = DetailedResult::default();
            d.code = ResultCode::UNKNOWN_USER;
            d.user_ids = unknown_users;
            details.push(d);
        }
        let unknown_groups: Vec<_> = ids.group_ids.iter().filter(|g| !self.group_exists(g)).cloned().collect();
        if !unknown_groups.is_empty() {
            let mut d = DetailedResult::default();
            d.code = ResultCode::GROUP_DOES_NOT_EXIST;
            d.group_ids = unknown_groups;
            details.push(d);
        }
        let mut result =
            CspResult::new(if details.is_empty() { ResultCode::SUCCESSFUL } else { ResultCode::PARTIALLY_SUCCESSFUL });
        result.detailed_results = details;
        imps_csp::primitive::access::Status::new(result).into()
    }

    /// `GetSPInfo-Request` (seed 7.4): the provider's name, logo, text and URL.
    pub(crate) fn sp_info(&mut self, req: GetSPInfoRequest) -> Primitive {
        let info = &self.config.sp_info;
        let mut r = GetSPInfoResponse::new(info.name.clone());
        r.client_id = req.client_id;
        r.logo = info.logo.clone();
        r.description = info.description.clone();
        r.url = info.url.clone();
        r.into()
    }

    /// `WV-CSP-VersionDiscovery-Request`: the versions this engine speaks.
    pub(crate) fn version_discovery(&mut self, _req: VersionDiscoveryRequest) -> Primitive {
        let mut r = VersionDiscoveryResponse::default();
        r.version_list = Some(VersionList::for_versions(&Version::ALL));
        r.into()
    }
}
