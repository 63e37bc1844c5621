//! The commune's work on dossiers: the official's queue, a dossier's page, intake at the counter
//! with registry prefill, corrections as new versions, and the steps from review to delivery,
//! each authorized by role and commune, logged in the process log and audited.

use super::{
    Allowed, DossierView, DuplicateView, FlagView, NoticeView, QueueRow, ReceivedDossier, Status, StepView, Tab,
    Tracking, Verification, WorkQueue,
    domain::{Channel, DossierKind, PersonalId, Sex, StepResult, step_result},
    form::{self, Data, Known},
    registry::{PopulationRegistry, RegistryPerson},
    service::{NewDossier, commune_province, insert_dossier},
};
use crate::{
    error::{AppError, FieldError, FieldErrors},
    identity::{AuthUser, Role},
    state::RequestMeta,
};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;
use uuid::Uuid;

pub const PAGE_SIZE: u32 = 50;

/// Registry look-ups one official may make a minute while filling forms.
const LOOKUPS_PER_MINUTE: i32 = 30;

fn today(now: DateTime<Utc>) -> NaiveDate {
    crate::queue::service::vn_today(now)
}

/// Writes what the registry says about a party into the form's data (`<party>_<field>`).
pub fn fill_party(data: &mut Data, party: &str, p: &RegistryPerson) {
    for (k, v) in [
        ("name", p.full_name.clone()),
        ("birth", p.birth_date.to_string()),
        ("sex", p.sex.as_str().to_owned()),
        ("ethnicity", p.ethnicity.clone()),
        ("nationality", p.nationality.clone()),
        ("residence", p.permanent_address.clone()),
    ] {
        data.insert(format!("{party}_{k}"), v);
    }
}

fn known(p: &RegistryPerson) -> Known {
    Known {
        sex: p.sex,
        birth_date: p.birth_date,
        married: p.marital_status == "married" && p.died_on.is_none(),
        dead: p.died_on.is_some(),
        commune_code: p.commune_code.clone(),
    }
}

/// A registry lookup made for a dossier (or a form being filled), logged in the caller's
/// transaction: who, for what, found. A refusal commits that transaction with only the log in it
/// (see [`keep_log_on_refusal`]), so nobody learns about a person unrecorded.
pub async fn lookup(
    conn: &mut PgConnection,
    registry: &dyn PopulationRegistry,
    actor: Option<Uuid>,
    dossier_ref: &str,
    method: &str,
    id: &PersonalId,
) -> Result<Option<RegistryPerson>, AppError> {
    let found = registry.find(id).await?;
    sqlx::query!(
        "insert into registry_lookup (actor_id, dossier_ref, method, personal_id, found) values ($1, $2, $3, $4, $5)",
        actor,
        dossier_ref,
        method,
        id.as_str(),
        found.is_some()
    )
    .execute(conn)
    .await?;
    Ok(found)
}

/// Ends an action's transaction: committed on success, and also on a refusal of the form or the
/// registry's checks, which come before anything else is written — then it holds only the
/// lookups' log. Other errors roll back.
async fn keep_log_on_refusal<T>(
    tx: sqlx::Transaction<'_, sqlx::Postgres>,
    r: Result<T, AppError>,
) -> Result<T, AppError> {
    match r {
        Ok(v) => {
            tx.commit().await?;
            Ok(v)
        }
        // A refusal keeps its lookup log; a dossier of another commune keeps the audit of the
        // attempt (NotFound only ever comes from loading, before anything is written).
        Err(e @ (AppError::Validation(_) | AppError::NotFound)) => {
            tx.commit().await?;
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// Unaccented Vietnamese name of a dossier's kind, for SMS (gateways bill diacritics as UCS-2).
fn kind_sms(kind: DossierKind) -> &'static str {
    match kind {
        DossierKind::Birth => "khai sinh",
        DossierKind::Marriage => "ket hon",
        DossierKind::Death => "khai tu",
    }
}

/// Texts the requester about their dossier (after the transaction commits), when a phone is on it.
pub(crate) async fn sms(
    conn: &mut PgConnection,
    dossier_id: Uuid,
    phone: Option<&str>,
    body: &str,
) -> Result<(), AppError> {
    let Some(phone) = phone else { return Ok(()) };
    let id = crate::notify::service::enqueue(conn, crate::notify::Channel::Sms, phone, "", body).await?;
    sqlx::query!(
        "update notification set subject_ref = $2 where notification_id = $1",
        id,
        format!("dossier:{dossier_id}")
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The receipt's text message: code, due day and the tracking link.
pub(crate) fn receipt_sms(agency: &str, kind: DossierKind, code: &str, due: NaiveDate) -> String {
    format!(
        "{} da tiep nhan ho so {} {}. Hen tra ket qua: {}. Theo doi: {}/track?code={}",
        crate::reference::unaccent(agency),
        kind_sms(kind),
        code,
        due.format("%d/%m/%Y"),
        crate::state::public_url(),
        code
    )
}

/// Civil-status records are read by the commune that keeps them: its officials, chairman, one-stop
/// staff and administrator (each limited to the commune by `require_commune`); province-wide
/// roles see figures, not people's dossiers.
fn may_view(user: &AuthUser) -> bool {
    matches!(user.role, Role::CivilStatusOfficial | Role::CounterOfficer | Role::CommuneChairman | Role::AgencyAdmin)
        && user.commune_code.is_some()
}

fn may_prepare(role: Role) -> bool {
    matches!(role, Role::CivilStatusOfficial | Role::CounterOfficer)
}

fn allowed(role: Role, status: Status) -> Allowed {
    use Status::*;
    let official = role == Role::CivilStatusOfficial;
    let prepare = may_prepare(role);
    Allowed {
        edit: prepare && matches!(status, Notified | Submitted | NeedsSupplement | Ready),
        review: official && matches!(status, Notified | Submitted),
        supplement: official && matches!(status, Notified | Submitted | Ready),
        resume: prepare && status == NeedsSupplement,
        refuse: official && matches!(status, Notified | Submitted | NeedsSupplement | Ready),
        register: official && status == Ready,
        sign: role == Role::CommuneChairman && status == AwaitingSignature,
        // A collector hands certificates over at the home or the hospital; nothing else.
        deliver: (prepare || role == Role::Collector) && status == Registered,
        partner: official && matches!(status, Registered | Delivered),
    }
}

/// The commune whose queue the user works: their own.
fn own_commune(user: &AuthUser) -> Result<&str, AppError> {
    if !may_view(user) {
        return Err(AppError::Forbidden);
    }
    user.commune_code.as_deref().ok_or(AppError::Forbidden)
}

/// The queue's filters, parsed by the server function.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    pub tab: Tab,
    pub kind: Option<DossierKind>,
    pub channel: Option<Channel>,
    pub age: Option<super::Age>,
    pub page: u32,
}

/// The official's work queue: counts per list and one page of the chosen list, most urgent first.
pub async fn work_queue(db: &PgPool, user: &AuthUser, f: Filter, now: DateTime<Utc>) -> Result<WorkQueue, AppError> {
    let commune = own_commune(user)?;
    let today = today(now);
    let counts = sqlx::query!(
        r#"select status as "status!", count(*) as "n!",
                  count(*) filter (where due_on < $2 and status in ('notified', 'submitted', 'ready', 'awaiting_signature')) as "overdue!"
           from dossier where commune_code = $1 group by status"#,
        commune,
        today
    )
    .fetch_all(db)
    .await?;
    let overdue: i64 = counts.iter().map(|c| c.overdue).sum();
    let counts = Tab::ALL
        .into_iter()
        .map(|t| {
            let n = match t.status() {
                Some(s) => counts.iter().find(|c| c.status == s.as_str()).map(|c| c.n).unwrap_or(0),
                None => overdue,
            };
            (t, n)
        })
        .collect();
    // Received-at bounds of the age filter, in Vietnam's days.
    let start_of = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0).and_then(|t| t.and_local_timezone(crate::i18n::vn_offset()).single()).map(|t| t.to_utc())
    };
    let (from, to) = match f.age {
        None => (None, None),
        Some(super::Age::Today) => (start_of(today), None),
        Some(super::Age::UpTo7Days) => (start_of(today - chrono::Duration::days(7)), None),
        Some(super::Age::Older) => (None, start_of(today - chrono::Duration::days(7))),
    };
    let rows = sqlx::query!(
        r#"select code, kind, channel, status, subject_name, received_at, due_on, late, registered_at,
                  possible_duplicate_of is not null as "duplicate!", count(*) over () as "total!"
           from dossier
           where commune_code = $1
             and ($2::text is null or status = $2)
             and (not $3 or (status in ('notified', 'submitted', 'ready', 'awaiting_signature') and due_on < $4))
             and ($5::text is null or kind = $5)
             and ($6::text is null or channel = $6)
             and ($7::timestamptz is null or received_at >= $7)
             and ($8::timestamptz is null or received_at < $8)
           order by due_on, received_at
           limit $9 offset $10"#,
        commune,
        f.tab.status().map(Status::as_str),
        f.tab == Tab::Overdue,
        today,
        f.kind.map(DossierKind::as_str),
        f.channel.map(Channel::as_str),
        from,
        to,
        PAGE_SIZE as i64,
        (f.page * PAGE_SIZE) as i64
    )
    .fetch_all(db)
    .await?;
    let commune_name = sqlx::query_scalar!("select name from commune where commune_code = $1", commune)
        .fetch_optional(db)
        .await?
        .unwrap_or_default();
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    // Certificates registered but not handed over within the commune's days are flagged.
    let undelivered_days = super::field::undelivered_days(db, commune).await?;
    let flag_before = now - chrono::Duration::days(undelivered_days.into());
    let undelivered = sqlx::query_scalar!(
        r#"select count(*) as "n!" from dossier where commune_code = $1 and status = 'registered' and registered_at < $2"#,
        commune,
        flag_before
    )
    .fetch_one(db)
    .await?;
    let rows = rows
        .into_iter()
        .filter_map(|r| {
            let status = Status::parse(&r.status)?;
            Some(QueueRow {
                code: r.code,
                kind: DossierKind::parse(&r.kind)?,
                channel: Channel::parse(&r.channel)?,
                status,
                subject_name: r.subject_name,
                received_at: r.received_at,
                due_on: r.due_on,
                late: r.late,
                overdue: status.open() && r.due_on < today,
                duplicate: r.duplicate,
                undelivered: status == Status::Registered && r.registered_at.is_some_and(|t| t < flag_before),
            })
        })
        .collect();
    Ok(WorkQueue {
        commune_name,
        counts,
        rows,
        total,
        page: f.page,
        page_size: PAGE_SIZE,
        undelivered,
        undelivered_days,
    })
}

/// A dossier row as the actions need it.
struct Row {
    dossier_id: Uuid,
    code: String,
    kind: DossierKind,
    status: Status,
    agency_id: Uuid,
    commune_code: String,
    province_code: String,
    event_date: NaiveDate,
    due_on: NaiveDate,
    version: i32,
    mother_id: Option<String>,
    subject_id: Option<String>,
    possible_duplicate_of: Option<Uuid>,
    duplicate_cleared: bool,
    paused_since: Option<DateTime<Utc>>,
    bundle: bool,
    received_at: DateTime<Utc>,
}

/// Loads a dossier the user may see (their commune), locking it for an action when `lock`.
async fn load(conn: &mut PgConnection, user: &AuthUser, code: &str, lock: bool) -> Result<(Row, Data), AppError> {
    load_as(conn, user, code, lock, false).await
}

/// `load`, also for the commune's collectors when `collector` (a handover; they never read dossiers).
async fn load_as(
    conn: &mut PgConnection,
    user: &AuthUser,
    code: &str,
    lock: bool,
    collector: bool,
) -> Result<(Row, Data), AppError> {
    if !(may_view(user) || (collector && user.role == Role::Collector && user.commune_code.is_some())) {
        return Err(AppError::Forbidden);
    }
    // Lock before reading: a second action waiting on the lock then reads the first one's result
    // (two Register clicks would otherwise take two book numbers).
    if lock {
        sqlx::query!("select dossier_id from dossier where code = $1 for update", code)
            .fetch_optional(&mut *conn)
            .await?;
    }
    let r = sqlx::query!(
        r#"select d.dossier_id, d.code, d.kind, d.status, d.agency_id, d.commune_code, c.province_code, d.event_date,
                  d.due_on, d.version, d.mother_id, d.subject_id, d.possible_duplicate_of,
                  d.duplicate_cleared_by is not null as "cleared!", d.paused_since, d.bundle, d.received_at, v.data
           from dossier d join commune c using (commune_code)
           join dossier_version v on v.dossier_id = d.dossier_id and v.version = d.version
           where d.code = $1"#,
        code
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    if user.require_commune(&r.commune_code, &r.province_code).is_err() {
        // Another commune's dossier: audited (personal data was asked for), and answered as if
        // it did not exist, so sequential codes do not tell another commune how many it files.
        let entry = crate::audit::service::Entry {
            action: "access_refused",
            entity_type: "dossier",
            entity_id: Some(r.code.clone()),
            province_code: Some(&r.province_code),
            commune_code: Some(&r.commune_code),
            details: serde_json::json!({ "reason": "other_commune", "lock": lock }),
        };
        crate::audit::service::record(&mut *conn, Some(user), &crate::state::current_meta(), entry).await?;
        return Err(AppError::NotFound);
    }
    let row = Row {
        dossier_id: r.dossier_id,
        code: r.code,
        kind: DossierKind::parse(&r.kind).ok_or(AppError::NotFound)?,
        status: Status::parse(&r.status).ok_or(AppError::NotFound)?,
        agency_id: r.agency_id,
        commune_code: r.commune_code,
        province_code: r.province_code,
        event_date: r.event_date,
        due_on: r.due_on,
        version: r.version,
        mother_id: r.mother_id,
        subject_id: r.subject_id,
        possible_duplicate_of: r.possible_duplicate_of,
        duplicate_cleared: r.cleared,
        paused_since: r.paused_since,
        bundle: r.bundle,
        received_at: r.received_at,
    };
    Ok((row, serde_json::from_value(r.data).unwrap_or_default()))
}

/// Whether the user may read a dossier (their commune's, by role): one query, for pages that
/// show something of it without the whole dossier.
pub(crate) async fn may_read(db: &PgPool, user: &AuthUser, code: &str) -> Result<(), AppError> {
    let mut conn = db.acquire().await?;
    load(&mut conn, user, code, false).await.map(|_| ())
}

/// Other dossiers or registry people that may be the same event, for the side-by-side view.
async fn duplicates(conn: &mut PgConnection, row: &Row, data: &Data) -> Result<Vec<DuplicateView>, AppError> {
    let mut out = Vec::new();
    let others = sqlx::query!(
        r#"select d.code, d.status, d.commune_code, v.data from dossier d
           join dossier_version v on v.dossier_id = d.dossier_id and v.version = d.version
           where d.dossier_id <> $1 and d.status <> 'refused'
             and (d.dossier_id = $2 or d.possible_duplicate_of = $1
                  or ($3::text is not null and d.kind = 'death' and d.subject_id = $3))
           order by d.received_at limit 5"#,
        row.dossier_id,
        row.possible_duplicate_of,
        row.subject_id.as_deref().filter(|_| row.kind == DossierKind::Death)
    )
    .fetch_all(&mut *conn)
    .await?;
    for o in others {
        // Another commune's dossier: that it exists and where it stands, not the family's data.
        let data = if o.commune_code == row.commune_code {
            serde_json::from_value(o.data).unwrap_or_default()
        } else {
            Data::new()
        };
        out.push(DuplicateView { code: Some(o.code), status: Status::parse(&o.status), data });
    }
    // A child of this mother born that day already in the registry: registered before.
    if row.kind == DossierKind::Birth
        && !matches!(row.status, Status::Registered | Status::Delivered)
        && let Some(mother) = &row.mother_id
    {
        let people = sqlx::query!(
            r#"select personal_id, full_name, birth_date, sex from registry_person
               where mother_id = $1 and birth_date = $2 and personal_id is distinct from $3"#,
            mother,
            row.event_date,
            row.subject_id
        )
        .fetch_all(&mut *conn)
        .await?;
        for p in people {
            let mut d = Data::new();
            d.insert("child_name".into(), p.full_name);
            d.insert("birth_date".into(), p.birth_date.to_string());
            d.insert("child_sex".into(), p.sex);
            d.insert("personal_id".into(), p.personal_id);
            d.insert("mother_name".into(), data.get("mother_name").cloned().unwrap_or_default());
            out.push(DuplicateView { code: None, status: None, data: d });
        }
    }
    Ok(out)
}

/// A dossier's page: content, comparison with possible duplicates, process log, notices, flags
/// and what the user may do now.
pub async fn dossier_view(
    db: &PgPool,
    user: &AuthUser,
    code: &str,
    now: DateTime<Utc>,
) -> Result<DossierView, AppError> {
    let mut conn = db.acquire().await?;
    let (row, data) = load(&mut conn, user, code, false).await?;
    let d = sqlx::query!(
        r#"select d.channel, d.proactive, d.late, d.received_at, d.phone, d.register_year, d.register_no,
                  d.registered_at, d.delivered_at, d.delivered_to, d.verify_token, s.display_name as "signer?",
                  a.name as agency_name, c.name as commune_name, p.name as province_name
           from dossier d join agency a using (agency_id) join commune c on c.commune_code = d.commune_code
           join province p on p.province_code = c.province_code
           left join app_user s on s.user_id = d.signed_by
           where d.dossier_id = $1"#,
        row.dossier_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let steps = sqlx::query!(
        r#"select s.step, u.display_name as "handler?", s.started_at, s.due_on, s.done_at, s.result, s.note
           from dossier_step s left join app_user u on u.user_id = s.handler_id
           where s.dossier_id = $1 order by s.started_at, s.step_id"#,
        row.dossier_id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|s| StepView {
        step: s.step,
        handler: s.handler,
        started_at: s.started_at,
        due_on: s.due_on,
        done_at: s.done_at,
        result: match s.result.as_deref() {
            Some("early") => Some(StepResult::Early),
            Some("on_time") => Some(StepResult::OnTime),
            Some("late") => Some(StepResult::Late),
            _ => None,
        },
        note: s.note,
    })
    .collect();
    let notices = sqlx::query!(
        r#"select n.form, n.reasons, u.display_name as "by?", n.created_at, n.answered_at
           from dossier_notice n left join app_user u on u.user_id = n.created_by
           where n.dossier_id = $1 order by n.created_at"#,
        row.dossier_id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|n| NoticeView { form: n.form, reasons: n.reasons, by: n.by, at: n.created_at, answered_at: n.answered_at })
    .collect();
    let flags = sqlx::query!(
        "select field, registry_value, claimed_value from registry_flag where dossier_id = $1 order by at",
        row.dossier_id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|f| FlagView { field: f.field, registry_value: f.registry_value, claimed_value: f.claimed_value })
    .collect();
    let duplicates = duplicates(&mut conn, &row, &data).await?;
    let photos = sqlx::query_as!(
        super::PhotoRef,
        "select idempotency_key as key, n, purpose, bytes from field_photo where dossier_id = $1 order by received_at, n",
        row.dossier_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let delivery = sqlx::query_as!(
        super::DeliveryView,
        r#"select u.display_name as by, r.recipient, r.relation, r.place, r.place_note, r.delivered_at
           from delivery_record r join app_user u on u.user_id = r.delivered_by where r.dossier_id = $1"#,
        row.dossier_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(DossierView {
        code: row.code,
        kind: row.kind,
        status: row.status,
        channel: Channel::parse(&d.channel).unwrap_or(Channel::Counter),
        proactive: d.proactive,
        agency_name: d.agency_name,
        commune_name: d.commune_name,
        province_name: d.province_name,
        event_date: row.event_date,
        late: d.late,
        received_at: d.received_at,
        due_on: row.due_on,
        overdue: row.status.open() && row.due_on < today(now),
        paused: row.paused_since.is_some(),
        version: row.version,
        data,
        subject_id: row.subject_id.clone(),
        phone: d.phone,
        register_year: d.register_year,
        register_no: d.register_no,
        registered_at: d.registered_at,
        signer: d.signer,
        delivered_at: d.delivered_at,
        delivered_to: d.delivered_to,
        verify_token: d.verify_token,
        duplicates,
        duplicate_cleared: row.duplicate_cleared,
        steps,
        notices,
        flags,
        photos,
        delivery,
        allowed: allowed(user.role, row.status),
    })
}

/// Shows who a number or chip-card QR is while a form is filled (logged, no dossier yet).
pub async fn preview_person(
    db: &PgPool,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    raw: &str,
    now: DateTime<Utc>,
) -> Result<super::PersonPreview, AppError> {
    if !(may_prepare(user.role) || user.role == Role::Collector) || user.commune_code.is_none() {
        return Err(AppError::Forbidden);
    }
    // A person at a time, by hand or by scanner: a flood is somebody walking through numbers.
    crate::evaluation::service::rate_limit(db, &format!("lookup:{}", user.user_id), LOOKUPS_PER_MINUTE, now).await?;
    let year = today(now).year();
    let (id, method) = match super::domain::ChipQr::parse(raw.trim(), year) {
        Some(qr) => (qr.personal_id, "chip_qr"),
        None => (PersonalId::parse(raw, year).map_err(|e| AppError::validation("person", e.into()))?, "id"),
    };
    let mut conn = db.acquire().await?;
    let p = lookup(&mut conn, registry, Some(user.user_id), "form", method, &id)
        .await?
        .ok_or(AppError::validation("person", FieldError::Rule(super::domain::Refusal::PersonUnknown)))?;
    // A preview is for the commune's own residents (Nghị định 69/2024: data used for the task at
    // hand). Others are looked up when a dossier naming them is received, logged under it.
    if user.commune_code.as_deref() != Some(p.commune_code.as_str()) {
        return Err(AppError::validation("person", FieldError::Because(crate::error::Reason::OutsideCommune)));
    }
    let mut fields = Data::new();
    fill_party(&mut fields, "p", &p);
    let fields = fields.into_iter().map(|(k, v)| (k.trim_start_matches("p_").to_owned(), v)).collect();
    Ok(super::PersonPreview { personal_id: p.personal_id, fields })
}

/// Looks up every party of a parsed form (logged under `dossier_ref`), refuses what the registry
/// contradicts, and writes the registry's values into the data.
async fn prefill(
    conn: &mut PgConnection,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    kind: DossierKind,
    parsed: &mut form::Parsed,
    commune: &str,
    dossier_ref: &str,
) -> Result<BTreeMap<&'static str, RegistryPerson>, AppError> {
    let mut found = BTreeMap::new();
    for (party, id) in &parsed.ids {
        if let Some(p) = lookup(&mut *conn, registry, Some(user.user_id), dossier_ref, "id", id).await? {
            found.insert(*party, p);
        }
    }
    let people: BTreeMap<&'static str, Known> = found.iter().map(|(k, p)| (*k, known(p))).collect();
    let refusals = form::registry_refusals(kind, &parsed.ids, &people, parsed.event_date, commune);
    if !refusals.is_empty() {
        let mut errs = FieldErrors::default();
        for (f, e) in refusals {
            errs.push(&f, e);
        }
        return Err(AppError::Validation(errs));
    }
    for (party, p) in &found {
        fill_party(&mut parsed.data, party, p);
    }
    Ok(found)
}

/// Values the person says the registry has wrong: `flag_<party>_<field>` = what they claim.
fn claimed_flags(raw: &BTreeMap<String, String>, data: &Data) -> Vec<(String, String, String)> {
    raw.iter()
        .filter_map(|(k, v)| {
            let field = k.strip_prefix("flag_")?;
            let v: String = unicode_normalization::UnicodeNormalization::nfc(v.trim()).collect();
            let registry_value = data.get(field)?;
            (!v.is_empty() && &v != registry_value && v.chars().count() <= 200)
                .then(|| (field.to_owned(), registry_value.clone(), v))
        })
        .collect()
}

async fn store_flags(
    conn: &mut PgConnection,
    dossier_id: Uuid,
    user: &AuthUser,
    data: &Data,
    flags: &[(String, String, String)],
) -> Result<(), AppError> {
    for (field, registry_value, claimed) in flags {
        let party = field.split('_').next().unwrap_or_default();
        let personal_id = data.get(&format!("{party}_id")).cloned().unwrap_or_default();
        sqlx::query!(
            r#"insert into registry_flag (dossier_id, personal_id, field, registry_value, claimed_value, flagged_by)
               values ($1, $2, $3, $4, $5, $6)"#,
            dossier_id,
            personal_id,
            field,
            registry_value,
            claimed,
            user.user_id
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A family's papers received at the commune's counter: parsed, people prefilled from the
/// registry (never typed again), checked, stored with the next code and audited.
pub async fn receive_form(
    db: &PgPool,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    meta: &RequestMeta,
    kind: DossierKind,
    raw: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<ReceivedDossier, AppError> {
    if !may_prepare(user.role) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    let r = receive_in(&mut tx, registry, user, meta, kind, raw, Channel::Counter, now).await;
    keep_log_on_refusal(tx, r).await
}

/// Receives a form in the caller's transaction, in the user's commune (the caller checks the
/// role): parsed, people prefilled from the registry and checked, stored with the next code.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn receive_in(
    tx: &mut PgConnection,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    meta: &RequestMeta,
    kind: DossierKind,
    raw: &BTreeMap<String, String>,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<ReceivedDossier, AppError> {
    let commune = user.commune_code.clone().ok_or(AppError::Forbidden)?;
    let mut parsed = form::parse(kind, raw, today(now)).map_err(AppError::Validation)?;
    let province = commune_province(&mut *tx, &commune).await?;
    user.require_commune(&commune, &province)?;
    let lookup_ref = format!("intake:{}", Uuid::now_v7());
    let people = prefill(&mut *tx, registry, user, kind, &mut parsed, &commune, &lookup_ref).await?;
    let flags = claimed_flags(raw, &parsed.data);
    let d = NewDossier {
        kind,
        commune_code: commune,
        channel,
        event_date: parsed.event_date,
        subject_birth: people.get("deceased").map(|p| p.birth_date),
        already_dead: false,
        bundle: raw.get("bundle").is_some_and(|v| !v.is_empty()),
        verification: false,
        data: serde_json::to_value(&parsed.data).unwrap_or_default(),
        mother_id: people.get("mother").map(|p| p.personal_id.clone()),
    };
    let r = insert_dossier(&mut *tx, Some(user), meta, d, now).await?;
    sqlx::query!("update registry_lookup set dossier_ref = $1 where dossier_ref = $2", r.code, lookup_ref)
        .execute(&mut *tx)
        .await?;
    store_flags(&mut *tx, r.dossier_id, user, &parsed.data, &flags).await?;
    Ok(r)
}

/// A correction or completion: a new version of the content (the earlier ones stay), with the
/// reason, audited. People whose number did not change keep the registry's earlier values.
#[allow(clippy::too_many_arguments)]
pub async fn save_form(
    db: &PgPool,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    meta: &RequestMeta,
    code: &str,
    raw: &BTreeMap<String, String>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let mut tx = db.begin().await?;
    let r = save_in(&mut tx, registry, user, meta, code, raw, reason, now).await;
    keep_log_on_refusal(tx, r).await
}

#[allow(clippy::too_many_arguments)]
async fn save_in(
    tx: &mut PgConnection,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    meta: &RequestMeta,
    code: &str,
    raw: &BTreeMap<String, String>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let (row, old) = load(&mut *tx, user, code, true).await?;
    if !allowed(user.role, row.status).edit {
        return Err(AppError::Conflict("dossier_wrong_state".into()));
    }
    let reason: String = unicode_normalization::UnicodeNormalization::nfc(reason.trim()).collect();
    // A marriage keeps the day it was received on: correcting it later is not "in the past".
    let as_of = if row.kind == DossierKind::Marriage { today(row.received_at) } else { today(now) };
    let mut parsed = match form::parse(row.kind, raw, as_of) {
        Ok(p) if reason.chars().count() >= 3 && reason.chars().count() <= 500 => p,
        Ok(_) => return Err(AppError::validation("reason", FieldError::TooShort { min: 3 })),
        Err(mut e) => {
            if reason.chars().count() < 3 {
                e.push("reason", FieldError::TooShort { min: 3 });
            }
            return Err(AppError::Validation(e));
        }
    };
    let people = prefill(&mut *tx, registry, user, row.kind, &mut parsed, &row.commune_code, &row.code).await?;
    // What the hospital's certificate brought stays with every version.
    for k in form::CERTIFICATE_FIELDS {
        if let Some(v) = old.get(k) {
            parsed.data.insert(k.to_owned(), v.clone());
        }
    }
    let flags = claimed_flags(raw, &parsed.data);
    let version = row.version + 1;
    let cal = crate::reference::service::load_calendar(&mut *tx).await?;
    let late = super::domain::is_late_registration(&cal, row.kind, parsed.event_date, today(row.received_at));
    let data = serde_json::to_value(&parsed.data).unwrap_or_default();
    sqlx::query!(
        "insert into dossier_version (dossier_id, version, data, reason, author_id) values ($1, $2, $3, $4, $5)",
        row.dossier_id,
        version,
        data,
        reason,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"update dossier set version = $2, event_date = $3, subject_name = $4, phone = $5, mother_id = $6,
                  subject_id = coalesce($7, subject_id), late = $8
           where dossier_id = $1"#,
        row.dossier_id,
        version,
        parsed.event_date,
        form::subject_name(row.kind, &parsed.data),
        parsed.data.get("phone"),
        people.get("mother").map(|p| p.personal_id.clone()),
        people.get("deceased").map(|p| p.personal_id.clone()),
        late
    )
    .execute(&mut *tx)
    .await?;
    // Changed content must be checked again: a ready dossier goes back for review, and the
    // comparison with duplicates is redone against the new mother and day.
    sqlx::query!(
        r#"update dossier set status = case when status = 'ready' then 'submitted' else status end,
                  duplicate_cleared_by = null,
                  possible_duplicate_of = case when kind = 'birth' then (
                      select o.dossier_id from dossier o
                      where o.kind = 'birth' and o.mother_id = $2 and o.event_date = $3 and o.dossier_id <> $1
                        and o.status <> 'refused' and o.received_at < dossier.received_at
                      order by o.received_at limit 1) end
           where dossier_id = $1"#,
        row.dossier_id,
        people.get("mother").map(|p| p.personal_id.clone()),
        parsed.event_date
    )
    .execute(&mut *tx)
    .await?;
    store_flags(&mut *tx, row.dossier_id, user, &parsed.data, &flags).await?;
    step(&mut *tx, &row, user, "corrected", &reason, now).await?;
    audit(&mut *tx, user, meta, &row, "dossier.corrected", serde_json::json!({ "version": version, "reason": reason }))
        .await?;
    Ok(version)
}

/// An official's or chairman's step on a dossier.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Checks against the registry; `confirm_distinct` after comparing a possible duplicate.
    Review {
        confirm_distinct: bool,
    },
    /// Mẫu 02: the clock stops until the citizen brings what is missing.
    Supplement {
        reasons: String,
    },
    /// What was asked has arrived: the clock runs again.
    Resume,
    /// Mẫu 03.
    Refuse {
        reasons: String,
    },
    /// The next number of the year's register book; then to the chairman.
    Register,
    Sign,
    Deliver {
        recipient: String,
        /// When the family received it, if recorded on a phone (never later than now).
        at: Option<DateTime<Utc>>,
    },
}

impl Action {
    fn name(&self) -> &'static str {
        match self {
            Action::Review { .. } => "reviewed",
            Action::Supplement { .. } => "supplement_requested",
            Action::Resume => "supplement_received",
            Action::Refuse { .. } => "refused",
            Action::Register => "sent_to_chairman",
            Action::Sign => "signed",
            Action::Deliver { .. } => "delivered",
        }
    }
}

/// One line of the process log: who did what, against the dossier's due day.
async fn step(
    conn: &mut PgConnection,
    row: &Row,
    user: &AuthUser,
    name: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let result = step_result(row.due_on, today(now));
    sqlx::query!(
        r#"insert into dossier_step (dossier_id, step, handler_id, started_at, due_on, done_at, result, note)
           values ($1, $2, $3, $4, $5, $4, $6, $7)"#,
        row.dossier_id,
        name,
        user.user_id,
        now,
        row.due_on,
        result.as_str(),
        note
    )
    .execute(conn)
    .await?;
    Ok(())
}

async fn audit(
    conn: &mut PgConnection,
    user: &AuthUser,
    meta: &RequestMeta,
    row: &Row,
    action: &str,
    details: serde_json::Value,
) -> Result<(), AppError> {
    crate::audit::service::record(
        conn,
        Some(user),
        meta,
        crate::audit::service::Entry {
            action,
            entity_type: "dossier",
            entity_id: Some(row.dossier_id.to_string()),
            province_code: Some(&row.province_code),
            commune_code: Some(&row.commune_code),
            details: serde_json::json!({ "code": row.code, "details": details }),
        },
    )
    .await?;
    Ok(())
}

/// The reasons of a notice; `field` tells the two notice forms' errors apart.
fn reasons_of(field: &str, raw: &str) -> Result<String, AppError> {
    let r: String = unicode_normalization::UnicodeNormalization::nfc(raw.trim()).collect();
    match r.chars().count() {
        0..5 => Err(AppError::validation(field, FieldError::TooShort { min: 5 })),
        2001.. => Err(AppError::validation(field, FieldError::TooLong { max: 2000 })),
        _ => Ok(r),
    }
}

/// Runs an action: authorized by role, commune and the dossier's state, logged and audited in
/// one transaction. Returns the new status.
pub async fn act(
    db: &PgPool,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    meta: &RequestMeta,
    code: &str,
    action: Action,
    now: DateTime<Utc>,
) -> Result<Status, AppError> {
    let mut tx = db.begin().await?;
    let r = act_in(&mut tx, registry, user, meta, code, action, now).await;
    keep_log_on_refusal(tx, r).await
}

pub(super) async fn act_in(
    tx: &mut PgConnection,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    meta: &RequestMeta,
    code: &str,
    action: Action,
    now: DateTime<Utc>,
) -> Result<Status, AppError> {
    let (row, data) = load_as(&mut *tx, user, code, true, matches!(action, Action::Deliver { .. })).await?;
    let may = allowed(user.role, row.status);
    let ok = match &action {
        Action::Review { .. } => may.review,
        Action::Supplement { .. } => may.supplement,
        Action::Resume => may.resume,
        Action::Refuse { .. } => may.refuse,
        Action::Register => may.register,
        Action::Sign => may.sign,
        Action::Deliver { .. } => may.deliver,
    };
    if !ok {
        // Not this role at all, or not at this step.
        let any_state = [Status::Notified, Status::Submitted, Status::NeedsSupplement, Status::Ready]
            .into_iter()
            .chain([Status::AwaitingSignature, Status::Registered])
            .any(|s| allowed(user.role, s) != Allowed::default());
        return Err(if any_state { AppError::Conflict("dossier_wrong_state".into()) } else { AppError::Forbidden });
    }
    let local_today = today(now);
    let (status, note, details) = match &action {
        Action::Review { confirm_distinct } => {
            review(&mut *tx, registry, user, &row, &data, *confirm_distinct).await?;
            (Status::Ready, String::new(), serde_json::json!({ "confirm_distinct": confirm_distinct }))
        }
        Action::Supplement { reasons } => {
            let reasons = reasons_of("supplement_reasons", reasons)?;
            sqlx::query!(
                "insert into dossier_notice (dossier_id, form, reasons, created_by) values ($1, 'supplement', $2, $3)",
                row.dossier_id,
                reasons,
                user.user_id
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!("update dossier set paused_since = $2 where dossier_id = $1", row.dossier_id, now)
                .execute(&mut *tx)
                .await?;
            let short: String = crate::reference::unaccent(&reasons).chars().take(90).collect();
            let body = format!(
                "Ho so {} {} can bo sung: {}. Chi tiet: {}/track?code={}",
                kind_sms(row.kind),
                row.code,
                short,
                crate::state::public_url(),
                row.code
            );
            sms(&mut *tx, row.dossier_id, data.get("phone").map(String::as_str), &body).await?;
            (Status::NeedsSupplement, reasons.clone(), serde_json::json!({ "reasons": reasons }))
        }
        Action::Resume => {
            // The due day moves by the working days the dossier waited for the citizen.
            let cal = crate::reference::service::load_calendar(&mut *tx).await?;
            let paused = row.paused_since.map(today).unwrap_or(local_today);
            let mut due = row.due_on;
            for _ in 0..cal.working_days_between(paused, local_today) {
                due = cal.next_working_day(due);
            }
            sqlx::query!(
                "update dossier set paused_since = null, due_on = $2 where dossier_id = $1",
                row.dossier_id,
                due
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!(
                "update dossier_notice set answered_at = $2 where dossier_id = $1 and form = 'supplement' and answered_at is null",
                row.dossier_id,
                now
            )
            .execute(&mut *tx)
            .await?;
            (Status::Submitted, String::new(), serde_json::json!({ "due_on": due }))
        }
        Action::Refuse { reasons } => {
            let reasons = reasons_of("refuse_reasons", reasons)?;
            sqlx::query!(
                "insert into dossier_notice (dossier_id, form, reasons, created_by) values ($1, 'refusal', $2, $3)",
                row.dossier_id,
                reasons,
                user.user_id
            )
            .execute(&mut *tx)
            .await?;
            (Status::Refused, reasons.clone(), serde_json::json!({ "reasons": reasons }))
        }
        Action::Register => {
            let year = local_today.year();
            let no = sqlx::query_scalar!(
                r#"insert into register_book_sequence (agency_id, kind, year, last_number) values ($1, $2, $3, 1)
                   on conflict (agency_id, kind, year) do update set last_number = register_book_sequence.last_number + 1
                   returning last_number"#,
                row.agency_id,
                row.kind.as_str(),
                year
            )
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query!(
                "update dossier set register_year = $2, register_no = $3, sent_to_sign_at = $4 where dossier_id = $1",
                row.dossier_id,
                year,
                no,
                now
            )
            .execute(&mut *tx)
            .await?;
            (Status::AwaitingSignature, format!("{no}/{year}"), serde_json::json!({ "register_no": no, "year": year }))
        }
        Action::Sign => {
            let subject = record_in_registry(&mut *tx, &row, &data).await?;
            if row.bundle {
                partner_steps(&mut *tx, &row, now).await?;
            }
            let token = crate::queue::service::random_token(20);
            sqlx::query!(
                r#"update dossier set registered_at = $2, signed_by = $3, verify_token = $4,
                          subject_id = coalesce($5, subject_id)
                   where dossier_id = $1"#,
                row.dossier_id,
                now,
                user.user_id,
                token,
                subject
            )
            .execute(&mut *tx)
            .await?;
            let body = format!(
                "Ho so {} {} da duoc dang ky. Giay to se duoc trao tai nha hoac tai UBND; theo doi: {}/track?code={}",
                kind_sms(row.kind),
                row.code,
                crate::state::public_url(),
                row.code
            );
            sms(&mut *tx, row.dossier_id, data.get("phone").map(String::as_str), &body).await?;
            // The chairman's letter of congratulation or condolence, to sign with the others.
            crate::letters::service::generate(&mut *tx, row.dossier_id, &user.display_name, now).await?;
            (Status::Registered, String::new(), serde_json::json!({ "personal_id": subject }))
        }
        Action::Deliver { recipient, at } => {
            let at = at.map_or(now, |a| a.min(now));
            let recipient: String = unicode_normalization::UnicodeNormalization::nfc(recipient.trim()).collect();
            if recipient.chars().count() < 2 {
                return Err(AppError::validation("recipient", FieldError::TooShort { min: 2 }));
            }
            sqlx::query!(
                // A phone's clock may be wrong: never before the registration.
                "update dossier set delivered_at = greatest($2, registered_at), delivered_to = $3 where dossier_id = $1",
                row.dossier_id,
                at,
                recipient
            )
            .execute(&mut *tx)
            .await?;
            // The result is returned: the transaction is scored and the family asked to rate it.
            crate::evaluation::service::open_for_dossier(&mut *tx, row.dossier_id, now).await?;
            (Status::Delivered, recipient.clone(), serde_json::json!({ "recipient": recipient }))
        }
    };
    sqlx::query!("update dossier set status = $2 where dossier_id = $1", row.dossier_id, status.as_str())
        .execute(&mut *tx)
        .await?;
    step(&mut *tx, &row, user, action.name(), &note, now).await?;
    audit(&mut *tx, user, meta, &row, &format!("dossier.{}", action.name()), details).await?;
    Ok(status)
}

/// The other agencies' parts of a liên thông bundle (NĐ 63/2024 Đ.7), each a step with its own
/// time limit from the registration: for a birth, permanent residence (police) and the child's
/// health insurance card (social insurance), 2 working days each; for a death, residence
/// deregistration the same day and the funeral allowance within 8. They are closed when the
/// partner's result comes back ([`partner_done`]).
pub const PARTNER_STEPS: [(&str, DossierKind, u16); 4] = [
    ("residence_registration", DossierKind::Birth, 2),
    ("health_insurance_card", DossierKind::Birth, 2),
    ("residence_deregistration", DossierKind::Death, 0),
    ("funeral_allowance", DossierKind::Death, 8),
];

async fn partner_steps(conn: &mut PgConnection, row: &Row, now: DateTime<Utc>) -> Result<(), AppError> {
    let cal = crate::reference::service::load_calendar(&mut *conn).await?;
    let local = now.with_timezone(&crate::i18n::vn_offset()).naive_local();
    for (step, kind, days) in PARTNER_STEPS {
        if kind == row.kind {
            sqlx::query!(
                "insert into dossier_step (dossier_id, step, started_at, due_on) values ($1, $2, $3, $4)",
                row.dossier_id,
                step,
                now,
                cal.due_date(local, days)
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// A partner agency's result of a bundle step has come back: the step closes with its result.
pub async fn partner_done(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    code: &str,
    step_name: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let (row, _) = load(&mut tx, user, code, true).await?;
    if !allowed(user.role, row.status).partner {
        return Err(AppError::Forbidden);
    }
    let today = today(now);
    let done = sqlx::query_scalar!(
        r#"update dossier_step set done_at = $3, handler_id = $4,
                  result = case when $5::date < due_on then 'early' when $5::date = due_on then 'on_time' else 'late' end
           where dossier_id = $1 and step = $2 and done_at is null returning step_id"#,
        row.dossier_id,
        step_name,
        now,
        user.user_id,
        today
    )
    .fetch_optional(&mut *tx)
    .await?;
    if done.is_none() {
        return Err(AppError::Conflict("dossier_wrong_state".into()));
    }
    audit(&mut tx, user, meta, &row, "dossier.partner_done", serde_json::json!({ "step": step_name })).await?;
    tx.commit().await?;
    Ok(())
}

/// The review: complete content, the registry's checks again (it may have changed since the
/// receipt), and any possible duplicate compared side by side and cleared by the official.
async fn review(
    conn: &mut PgConnection,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    row: &Row,
    data: &Data,
    confirm_distinct: bool,
) -> Result<(), AppError> {
    if row.kind == DossierKind::Birth && data.get("child_name").is_none_or(|n| n.is_empty()) {
        return Err(AppError::Conflict("child_name_missing".into()));
    }
    // Everything the form requires, e.g. the requester of a birth the hospital notified.
    form::parse(row.kind, data, today(row.received_at)).map_err(AppError::Validation)?;
    let year = row.event_date.year().max(2000) + 100;
    let mut ids = Vec::new();
    for party in form::parties(row.kind) {
        if let Some(id) = data.get(&format!("{party}_id")).and_then(|v| PersonalId::parse(v, year).ok()) {
            ids.push((*party, id));
        }
    }
    let mut people = BTreeMap::new();
    for (party, id) in &ids {
        if let Some(p) = lookup(&mut *conn, registry, Some(user.user_id), &row.code, "id", id).await? {
            people.insert(*party, known(&p));
        }
    }
    let refusals = form::registry_refusals(row.kind, &ids, &people, row.event_date, &row.commune_code);
    if !refusals.is_empty() {
        let mut errs = FieldErrors::default();
        for (f, e) in refusals {
            errs.push(&f, e);
        }
        return Err(AppError::Validation(errs));
    }
    let dups = duplicates(conn, row, data).await?;
    if !dups.is_empty() && !row.duplicate_cleared {
        if !confirm_distinct {
            return Err(AppError::Conflict("duplicate_unchecked".into()));
        }
        sqlx::query!(
            "update dossier set duplicate_cleared_by = $2 where dossier_id = $1",
            row.dossier_id,
            user.user_id
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// What the registration changes in the registry (here the local one; the national database is
/// updated by the civil-status software in production): a death closes the person's record, a
/// marriage links the spouses, a birth gives the child a personal number. Returns the number.
async fn record_in_registry(conn: &mut PgConnection, row: &Row, data: &Data) -> Result<Option<String>, AppError> {
    let g = |k: &str| data.get(k).cloned().unwrap_or_default();
    match row.kind {
        DossierKind::Death => {
            let id = g("deceased_id");
            // Another dossier of the same death signed first: this one cannot be registered.
            let closed = sqlx::query!(
                "update registry_person set died_on = $2 where personal_id = $1 and died_on is null",
                id,
                row.event_date
            )
            .execute(&mut *conn)
            .await?;
            if closed.rows_affected() != 1 {
                return Err(AppError::Conflict("already_dead".into()));
            }
            // The surviving spouse is widowed.
            sqlx::query!(
                "update registry_person set marital_status = 'widowed' where spouse_id = $1 and marital_status = 'married'",
                id
            )
            .execute(&mut *conn)
            .await?;
            Ok(Some(id))
        }
        DossierKind::Marriage => {
            let (w, h) = (g("wife_id"), g("husband_id"));
            // Checked again under lock: two marriages of one person may both have passed review.
            let parties = sqlx::query!(
                "select sex, marital_status, died_on from registry_person where personal_id in ($1, $2) for update",
                w,
                h
            )
            .fetch_all(&mut *conn)
            .await?;
            for p in &parties {
                if p.died_on.is_some() {
                    return Err(AppError::Conflict("already_dead".into()));
                }
                if p.marital_status == "married" {
                    let key = if p.sex == "male" { "already_married_male" } else { "already_married_female" };
                    return Err(AppError::Conflict(key.into()));
                }
            }
            sqlx::query!(
                r#"update registry_person set marital_status = 'married',
                          spouse_id = case personal_id when $1 then $2 else $1 end
                   where personal_id in ($1, $2)"#,
                w,
                h
            )
            .execute(&mut *conn)
            .await?;
            Ok(None)
        }
        DossierKind::Birth => {
            let sex = Sex::parse(&g("child_sex")).unwrap_or(Sex::Male);
            let year = row.event_date.year();
            // The registering province's code (new units: "0" + the two-digit unit code, e.g. 052
            // Gia Lai); the serial is the next free one for the century, sex and year.
            let province = format!("{:0>3}", row.province_code);
            let prefix = PersonalId::compose(&province, sex, year, 0).as_str()[..6].to_owned();
            sqlx::query!("select pg_advisory_xact_lock(hashtext($1))", format!("pid:{prefix}"))
                .execute(&mut *conn)
                .await?;
            // A range on the key uses its index whatever the collation (LIKE would not).
            let last = sqlx::query_scalar!(
                r#"select max(substr(personal_id, 7)::int) from registry_person
                   where personal_id between $1 || '000000' and $1 || '999999'"#,
                prefix
            )
            .fetch_one(&mut *conn)
            .await?
            .unwrap_or(0);
            if last >= 999_999 {
                let id = Uuid::now_v7();
                tracing::error!(error.id = %id, prefix, "personal number block exhausted");
                return Err(AppError::Internal(id));
            }
            let id = PersonalId::compose(&province, sex, year, (last + 1) as u32);
            let mother = sqlx::query!(
                "select permanent_address, commune_code, household_id from registry_person where personal_id = $1",
                g("mother_id")
            )
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(AppError::Conflict("mother_unknown".into()))?;
            sqlx::query!(
                r#"insert into registry_person (personal_id, full_name, birth_date, sex, ethnicity, birth_place, home_town,
                       permanent_address, commune_code, household_id, relation_to_head, father_id, mother_id, marital_status)
                   values ($1, $2, $3, $4, coalesce(nullif($5, ''), 'Kinh'), $6, coalesce(nullif($7, ''), $6), $8, $9, $10,
                           'Con', nullif($11, ''), $12, 'single')"#,
                id.as_str(),
                g("child_name"),
                row.event_date,
                sex.as_str(),
                g("ethnicity"),
                g("birth_place"),
                g("home_town"),
                mother.permanent_address,
                mother.commune_code,
                mother.household_id,
                g("father_id"),
                g("mother_id")
            )
            .execute(&mut *conn)
            .await?;
            Ok(Some(id.as_str().to_owned()))
        }
    }
}

/// The public verification page behind a certificate's QR: minimal data, every scan logged.
pub async fn verify(db: &PgPool, token: &str, meta: &RequestMeta) -> Result<Verification, AppError> {
    let r = sqlx::query!(
        r#"select d.dossier_id, d.kind, d.status, d.register_no, d.register_year, d.registered_at, d.subject_name,
                  c.name as commune_name
           from dossier d join commune c using (commune_code)
           where d.verify_token = $1"#,
        token.trim()
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    sqlx::query!(
        "insert into certificate_scan (dossier_id, ip, user_agent) values ($1, $2, $3)",
        r.dossier_id,
        meta.ip.map(|ip| ip.to_string()),
        meta.user_agent.as_deref().map(|u| u.chars().take(300).collect::<String>())
    )
    .execute(db)
    .await?;
    let registered_on = r.registered_at.map(today).unwrap_or_default();
    Ok(Verification {
        kind: DossierKind::parse(&r.kind).ok_or(AppError::NotFound)?,
        valid: matches!(Status::parse(&r.status), Some(Status::Registered | Status::Delivered)),
        register_no: format!("{}/{}", r.register_no.unwrap_or(0), r.register_year.unwrap_or(0)),
        registered_on,
        commune_name: r.commune_name,
        initials: initials(&r.subject_name),
    })
}

/// `Nguyễn Văn An` → `N. V. A.`; a marriage's two names keep their dash.
pub fn initials(name: &str) -> String {
    name.split(" – ")
        .map(|n| {
            n.split_whitespace().filter_map(|w| w.chars().next()).map(|c| format!("{c}.")).collect::<Vec<_>>().join(" ")
        })
        .collect::<Vec<_>>()
        .join(" – ")
}

/// Anyone with the code and the phone on the dossier sees its status and due day. A wrong pair
/// answers NotFound either way (no hint which half was wrong).
pub async fn track(db: &PgPool, code: &str, phone: &str) -> Result<Tracking, AppError> {
    let mut errs = FieldErrors::default();
    let code = code.trim().to_uppercase();
    if code.is_empty() {
        errs.push("code", FieldError::Required);
    }
    let phone = errs.check("phone", crate::identity::domain::PhoneVn::parse(phone));
    let (Some(phone), true) = (phone, errs.is_empty()) else {
        return Err(AppError::Validation(errs));
    };
    let r = sqlx::query!(
        r#"select d.code, d.kind, d.status, d.received_at, d.due_on, a.name as agency_name,
                  (select n.reasons from dossier_notice n
                   where n.dossier_id = d.dossier_id and n.form = 'supplement' and n.answered_at is null
                     and d.status = 'needs_supplement'
                   order by n.created_at desc limit 1) as needs
           from dossier d join agency a using (agency_id)
           where d.code = $1 and d.phone = $2"#,
        code,
        phone.as_str()
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Tracking {
        code: r.code,
        kind: DossierKind::parse(&r.kind).ok_or(AppError::NotFound)?,
        status: Status::parse(&r.status).ok_or(AppError::NotFound)?,
        received_at: r.received_at,
        due_on: r.due_on,
        agency_name: r.agency_name,
        needs: r.needs,
    })
}

/// A health facility's view of the births it sent and where each dossier stands.
pub async fn sent_births(db: &PgPool, user: &AuthUser) -> Result<Vec<super::SentBirth>, AppError> {
    let facility = match (user.role, user.agency_id) {
        (Role::HealthFacility, Some(a)) => a,
        _ => return Err(AppError::Forbidden),
    };
    Ok(sqlx::query!(
        r#"select b.certificate_code, b.received_at, d.code, d.status, c.name as commune_name
           from birth_notification b join dossier d using (dossier_id) join commune c on c.commune_code = d.commune_code
           where b.facility_id = $1 order by b.received_at desc limit 200"#,
        facility
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .filter_map(|r| {
        Some(super::SentBirth {
            certificate_code: r.certificate_code,
            received_at: r.received_at,
            dossier_code: r.code,
            status: Status::parse(&r.status)?,
            commune_name: r.commune_name,
        })
    })
    .collect())
}

/// Health facilities and their keys, for the province administrator.
pub async fn facility_keys(db: &PgPool, user: &AuthUser) -> Result<Vec<super::FacilityKeys>, AppError> {
    if user.role != Role::ProvinceAdmin {
        return Err(AppError::Forbidden);
    }
    let rows = sqlx::query!(
        r#"select a.agency_id, a.name, k.name as "key_name?", k.created_at as "created_at?", k.last_seen_at, k.active as "active?"
           from agency a left join facility_api_key k using (agency_id)
           where a.kind = 'health_facility' and a.province_code = $1
           order by a.name, k.created_at"#,
        user.province_code
    )
    .fetch_all(db)
    .await?;
    let mut out: Vec<super::FacilityKeys> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|f| f.agency_id != r.agency_id) {
            out.push(super::FacilityKeys { agency_id: r.agency_id, name: r.name.clone(), keys: vec![] });
        }
        if let (Some(name), Some(at), Some(active), Some(f)) = (r.key_name, r.created_at, r.active, out.last_mut()) {
            f.keys.push(super::KeyInfo { name, created_at: at, last_seen_at: r.last_seen_at, active });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_keep_only_first_letters() {
        assert_eq!(initials("Nguyễn Văn An"), "N. V. A.");
        assert_eq!(initials("Trần Minh Quân – Lê Thị Hoa"), "T. M. Q. – L. T. H.");
    }

    #[test]
    fn each_role_gets_only_its_steps() {
        let o = allowed(Role::CivilStatusOfficial, Status::Ready);
        assert!(o.register && o.refuse && o.edit && !o.sign && !o.review);
        let c = allowed(Role::CommuneChairman, Status::AwaitingSignature);
        assert_eq!(c, Allowed { sign: true, ..Allowed::default() });
        assert_eq!(allowed(Role::CommuneChairman, Status::Ready), Allowed::default());
        let counter = allowed(Role::CounterOfficer, Status::Registered);
        assert!(counter.deliver && !counter.register);
        assert_eq!(
            allowed(Role::CivilStatusOfficial, Status::Delivered),
            Allowed { partner: true, ..Allowed::default() }
        );
    }
}
