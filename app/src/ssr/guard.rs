//! The authorization guard: the first line of every server function and download route.
//!
//! `require(Access::ORG_ADMIN)` answers who is calling, in which organization, with which
//! permissions — or refuses with 401/403/404 before anything is read or written. What it
//! returns is a typed scope ([`User`], [`Member`], [`Admin`], [`NpiScope`], [`Operator`],
//! [`Visitor`]) that repository functions take, so a query cannot be written without the
//! caller's organization in hand. The same scopes are axum extractors for plain routes
//! (downloads), so those are authorized exactly like server functions.

use super::repo::callers::{self, OrganizationOfUser, SessionRead};
use super::{session, AppState};
use crate::domain::permissions::{Module, NpiLevel, OrgKind, OrgRole};
use crate::domain::rules;
use crate::error::AppError;
use leptos::prelude::use_context;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::ops::Deref;
use std::sync::{LazyLock, Mutex};

/// A signed-in person, as the guard found them.
#[derive(Clone)]
pub struct Caller {
    pub state: AppState,
    pub session_hash: String,
    pub user_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_operator: bool,
    /// The password is older than the plan allows.
    pub password_expired: bool,
    /// This year's training (for the caller's role in the organization) is not done yet.
    pub training_due: bool,
    /// The session entered a one-time passcode within the step-up window.
    pub stepped_up: bool,
    pub org: Option<OrgAccess>,
    /// Every organization the user belongs to, by name (read with the session).
    pub organizations: Vec<OrganizationOfUser>,
    pub ip: Option<String>,
}

/// The caller's active membership in the organization their session is working in.
#[derive(Debug, Clone)]
pub struct OrgAccess {
    pub membership_id: i64,
    pub organization_id: i64,
    pub name: String,
    pub kind: OrgKind,
    pub role: OrgRole,
    pub modules: Vec<Module>,
    /// User verification lapsed and the plan has not reinstated the office yet.
    pub lapsed: bool,
}

impl Caller {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// Whether the caller is an Org Admin of the organization they work in (even while its
    /// verification has lapsed).
    pub fn is_org_admin(&self) -> bool {
        self.org.as_ref().is_some_and(|o| o.role == OrgRole::Admin)
    }

    /// Refuses unless the session entered a one-time passcode within the step-up window: for
    /// the few actions that need it only in some cases, after their input was checked (the
    /// rest use `Access::….fresh()`).
    pub fn require_step_up(&self) -> Result<(), AppError> {
        if self.stepped_up {
            return Ok(());
        }
        // A form posted before the browser app loaded goes to "Confirm it's you", which
        // brings the user back to the form's page (the app opens its dialog instead).
        let page = super::with_request(|parts| {
            parts
                .headers
                .get(http::header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(|r| http::Uri::try_from(r).ok())
                .and_then(|u| u.path_and_query().map(|p| p.to_string()))
                .unwrap_or_else(|| "/".into())
        });
        if let Some(page) = page {
            let next: String = form_urlencoded::byte_serialize(page.as_bytes()).collect();
            super::follow(&format!("/step-up?next={next}"));
        }
        Err(AppError::StepUpRequired)
    }

    /// Something the caller did, for the audit log: in their current organization unless
    /// `.org(…)` says otherwise.
    pub fn audit(&self, action: &'static str, subject: impl Into<String>) -> super::audit::Event {
        super::audit::Event::new(self.state.clock.unix(), action, subject)
            .user(self.user_id)
            .org(self.org.as_ref().map(|o| o.organization_id))
            .ip(self.ip.clone())
    }
}

// ---------------------------------------------------------------------------------------------
// Scopes: what a rule admits, handed to the repository.

/// Anyone at all (sign-in, registration, links from emails): the state, the client address
/// and the signed-in caller if there is one.
#[derive(Clone)]
pub struct Visitor {
    pub state: AppState,
    pub ip: Option<String>,
    pub caller: Option<Caller>,
}

impl Visitor {
    /// Something that happened in a visitor's request (often before sign-in), for the audit
    /// log: the signed-in user if there is one, `.user(…)` for the account it concerns.
    pub fn audit(&self, action: &'static str, subject: impl Into<String>) -> super::audit::Event {
        super::audit::Event::new(self.state.clock.unix(), action, subject)
            .user(self.caller.as_ref().map(|c| c.user_id))
            .ip(self.ip.clone())
    }
}

/// A signed-in user.
#[derive(Clone)]
pub struct User(pub Caller);

/// A user working in an organization whose access is not suspended.
#[derive(Clone)]
pub struct Member {
    pub caller: Caller,
    pub org: OrgAccess,
}

/// An Org Admin of the organization the session works in.
#[derive(Clone)]
pub struct Admin {
    pub caller: Caller,
    pub org: OrgAccess,
}

/// A member holding one NPI of their organization at a given level or higher.
#[derive(Clone)]
pub struct NpiScope {
    pub member: Member,
    pub provider_id: i64,
    pub npi: String,
    pub level: NpiLevel,
}

/// Plan staff.
#[derive(Clone)]
pub struct Operator(pub Caller);

macro_rules! deref_caller {
    ($($ty:ty => |$s:ident| $e:expr),* $(,)?) => {$(
        impl Deref for $ty {
            type Target = Caller;
            fn deref(&self) -> &Caller {
                let $s = self;
                $e
            }
        }
    )*};
}
deref_caller!(
    User => |s| &s.0,
    Member => |s| &s.caller,
    Admin => |s| &s.caller,
    NpiScope => |s| &s.member.caller,
    Operator => |s| &s.0,
);

impl Member {
    pub fn organization_id(&self) -> i64 {
        self.org.organization_id
    }
}

impl Admin {
    pub fn organization_id(&self) -> i64 {
        self.org.organization_id
    }
}

// ---------------------------------------------------------------------------------------------
// Rules.

/// One access rule: its name (what the authorization matrix checks) and how it admits.
pub trait Rule: Send {
    type Scope: Send;

    /// A stable name, e.g. `org-admin`, `module:claims`, `operator+step-up`.
    fn name(&self) -> String;
    /// Whether anyone may call it, signed in or not: such calls are throttled per client
    /// address.
    fn public(&self) -> bool {
        false
    }

    fn admit(self, visitor: Visitor) -> impl Future<Output = Result<Self::Scope, AppError>> + Send;
}

macro_rules! fresh {
    ($($rule:ty),*) => {$(
        impl $rule {
            /// The same rule, and a one-time passcode entered within the step-up window.
            pub const fn fresh(self) -> Fresh<Self> {
                Fresh(self)
            }
        }
    )*};
}
fresh!(
    SignedIn,
    OrgMember,
    OrgAdminRule,
    ModuleRule,
    NpiRule,
    OperatorRule
);

/// The rules, by name: `require(Access::ORG_ADMIN)`.
pub struct Access;

impl Access {
    /// Anyone, signed in or not.
    pub const ANYONE: Anyone = Anyone;
    /// Signed in, password current, this year's training done.
    pub const SIGNED_IN: SignedIn = SignedIn(Stage::Ready);
    /// Signed in with a current password, training perhaps due: the training itself and
    /// choosing the organization to work in.
    pub const BEFORE_TRAINING: SignedIn = SignedIn(Stage::BeforeTraining);
    /// Signed in, even with an expired password: changing it, stepping up, keeping the
    /// session alive.
    pub const EXPIRED_PASSWORD: SignedIn = SignedIn(Stage::ExpiredPassword);
    /// Working in an organization whose access is not suspended.
    pub const ORG_MEMBER: OrgMember = OrgMember;
    /// An Org Admin of that organization.
    pub const ORG_ADMIN: OrgAdminRule = OrgAdminRule { verifying: false };
    /// An Org Admin, also while the office's verification has lapsed: verifying users is how
    /// the office gets its access back.
    pub const VERIFYING_ADMIN: OrgAdminRule = OrgAdminRule { verifying: true };
    /// Plan staff.
    pub const OPERATOR: OperatorRule = OperatorRule;

    /// A member with access to a module ("security setting").
    pub const fn module(module: Module) -> ModuleRule {
        ModuleRule(module)
    }

    /// A member holding the NPI (a provider of their organization, by its number) at `level`
    /// or higher; 404 for an NPI their organization does not have.
    pub fn npi(npi: impl Into<String>, level: NpiLevel) -> NpiRule {
        NpiRule {
            npi: npi.into(),
            level,
        }
    }
}

pub struct Anyone;
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    ExpiredPassword,
    BeforeTraining,
    Ready,
}
pub struct SignedIn(pub Stage);
pub struct OrgMember;
pub struct OrgAdminRule {
    verifying: bool,
}
pub struct ModuleRule(pub Module);
pub struct NpiRule {
    npi: String,
    level: NpiLevel,
}
pub struct OperatorRule;
pub struct Fresh<R>(R);

impl Rule for Anyone {
    type Scope = Visitor;
    fn name(&self) -> String {
        "anyone".into()
    }
    fn public(&self) -> bool {
        true
    }
    async fn admit(self, visitor: Visitor) -> Result<Visitor, AppError> {
        Ok(visitor)
    }
}

impl Rule for SignedIn {
    type Scope = User;
    fn name(&self) -> String {
        match self.0 {
            Stage::ExpiredPassword => "signed-in:expired-password",
            Stage::BeforeTraining => "signed-in:before-training",
            Stage::Ready => "signed-in",
        }
        .into()
    }
    async fn admit(self, visitor: Visitor) -> Result<User, AppError> {
        let caller = visitor.caller.ok_or(AppError::Unauthorized)?;
        if self.0 != Stage::ExpiredPassword && caller.password_expired {
            return Err(AppError::PasswordExpired);
        }
        if self.0 == Stage::Ready && caller.training_due {
            return Err(AppError::TrainingRequired);
        }
        Ok(User(caller))
    }
}

impl Rule for OrgMember {
    type Scope = Member;
    fn name(&self) -> String {
        "org-member".into()
    }
    async fn admit(self, visitor: Visitor) -> Result<Member, AppError> {
        let User(caller) = Access::SIGNED_IN.admit(visitor).await?;
        let org = caller.org.clone().ok_or(AppError::Forbidden)?;
        if org.lapsed {
            return Err(AppError::AccessSuspended);
        }
        Ok(Member { caller, org })
    }
}

impl Rule for OrgAdminRule {
    type Scope = Admin;
    fn name(&self) -> String {
        if self.verifying {
            "verifying-admin"
        } else {
            "org-admin"
        }
        .into()
    }
    async fn admit(self, visitor: Visitor) -> Result<Admin, AppError> {
        let User(caller) = Access::SIGNED_IN.admit(visitor).await?;
        let org = caller.org.clone().ok_or(AppError::Forbidden)?;
        if org.lapsed && !self.verifying {
            // Its admins may still verify; everything else waits for the plan.
            return Err(AppError::AccessSuspended);
        }
        if org.role != OrgRole::Admin {
            return Err(AppError::Forbidden);
        }
        Ok(Admin { caller, org })
    }
}

impl Rule for ModuleRule {
    type Scope = Member;
    fn name(&self) -> String {
        format!("module:{}", self.0.as_str())
    }
    async fn admit(self, visitor: Visitor) -> Result<Member, AppError> {
        let member = Access::ORG_MEMBER.admit(visitor).await?;
        if member.org.modules.contains(&self.0) {
            Ok(member)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl Rule for NpiRule {
    type Scope = NpiScope;
    fn name(&self) -> String {
        format!("npi:{}", self.level.as_str())
    }
    async fn admit(self, visitor: Visitor) -> Result<NpiScope, AppError> {
        let member = Access::ORG_MEMBER.admit(visitor).await?;
        let (provider_id, held) = npi_grant(&member, &self.npi).await?;
        let enough = matches!(
            (held, self.level),
            (Some(NpiLevel::Admin), _) | (Some(NpiLevel::Processor), NpiLevel::Processor)
        );
        if !enough {
            return Err(AppError::Forbidden);
        }
        Ok(NpiScope {
            member,
            provider_id,
            npi: self.npi,
            level: held.unwrap_or(self.level),
        })
    }
}

impl Rule for OperatorRule {
    type Scope = Operator;
    fn name(&self) -> String {
        "operator".into()
    }
    async fn admit(self, visitor: Visitor) -> Result<Operator, AppError> {
        let User(caller) = Access::SIGNED_IN.admit(visitor).await?;
        if caller.is_operator {
            Ok(Operator(caller))
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl<R: Rule> Rule for Fresh<R>
where
    R::Scope: Deref<Target = Caller>,
{
    type Scope = R::Scope;
    fn name(&self) -> String {
        format!("{}+step-up", self.0.name())
    }
    async fn admit(self, visitor: Visitor) -> Result<R::Scope, AppError> {
        let scope = self.0.admit(visitor).await?;
        scope.require_step_up()?;
        Ok(scope)
    }
}

// ---------------------------------------------------------------------------------------------
// Entry points.

/// Admits the caller of the server function being served under `rule`, or refuses.
pub async fn require<R: Rule>(rule: R) -> Result<R::Scope, AppError> {
    let state = super::state()?;
    let parts = use_context::<http::request::Parts>();
    if let Some(parts) = &parts {
        declare(parts.uri.path(), rule.name());
    }
    // A page reads its caller once, before it renders (`page_visitor`).
    let visitor = match &parts {
        Some(parts) => {
            super::page::once(VISITOR, || {
                let (state, parts) = (state.clone(), parts.clone());
                async move { visitor(state, Some(&parts)).await }
            })
            .await?
        }
        None => visitor(state, None).await?,
    };
    if let (true, Some(parts)) = (rule.public(), &parts) {
        throttle(&visitor, parts).await?;
    }
    let admitted = rule.admit(visitor).await;
    if let Err(error) = &admitted {
        // A page rendered on the server answers with the refusal's status too, unless the
        // refusal sends a plain form elsewhere ("Confirm it's you").
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            let redirected = response
                .0
                .read()
                .ok()
                .and_then(|parts| parts.status)
                .is_some_and(|status| status.is_redirection());
            if let (false, Ok(status)) = (redirected, http::StatusCode::from_u16(error.status())) {
                response.set_status(status);
            }
        }
    }
    admitted
}

/// The key of a page's caller among its loads.
const VISITOR: &str = "visitor";

/// The visitor of a page request, read before the page renders and kept as the page's load,
/// so the server functions the page calls as it renders find it read.
pub async fn page_visitor(
    state: &AppState,
    parts: &http::request::Parts,
) -> Result<Visitor, AppError> {
    let read = visitor(state.clone(), Some(parts)).await;
    super::page::keep(&parts.extensions, VISITOR, read.clone());
    read
}

/// The same for a plain axum route: `require_parts(&state, &parts, Access::ORG_ADMIN)`.
pub async fn require_parts<R: Rule>(
    state: &AppState,
    parts: &http::request::Parts,
    rule: R,
) -> Result<R::Scope, AppError> {
    declare(parts.uri.path(), rule.name());
    let visitor = visitor(state.clone(), Some(parts)).await?;
    if rule.public() {
        throttle(&visitor, parts).await?;
    }
    rule.admit(visitor).await
}

/// Calls of one public endpoint from one client address in [`PUBLIC_WINDOW_MINUTES`]:
/// enough for an office of staff behind one address signing in of a morning, not for
/// password spraying. Counted in the database, so the limit holds across instances.
pub const PUBLIC_CALLS_PER_ADDRESS: i64 = 200;
pub const PUBLIC_WINDOW_MINUTES: i64 = 15;

/// Counts a call of a public endpoint (a form post or API call, not a page) against its
/// client address.
async fn throttle(visitor: &Visitor, parts: &http::request::Parts) -> Result<(), AppError> {
    let path = parts.uri.path();
    let (Some(ip), true) = (
        &visitor.ip,
        parts.method == http::Method::POST && path.starts_with("/api/"),
    ) else {
        return Ok(());
    };
    super::limits::take(
        &visitor.state,
        &format!("address:{ip}:{path}"),
        PUBLIC_WINDOW_MINUTES * super::clock::MINUTE,
        PUBLIC_CALLS_PER_ADDRESS,
    )
    .await
}

macro_rules! extractor {
    ($($scope:ty => $rule:expr),* $(,)?) => {$(
        impl axum::extract::FromRequestParts<AppState> for $scope {
            type Rejection = AppError;
            async fn from_request_parts(
                parts: &mut http::request::Parts,
                state: &AppState,
            ) -> Result<Self, AppError> {
                require_parts(state, parts, $rule).await
            }
        }
    )*};
}
extractor!(
    User => Access::SIGNED_IN,
    Member => Access::ORG_MEMBER,
    Admin => Access::ORG_ADMIN,
    Operator => Access::OPERATOR,
);

impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, self.to_string()).into_response()
    }
}

/// Endpoint path → the names of the rules its guard applied. The authorization matrix reads
/// it to find an endpoint without a rule, or with two.
static DECLARED: LazyLock<Mutex<BTreeMap<String, BTreeSet<String>>>> =
    LazyLock::new(Default::default);

/// Only endpoints are recorded: a server function called while a page renders runs under
/// the page's path.
fn declare(path: &str, rule: String) {
    if path.starts_with("/api/") || path.starts_with("/downloads/") || path.starts_with("/uploads/")
    {
        if let Ok(mut declared) = DECLARED.lock() {
            declared.entry(path.to_string()).or_default().insert(rule);
        }
    }
}

/// What the guard has applied so far, per endpoint.
pub fn declared_rules() -> BTreeMap<String, BTreeSet<String>> {
    DECLARED.lock().map(|d| d.clone()).unwrap_or_default()
}

async fn visitor(
    state: AppState,
    parts: Option<&http::request::Parts>,
) -> Result<Visitor, AppError> {
    let ip = parts.and_then(|p| super::client_ip(p, &state.settings.trusted_proxies));
    let caller = match parts {
        Some(parts) => find_caller(&state, parts, ip.clone()).await?,
        None => None,
    };
    Ok(Visitor { state, ip, caller })
}

/// The signed-in caller of this request, if any.
async fn find_caller(
    state: &AppState,
    parts: &http::request::Parts,
    ip: Option<String>,
) -> Result<Option<Caller>, AppError> {
    let Some(id) = session::cookie_value(
        &parts.headers,
        &session::cookie_name(&state.settings, session::SESSION_COOKIE),
    ) else {
        return Ok(None);
    };
    let now = state.clock.unix();
    let Some(SessionRead {
        session,
        account: user,
        membership,
        organizations,
    }) = session::find(&state.db, &state.settings, now, &id).await?
    else {
        return Ok(None);
    };
    let org = membership.map(|m| org_access_of(state, m));
    let is_operator = user.is_operator == 1;
    let training_due = match &org {
        Some(org) if !is_operator => rules::training_due(
            user.training_completed_at,
            user.training_role.as_deref(),
            org.role == OrgRole::Admin,
            now,
            &state.settings.calendar,
        ),
        _ => false,
    };
    Ok(Some(Caller {
        training_due,
        stepped_up: rules::step_up_fresh(session.step_up_at, now, state.settings.step_up_seconds),
        session_hash: session.id_hash,
        user_id: session.user_id,
        email: user.email,
        first_name: user.first_name,
        last_name: user.last_name,
        is_operator,
        password_expired: rules::password_expired(
            user.password_changed_at,
            now,
            state.settings.password_max_age_days,
        ),
        org,
        organizations,
        ip,
        state: state.clone(),
    }))
}

/// The user's active membership in an organization, with its module access.
pub async fn org_access(
    state: &AppState,
    user_id: i64,
    organization_id: i64,
) -> Result<Option<OrgAccess>, AppError> {
    Ok(callers::membership(&state.db, user_id, organization_id)
        .await?
        .map(|row| org_access_of(state, row)))
}

fn org_access_of(state: &AppState, row: callers::Membership) -> OrgAccess {
    OrgAccess {
        membership_id: row.id,
        organization_id: row.organization_id,
        modules: row.modules().filter_map(Module::parse).collect(),
        name: row.name,
        kind: OrgKind::parse(&row.kind),
        role: OrgRole::parse(&row.org_role),
        lapsed: crate::domain::verification::lapsed(
            row.verified_at,
            row.registered_at,
            row.suspended_at,
            state.clock.unix(),
            &state.settings.calendar,
        ),
    }
}

/// The NPI of a provider of the member's organization and the member's level on it; 404 for a
/// provider of another organization.
async fn npi_grant(member: &Member, npi: &str) -> Result<(i64, Option<NpiLevel>), AppError> {
    let (provider_id, level) = callers::npi_grant(
        &member.state.db,
        member.org.membership_id,
        member.org.organization_id,
        npi,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((provider_id, level.as_deref().and_then(NpiLevel::parse)))
}
