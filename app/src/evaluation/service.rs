//! Ratings, indicators, rankings and feedback cases over Postgres. Every change runs in one
//! transaction with its audit entry; the monthly sums follow through a trigger.

use super::domain::{
    self, Bands, CaseAction, CaseDues, CaseStatus, CriteriaSet, PointsSource, RatingAnswers, Satisfaction, TicketFacts,
    UnitKind, UnitSums,
};
use super::{
    CaseDetail, CaseEvent, CaseSummary, CounterRating, EvaluationRow, LinkState, MyResults, OfficeEvaluations,
    OwnRating, RankBy, Ranking, RankingRow, RatingContext, RatingReceipt, TrendPoint,
};
use crate::{
    audit::service::{self as audit, Entry},
    error::AppError,
    i18n::vn_offset,
    identity::{AuthUser, Role},
    notify::{Channel, service as notify},
    queue::{domain::OfficeAccess, service as queue},
    state::RequestMeta,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Counts a request in this minute's window for `bucket`; refuses above `limit`.
/// Postgres keeps the counters so that every server instance shares them.
pub async fn rate_limit(db: &PgPool, bucket: &str, limit: i32, now: DateTime<Utc>) -> Result<(), AppError> {
    // Whole minutes: every request of the same minute shares the row.
    let window = DateTime::from_timestamp(now.timestamp() - now.timestamp().rem_euclid(60), 0).unwrap_or(now);
    let hits = sqlx::query_scalar!(
        r#"insert into rate_limit_window (bucket, window_start, hits) values ($1, $2, 1)
           on conflict (bucket, window_start) do update set hits = rate_limit_window.hits + 1
           returning hits"#,
        bucket,
        window
    )
    .fetch_one(db)
    .await?;
    if hits == 1 && rand::random::<u8>() < 8 {
        // Now and then, drop windows nobody will read again.
        sqlx::query!("delete from rate_limit_window where window_start < $1", now - Duration::hours(1))
            .execute(db)
            .await?;
    }
    if hits > limit {
        tracing::warn!(bucket, hits, "rate limited");
        return Err(AppError::Throttled((60 - now.timestamp().rem_euclid(60)) as u32));
    }
    Ok(())
}

/// Requests per minute allowed per client on the rating endpoints.
pub async fn rating_rate_limit(db: &PgPool) -> Result<i32, AppError> {
    Ok(sqlx::query_scalar!("select rating_requests_per_minute from evaluation_config").fetch_one(db).await? as i32)
}

async fn criteria_sets(conn: &mut PgConnection) -> Result<Vec<(Uuid, String, CriteriaSet)>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"select criteria_set_id, code, effective_from, weights as "weights!: Vec<f32>",
                  band_excellent, band_good, band_fair, band_average
           from criteria_set order by effective_from"#
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| {
        let weights = std::array::from_fn(|i| r.weights.get(i).copied().unwrap_or(1.0) as f64);
        let bands = Bands {
            excellent: r.band_excellent as f64,
            good: r.band_good as f64,
            fair: r.band_fair as f64,
            average: r.band_average as f64,
        };
        (r.criteria_set_id, r.code, CriteriaSet { effective_from: r.effective_from, bands, weights })
    })
    .collect())
}

async fn criteria_set(conn: &mut PgConnection, id: Uuid) -> Result<CriteriaSet, AppError> {
    criteria_sets(conn).await?.into_iter().find(|(i, ..)| *i == id).map(|(.., s)| s).ok_or(AppError::NotFound)
}

/// The bands in force on `day` (for classifying a period, the set in force at its end).
async fn bands_on(conn: &mut PgConnection, day: NaiveDate) -> Result<Bands, sqlx::Error> {
    let sets: Vec<CriteriaSet> = criteria_sets(conn).await?.into_iter().map(|(.., s)| s).collect();
    Ok(domain::set_in_force(&sets, day).map(|s| s.bands).unwrap_or_default())
}

fn to_points(v: &[Option<i16>]) -> [Option<u8>; 9] {
    std::array::from_fn(|i| v.get(i).copied().flatten().map(|p| p.clamp(0, 2) as u8))
}

fn to_sources(v: &[String]) -> [PointsSource; 9] {
    std::array::from_fn(|i| v.get(i).map(|s| PointsSource::parse(s)).unwrap_or(PointsSource::Auto))
}

fn from_points(p: &[Option<u8>; 9]) -> Vec<Option<i16>> {
    p.iter().map(|x| x.map(i16::from)).collect()
}

/// Opens the evaluation of a ticket that has just been finished, in the finishing transaction:
/// scores what the queue knows, creates the rating link and, for a booked ticket, sends it by SMS.
/// A ticket is evaluated once, however often it is finished again after a transfer.
pub async fn open_for_ticket(conn: &mut PgConnection, ticket_id: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let Some(t) = sqlx::query!(
        r#"select t.office_id, t.counter_id, t.officer_id, t.procedure_code, t.prefix, t.number, t.service_day,
                  t.issued_at, t.slot_starts_at, t.called_at, t.finished_at, b.phone as "phone?", o.name as office_name,
                  (select count(*) from ticket t2 join booking b2 on b2.booking_id = t2.booking_id
                    where b2.phone = b.phone and t2.procedure_code = t.procedure_code and t2.status = 'done'
                      and t2.ticket_id <> t.ticket_id and t2.finished_at > $2::timestamptz - interval '30 days') as "earlier!"
           from ticket t join office o using (office_id) left join booking b on b.booking_id = t.booking_id
           where t.ticket_id = $1 and t.status = 'done'"#,
        ticket_id,
        now
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(());
    };
    let waited =
        t.called_at.map(|c| crate::queue::domain::waiting_minutes(t.issued_at, t.slot_starts_at, c).round() as i64);
    let facts = TicketFacts {
        waited_minutes: waited,
        earlier_visits: t.phone.as_ref().map(|_| t.earlier.clamp(0, u32::MAX as i64) as u32),
        complaint: false,
        rating: None,
    };
    let points = domain::ticket_points(&facts);
    let e = NewEvaluation {
        subject_kind: "ticket",
        subject_id: ticket_id,
        office_id: t.office_id,
        counter_id: t.counter_id,
        official_id: t.officer_id,
        procedure_code: t.procedure_code,
        label: crate::queue::domain::ticket_label(&t.prefix, t.number),
        received_on: t.service_day,
        service_day: vn_day(t.finished_at.unwrap_or(now)),
        points,
        overdue: false,
        waited_minutes: waited,
        phone: t.phone,
        place: t.office_name,
    };
    insert_evaluation(conn, e, now).await
}

/// A transaction to evaluate: a finished ticket or a dossier whose result was returned.
struct NewEvaluation {
    subject_kind: &'static str,
    subject_id: Uuid,
    office_id: Uuid,
    counter_id: Option<Uuid>,
    official_id: Option<Uuid>,
    procedure_code: String,
    label: String,
    received_on: NaiveDate,
    service_day: NaiveDate,
    points: [Option<domain::Points>; 9],
    overdue: bool,
    waited_minutes: Option<i64>,
    phone: Option<String>,
    /// Where the citizen was served, for the SMS.
    place: String,
}

/// Stores an evaluation once per subject, scored with the criteria set in force on the day it was
/// received, with a rating link sent by SMS when a phone is known.
async fn insert_evaluation(conn: &mut PgConnection, e: NewEvaluation, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let sets = criteria_sets(conn).await?;
    let plain: Vec<CriteriaSet> = sets.iter().map(|(.., s)| s.clone()).collect();
    let Some(set) = domain::set_in_force(&plain, e.received_on) else {
        tracing::error!(day = %e.received_on, kind = e.subject_kind, "no criteria set in force; not evaluated");
        return Ok(());
    };
    // Effective dates are unique, so the date finds the set's id.
    let set_id = sets
        .iter()
        .find(|(.., s)| s.effective_from == set.effective_from)
        .map(|(id, ..)| *id)
        .expect("BUG: set from the list");
    let score = domain::dossier_percent(set, &e.points);
    let days = sqlx::query_scalar!("select rating_valid_days from evaluation_config").fetch_one(&mut *conn).await?;
    let token = queue::random_token(20);
    let expires = now + Duration::days(days as i64);
    let inserted = sqlx::query_scalar!(
        r#"insert into service_evaluation (subject_kind, subject_id, office_id, counter_id, official_id, procedure_code,
                                          label, received_on, service_day, criteria_set_id, rating_token,
                                          token_expires_at, points, score_percent, waited_minutes, overdue)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
           on conflict (subject_kind, subject_id) do nothing
           returning evaluation_id"#,
        e.subject_kind,
        e.subject_id,
        e.office_id,
        e.counter_id,
        e.official_id,
        e.procedure_code,
        e.label,
        e.received_on,
        e.service_day,
        set_id,
        token,
        expires,
        &from_points(&e.points) as &[Option<i16>],
        score.map(|s| s as f32),
        e.waited_minutes.map(|w| w.clamp(0, i32::MAX as i64) as i32),
        e.overdue
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let (Some(id), Some(phone)) = (inserted, e.phone) {
        // Unaccented: SMS gateways bill diacritics as UCS-2.
        let body = format!(
            "Cam on ban da den {}. Moi danh gia dich vu (1 lan, trong {} ngay): {}/rate/{}",
            crate::reference::unaccent(&e.place),
            days,
            crate::state::public_url(),
            token
        );
        let nid = notify::enqueue(conn, Channel::Sms, &phone, "", &body).await?;
        sqlx::query!(
            "update notification set subject_ref = $2 where notification_id = $1",
            nid,
            format!("evaluation:{id}")
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Opens the evaluation of a civil-status dossier whose result was handed over, in that
/// transaction: processing time against the allowed working days (supplement waits excluded; a
/// second supplement request is overdue), contacts, and the rating link by SMS. Counted for the
/// commune's one-stop office; a commune without one is not evaluated (logged).
pub async fn open_for_dossier(
    conn: &mut PgConnection,
    dossier_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    use crate::civil::domain::{Channel as Via, DossierKind, processing_days};
    let Some(d) = sqlx::query!(
        r#"select d.code, d.kind, d.bundle, d.channel, d.proactive, d.received_at, d.registered_at, d.phone,
                  (select s.handler_id from dossier_step s where s.dossier_id = d.dossier_id and s.step = 'sent_to_chairman'
                   order by s.started_at desc limit 1) as official_id,
                  (select o.office_id from office o where o.agency_id = d.agency_id order by o.created_at limit 1) as office_id,
                  (select o.name from office o where o.agency_id = d.agency_id order by o.created_at limit 1) as office_name
           from dossier d where d.dossier_id = $1"#,
        dossier_id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(());
    };
    let (Some(office_id), Some(kind)) = (d.office_id, DossierKind::parse(&d.kind)) else {
        tracing::info!(code = d.code, "no one-stop office for the dossier's agency; not evaluated");
        return Ok(());
    };
    let supplements = sqlx::query!(
        "select created_at, answered_at from dossier_notice where dossier_id = $1 and form = 'supplement' order by created_at",
        dossier_id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|n| domain::Supplement { requested: vn_day(n.created_at), completed: n.answered_at.map(vn_day) })
    .collect();
    let cal = crate::reference::service::load_calendar(conn).await?;
    let mobile = Via::parse(&d.channel) == Some(Via::Collector);
    let timing = domain::DossierTiming {
        counted_from: cal.counting_start(d.received_at.with_timezone(&crate::i18n::vn_offset()).naive_local()),
        finished: Some(vn_day(d.registered_at.unwrap_or(now))),
        // "The same day" is one working day used.
        allowed_days: processing_days(kind, d.bundle, false, mobile) as i64 + 1,
        supplements,
    };
    let today = vn_day(now);
    let points = domain::dossier_points(&cal, &timing, d.proactive, today);
    let procedure = match (kind, d.bundle) {
        (DossierKind::Birth, true) => "LT.KS-TT-BHYT",
        (DossierKind::Birth, false) => "1.001193",
        (DossierKind::Marriage, _) => "1.000894",
        (DossierKind::Death, true) => "LT.KT-XTT-MT",
        (DossierKind::Death, false) => "1.000656",
    };
    let e = NewEvaluation {
        subject_kind: "dossier",
        subject_id: dossier_id,
        office_id,
        counter_id: None,
        official_id: d.official_id,
        procedure_code: procedure.into(),
        label: d.code,
        received_on: vn_day(d.received_at),
        service_day: today,
        overdue: domain::is_overdue(&cal, &timing, today),
        points,
        waited_minutes: None,
        phone: d.phone,
        place: d.office_name.unwrap_or_default(),
    };
    insert_evaluation(conn, e, now).await
}

fn vn_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&vn_offset()).date_naive()
}

fn link_state(rated: bool, expires: DateTime<Utc>, now: DateTime<Utc>) -> LinkState {
    if rated {
        LinkState::AlreadyRated
    } else if now >= expires {
        LinkState::Expired
    } else {
        LinkState::Open
    }
}

/// What the rating page needs. Unknown tokens are NotFound.
pub async fn rating_context(db: &PgPool, token: &str, now: DateTime<Utc>) -> Result<RatingContext, AppError> {
    let r = sqlx::query!(
        r#"select o.name as office_name, p.name, p.name_en, e.label, e.service_day, e.rated_at, e.token_expires_at
           from service_evaluation e join office o using (office_id) join procedure p using (procedure_code)
           where e.rating_token = $1"#,
        token
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(RatingContext {
        office_name: r.office_name,
        procedure_name: r.name,
        procedure_name_en: r.name_en,
        label: r.label,
        service_day: r.service_day,
        state: link_state(r.rated_at.is_some(), r.token_expires_at, now),
        expires_at: r.token_expires_at,
    })
}

/// How a rating reached us.
#[derive(Debug, Clone, Copy)]
pub enum RatingChannel<'a> {
    /// The citizen's own phone, through the link.
    Phone,
    /// The citizen on the counter's tablet in "rate us" mode.
    CounterKiosk(&'a AuthUser),
    /// An official typed in what the citizen said or wrote.
    Staff(&'a AuthUser),
}

impl RatingChannel<'_> {
    fn as_str(&self) -> &'static str {
        match self {
            RatingChannel::Phone => "phone",
            RatingChannel::CounterKiosk(_) => "counter_kiosk",
            RatingChannel::Staff(_) => "staff",
        }
    }
    fn user(&self) -> Option<&AuthUser> {
        match self {
            RatingChannel::Phone => None,
            RatingChannel::CounterKiosk(u) | RatingChannel::Staff(u) => Some(u),
        }
    }
}

/// Records a rating once. Errors: NotFound, Conflict(rating_used | rating_expired), Forbidden
/// (a tablet of another office).
#[tracing::instrument(skip_all, fields(channel = channel.as_str()))]
pub async fn submit_rating(
    db: &PgPool,
    token: &str,
    answers: RatingAnswers,
    channel: RatingChannel<'_>,
    meta: &RequestMeta,
    now: DateTime<Utc>,
) -> Result<RatingReceipt, AppError> {
    let mut tx = db.begin().await?;
    let e = sqlx::query!(
        r#"select evaluation_id, office_id, official_id, rated_at, token_expires_at, criteria_set_id, waited_minutes,
                  points as "points!: Vec<Option<i16>>", points_source, label
           from service_evaluation where rating_token = $1 for update"#,
        token
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let office = queue::office_row(&mut tx, e.office_id).await?;
    if let Some(user) = channel.user() {
        queue::require_office(user, &office, OfficeAccess::Operate)?;
    }
    // Nobody types in a rating of their own work (the citizen taps it on the tablet instead).
    if let RatingChannel::Staff(u) = channel
        && e.official_id == Some(u.user_id)
    {
        return Err(AppError::Conflict("rating_own_work".into()));
    }
    match link_state(e.rated_at.is_some(), e.token_expires_at, now) {
        LinkState::AlreadyRated => return Err(AppError::Conflict("rating_used".into())),
        LinkState::Expired => return Err(AppError::Conflict("rating_expired".into())),
        LinkState::Open => {}
    }
    let current = to_points(&e.points);
    let sources = to_sources(&e.points_source);
    let mut auto = current;
    auto[6] = domain::counter_attitude_points(
        answers.complaint,
        e.waited_minutes.map(i64::from),
        domain::WAIT_TARGET_MINUTES,
    )
    .or(current[6]);
    auto[7] = Some(answers.convenience_points());
    auto[8] = Some(domain::rating_points(answers.overall));
    let points = domain::merge_points(&current, &sources, &auto);
    let set = criteria_set(&mut tx, e.criteria_set_id).await?;
    let score = domain::dossier_percent(&set, &points);
    sqlx::query!(
        r#"update service_evaluation
           set rated_at = $2, overall = $3, items = $4, comment = $5, complaint = complaint or $6,
               rating_channel = $7, entered_by = $8, points = $9, score_percent = $10
           where evaluation_id = $1"#,
        e.evaluation_id,
        now,
        answers.overall as i16,
        &answers.item_scores() as &[Option<i16>],
        answers.comment,
        answers.complaint,
        channel.as_str(),
        match channel {
            RatingChannel::Staff(u) => Some(u.user_id),
            _ => None,
        },
        &from_points(&points) as &[Option<i16>],
        score.map(|s| s as f32)
    )
    .execute(&mut *tx)
    .await?;
    let case_code = if answers.opens_case() {
        let category = if answers.items.iter().flatten().any(|i| i.is_negative()) { "conduct" } else { "other" };
        let content = answers
            .comment
            .clone()
            .unwrap_or_else(|| format!("Đánh giá {}/5 cho giao dịch {}", answers.overall as u8, e.label));
        Some(
            open_case(
                &mut tx,
                NewCase {
                    source: "rating",
                    evaluation_id: Some(e.evaluation_id),
                    office_id: e.office_id,
                    category,
                    content,
                },
                now,
            )
            .await?
            .1,
        )
    } else {
        None
    };
    audit::record(
        &mut tx,
        channel.user(),
        meta,
        // No comment text here: the audit log is read by more people than the case handler.
        queue::audit_entry(
            &office,
            "evaluation.rated",
            "service_evaluation",
            e.evaluation_id.to_string(),
            json!({ "overall": answers.overall as u8, "channel": channel.as_str(), "case": case_code }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(RatingReceipt { case_code })
}

/// The transaction just finished at a counter that the citizen may rate on the counter's tablet:
/// finished in the last 30 minutes and not rated yet.
pub async fn counter_rating(
    db: &PgPool,
    user: &AuthUser,
    counter_id: Uuid,
    now: DateTime<Utc>,
) -> Result<CounterRating, AppError> {
    let mut conn = db.acquire().await?;
    let k = sqlx::query!("select office_id, number from counter where counter_id = $1", counter_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let office = queue::office_row(&mut conn, k.office_id).await?;
    queue::require_office(user, &office, OfficeAccess::Operate)?;
    let pending = sqlx::query!(
        r#"select e.rating_token, e.label from service_evaluation e
           where e.counter_id = $1 and e.rated_at is null and e.token_expires_at > $2
             and e.created_at > $2::timestamptz - interval '30 minutes'
           order by e.created_at desc limit 1"#,
        counter_id,
        now
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| (r.rating_token, r.label));
    Ok(CounterRating { counter_number: k.number, office_name: office.name, pending })
}

/// What opens a feedback case: a rating now, the hotline and the counter later.
pub struct NewCase {
    pub source: &'static str,
    pub evaluation_id: Option<Uuid>,
    pub office_id: Uuid,
    pub category: &'static str,
    pub content: String,
}

/// Opens a case on the 766 clock, assigned to an administrator of the office's agency.
pub async fn open_case(conn: &mut PgConnection, c: NewCase, now: DateTime<Utc>) -> Result<(Uuid, String), AppError> {
    let office = queue::office_row(conn, c.office_id).await?;
    let cal = crate::reference::service::load_calendar(conn).await?;
    let local = now.with_timezone(&vn_offset()).naive_local();
    let dues = domain::case_dues(&cal, local);
    let seq = sqlx::query_scalar!(r#"select nextval('feedback_case_seq') as "n!""#).fetch_one(&mut *conn).await?;
    let code = format!("PA-{}-{:05}", local.format("%y%m%d"), seq);
    // Never the official the case is about.
    let head = sqlx::query_scalar!(
        r#"select user_id from app_user
           where agency_id = $1 and role = 'agency_admin' and active
             and user_id is distinct from (select official_id from service_evaluation where evaluation_id = $2)
           order by created_at limit 1"#,
        office.agency_id,
        c.evaluation_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let id = sqlx::query_scalar!(
        r#"insert into feedback_case (code, source, evaluation_id, office_id, agency_id, assigned_to, category, content,
                                     received_at, refuse_due, info_due, resolve_due)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning case_id"#,
        code,
        c.source,
        c.evaluation_id,
        c.office_id,
        office.agency_id,
        head,
        c.category,
        c.content,
        now,
        dues.refuse,
        dues.request_info,
        dues.resolve
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!("insert into feedback_event (case_id, at, action) values ($1, $2, 'opened')", id, now)
        .execute(&mut *conn)
        .await?;
    if c.evaluation_id.is_some() {
        sqlx::query!("update service_evaluation set complaint = true where evaluation_id = $1", c.evaluation_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok((id, code))
}

/// Which units of the province a viewer may rank: everyone sees offices, agencies and communes
/// (the public page shows them); counters and officials only their supervisors.
fn visible_kinds(viewer: Option<&AuthUser>) -> Vec<UnitKind> {
    match viewer.map(|u| u.role) {
        Some(Role::AgencyAdmin | Role::ProvinceAdmin) => UnitKind::ALL.to_vec(),
        _ => UnitKind::ALL.into_iter().filter(|k| k.is_public()).collect(),
    }
}

/// Agency the viewer's counter and official rankings are limited to (None = the whole province).
fn people_scope(viewer: Option<&AuthUser>) -> Option<Uuid> {
    match viewer {
        Some(u) if u.role == Role::ProvinceAdmin && u.commune_code.is_none() => None,
        Some(u) => Some(u.agency_id.unwrap_or(Uuid::nil())),
        None => Some(Uuid::nil()),
    }
}

struct SumRow {
    unit_id: String,
    name: String,
    context: String,
    sums: UnitSums,
    item_n: Vec<i64>,
    item_sum: Vec<i64>,
}

fn item_means(n: &[i64], sum: &[i64]) -> [Option<f64>; domain::SIPAS_ITEMS] {
    std::array::from_fn(|i| match (n.get(i), sum.get(i)) {
        (Some(&n), Some(&s)) if n > 0 => Some(s as f64 / n as f64),
        _ => None,
    })
}

macro_rules! sums_of {
    ($r:expr) => {
        UnitSums {
            evaluations: $r.evaluations,
            scored: $r.scored,
            score_sum: $r.score_sum,
            overdue: $r.overdue,
            complained_or_negative: $r.complained_or_negative,
            ratings: $r.ratings,
            overall_sum: $r.overall_sum,
            satisfied: $r.satisfied,
            negative: $r.negative,
        }
    };
}

/// Sums per unit over the months of `from..=to`, over the monthly sums. The unit's key and labels
/// are picked by `kind` inside the (compile-checked) query.
async fn unit_sums(
    conn: &mut PgConnection,
    kind: UnitKind,
    from: NaiveDate,
    to: NaiveDate,
    agency: Option<Uuid>,
    official: Option<Uuid>,
) -> Result<Vec<SumRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select case $5 when 'office' then o.office_id::text when 'agency' then a.agency_id::text
                          when 'commune' then o.commune_code when 'counter' then d.counter_id::text
                          else d.official_id::text end as "unit_id!",
                  min(case $5 when 'office' then o.name when 'agency' then a.name when 'commune' then c.name
                              when 'counter' then 'Quầy ' || k.number::text else u.display_name end) as name,
                  min(case $5 when 'office' then c.name when 'counter' then o.name when 'official' then o.name
                              else '' end) as context,
                  sum(d.evaluations)::int8 as "evaluations!", sum(d.scored)::int8 as "scored!",
                  sum(d.score_sum)::float8 as "score_sum!", sum(d.overdue)::int8 as "overdue!",
                  sum(d.complained_or_negative)::int8 as "complained_or_negative!", sum(d.ratings)::int8 as "ratings!",
                  sum(d.overall_sum)::int8 as "overall_sum!", sum(d.satisfied)::int8 as "satisfied!",
                  sum(d.negative)::int8 as "negative!",
                  array[sum(d.item_n[1]), sum(d.item_n[2]), sum(d.item_n[3]), sum(d.item_n[4]), sum(d.item_n[5])]::int8[] as "item_n!",
                  array[sum(d.item_sum[1]), sum(d.item_sum[2]), sum(d.item_sum[3]), sum(d.item_sum[4]), sum(d.item_sum[5])]::int8[] as "item_sum!"
           from evaluation_month d
           join office o on o.office_id = d.office_id
           join agency a on a.agency_id = o.agency_id
           join commune c on c.commune_code = o.commune_code
           left join counter k on k.counter_id = d.counter_id
           left join app_user u on u.user_id = d.official_id
           where d.month between $1 and $2
             and ($5 <> 'counter' or d.counter_id <> '00000000-0000-0000-0000-000000000000')
             and ($5 <> 'official' or d.official_id <> '00000000-0000-0000-0000-000000000000')
             and ($3::uuid is null or o.agency_id = $3)
             and ($4::uuid is null or d.official_id = $4)
           group by 1"#,
        from,
        to,
        agency,
        official,
        kind.as_str()
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SumRow {
            sums: sums_of!(r),
            unit_id: r.unit_id,
            name: r.name.unwrap_or_default(),
            context: r.context.unwrap_or_default(),
            item_n: r.item_n,
            item_sum: r.item_sum,
        })
        .collect())
}

/// Ranks units of one kind over a period, ties sharing a rank; units without the chosen figure last.
fn rank(rows: Vec<SumRow>, bands: &Bands, by: RankBy) -> Vec<RankingRow> {
    let mut out: Vec<RankingRow> = rows
        .into_iter()
        .map(|r| RankingRow {
            figures: r.sums.figures(bands),
            items: item_means(&r.item_n, &r.item_sum),
            evaluations: r.sums.evaluations,
            ratings: r.sums.ratings,
            unit_id: r.unit_id,
            name: r.name,
            context: r.context,
            rank: 0,
        })
        .collect();
    let values: Vec<f64> = out.iter().map(|r| by.value(&r.figures).unwrap_or(f64::NEG_INFINITY)).collect();
    for (r, k) in out.iter_mut().zip(domain::competition_ranks(&values)) {
        r.rank = k;
    }
    out.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.name.cmp(&b.name)));
    out
}

/// A ranking of one kind of unit over a period. `viewer` None = the public.
pub async fn ranking(
    db: &PgPool,
    viewer: Option<&AuthUser>,
    kind: UnitKind,
    period: domain::Period,
    by: RankBy,
) -> Result<Ranking, AppError> {
    let kinds = visible_kinds(viewer);
    if !kinds.contains(&kind) {
        return Err(if viewer.is_some() { AppError::Forbidden } else { AppError::Unauthorized });
    }
    let mut conn = db.acquire().await?;
    let (from, to) = period.bounds();
    let agency = if kind.is_public() { None } else { people_scope(viewer) };
    let rows = unit_sums(&mut conn, kind, from, to, agency, None).await?;
    let bands = bands_on(&mut conn, to).await?;
    Ok(Ranking { kind, period: period.key(), from, to, by, rows: rank(rows, &bands, by), kinds })
}

/// Month by month over the period (a year for a month: the twelve months up to it), for a unit
/// or everything visible.
pub async fn trend(
    db: &PgPool,
    period: domain::Period,
    official: Option<Uuid>,
    agency: Option<Uuid>,
) -> Result<Vec<TrendPoint>, AppError> {
    let (from, to) = period.bounds();
    let from = match period {
        domain::Period::Month { .. } => from.checked_sub_months(chrono::Months::new(11)).expect("BUG: date in range"),
        _ => from,
    };
    let mut conn = db.acquire().await?;
    let rows = sqlx::query!(
        r#"select to_char(d.month, 'YYYY-MM') as "month!", sum(d.evaluations)::int8 as "evaluations!",
                  sum(d.scored)::int8 as "scored!", sum(d.score_sum)::float8 as "score_sum!",
                  sum(d.overdue)::int8 as "overdue!", sum(d.complained_or_negative)::int8 as "complained_or_negative!",
                  sum(d.ratings)::int8 as "ratings!", sum(d.overall_sum)::int8 as "overall_sum!",
                  sum(d.satisfied)::int8 as "satisfied!", sum(d.negative)::int8 as "negative!"
           from evaluation_month d join office o using (office_id)
           where d.month between $1 and $2 and ($3::uuid is null or d.official_id = $3)
             and ($4::uuid is null or o.agency_id = $4)
           group by 1 order by 1"#,
        from,
        to,
        official,
        agency
    )
    .fetch_all(&mut *conn)
    .await?;
    let bands = bands_on(&mut conn, to).await?;
    Ok(rows
        .into_iter()
        .map(|r| TrendPoint { month: r.month.clone(), ratings: r.ratings, figures: sums_of!(r).figures(&bands) })
        .collect())
}

/// An official's own results: figures, rank among the officials of their agency, trend and the
/// ratings of their transactions without anything about the raters.
pub async fn my_results(db: &PgPool, user: &AuthUser, period: domain::Period) -> Result<MyResults, AppError> {
    if matches!(user.role, Role::Citizen | Role::HealthFacility | Role::Collector | Role::HotlineAgent) {
        return Err(AppError::Forbidden);
    }
    let mut conn = db.acquire().await?;
    let (from, to) = period.bounds();
    let bands = bands_on(&mut conn, to).await?;
    let agency = user.agency_id.unwrap_or(Uuid::nil());
    let peers =
        rank(unit_sums(&mut conn, UnitKind::Official, from, to, Some(agency), None).await?, &bands, RankBy::Score);
    let me = user.user_id.to_string();
    let mine = peers.iter().find(|r| r.unit_id == me);
    let recent = sqlx::query!(
        r#"select service_day, label, overall as "overall!", items as "items: Vec<Option<i16>>",
                  -- A complaint's words are the case's content: for its handler only.
                  case when complaint then null else comment end as comment
           from service_evaluation
           where official_id = $1 and service_day between $2 and $3 and rated_at is not null
           order by rated_at desc limit 20"#,
        user.user_id,
        from,
        to
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .filter_map(|r| {
        Some(OwnRating {
            service_day: r.service_day,
            label: r.label,
            overall: Satisfaction::from_score(r.overall as u8)?,
            items: std::array::from_fn(|i| r.items.as_ref().and_then(|v| v.get(i).copied().flatten()).map(|x| x as u8)),
            comment: r.comment,
        })
    })
    .collect();
    drop(conn);
    Ok(MyResults {
        period: period.key(),
        evaluations: mine.map(|r| r.evaluations).unwrap_or(0),
        ratings: mine.map(|r| r.ratings).unwrap_or(0),
        figures: mine.map(|r| r.figures).unwrap_or_else(|| UnitSums::default().figures(&bands)),
        items: mine.map(|r| r.items).unwrap_or([None; domain::SIPAS_ITEMS]),
        rank: mine.map(|r| (r.rank, peers.len())),
        trend: trend(db, period, Some(user.user_id), None).await?,
        recent,
    })
}

/// The evaluated transactions of an office over a period, newest first, for its supervisors.
pub async fn office_evaluations(
    db: &PgPool,
    user: &AuthUser,
    office_id: Uuid,
    period: domain::Period,
) -> Result<OfficeEvaluations, AppError> {
    let mut conn = db.acquire().await?;
    let office = queue::office_row(&mut conn, office_id).await?;
    queue::require_office(user, &office, OfficeAccess::Manage)?;
    let (from, to) = period.bounds();
    let rows = sqlx::query!(
        r#"select e.evaluation_id, e.label, e.service_day, p.name as procedure_name, k.number as "counter_number?",
                  u.display_name as "official_name?", e.points as "points!: Vec<Option<i16>>", e.points_source,
                  e.score_percent, e.overall, e.comment, e.complaint, e.entered_by is not null as "staff_entered!",
                  s.code as criteria_code
           from service_evaluation e join procedure p using (procedure_code) join criteria_set s using (criteria_set_id)
           left join counter k on k.counter_id = e.counter_id left join app_user u on u.user_id = e.official_id
           where e.office_id = $1 and e.service_day between $2 and $3
           order by e.service_day desc, e.created_at desc limit 200"#,
        office_id,
        from,
        to
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| EvaluationRow {
        evaluation_id: r.evaluation_id,
        label: r.label,
        service_day: r.service_day,
        procedure_name: r.procedure_name,
        counter_number: r.counter_number,
        official_name: r.official_name,
        points: to_points(&r.points),
        sources: to_sources(&r.points_source),
        score: r.score_percent.map(f64::from),
        overall: r.overall.and_then(|o| Satisfaction::from_score(o as u8)),
        comment: r.comment,
        complaint: r.complaint,
        staff_entered: r.staff_entered,
        criteria_code: r.criteria_code,
    })
    .collect();
    Ok(OfficeEvaluations { office_id, office_name: office.name, period: period.key(), rows })
}

/// A supervisor records a missing indicator or re-assesses a scored one, with the reason; the
/// score is recomputed with the transaction's own criteria set.
#[tracing::instrument(skip_all, fields(evaluation_id = %evaluation_id, indicator))]
pub async fn reassess(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    evaluation_id: Uuid,
    indicator: u8,
    points: u8,
    reason: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let e = sqlx::query!(
        r#"select office_id, official_id, criteria_set_id, points as "points!: Vec<Option<i16>>", points_source
           from service_evaluation where evaluation_id = $1 for update"#,
        evaluation_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let office = queue::office_row(&mut tx, e.office_id).await?;
    queue::require_office(user, &office, OfficeAccess::Manage)?;
    if e.official_id == Some(user.user_id) {
        return Err(AppError::Conflict("rating_own_work".into()));
    }
    let i = usize::from(indicator) - 1;
    let mut current = to_points(&e.points);
    let mut sources = to_sources(&e.points_source);
    let old = current[i];
    current[i] = Some(points);
    sources[i] = if old.is_none() { PointsSource::Staff } else { PointsSource::Reassessed };
    let set = criteria_set(&mut tx, e.criteria_set_id).await?;
    let score = domain::dossier_percent(&set, &current);
    let source_strs: Vec<String> = sources.iter().map(|s| s.as_str().to_owned()).collect();
    sqlx::query!(
        "update service_evaluation set points = $2, points_source = $3, score_percent = $4 where evaluation_id = $1",
        evaluation_id,
        &from_points(&current) as &[Option<i16>],
        &source_strs,
        score.map(|s| s as f32)
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"insert into evaluation_reassessment (evaluation_id, indicator, old_points, new_points, reason, actor_id)
           values ($1, $2, $3, $4, $5, $6)"#,
        evaluation_id,
        indicator as i16,
        old.map(i16::from),
        points as i16,
        reason,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(user),
        meta,
        queue::audit_entry(
            &office,
            "evaluation.reassessed",
            "service_evaluation",
            evaluation_id.to_string(),
            json!({ "indicator": indicator, "old": old, "new": points, "reason": reason }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the user handles an agency's cases: its administrators, or the province's.
fn handles_cases(user: &AuthUser, agency: Uuid, province: &str) -> bool {
    match user.role {
        Role::AgencyAdmin => user.agency_id == Some(agency),
        Role::ProvinceAdmin => user.commune_code.is_none() && user.province_code.as_deref() == Some(province),
        _ => false,
    }
}

/// A case's list line; which deadline it has missed depends on today.
struct CaseLine<'a> {
    id: Uuid,
    code: String,
    office_name: String,
    category: String,
    status: &'a str,
    received_at: DateTime<Utc>,
    dues: CaseDues,
    content: &'a str,
}

impl CaseLine<'_> {
    fn summary(self, today: NaiveDate) -> CaseSummary {
        let status = CaseStatus::parse(self.status).unwrap_or(CaseStatus::Received);
        CaseSummary {
            case_id: self.id,
            code: self.code,
            office_name: self.office_name,
            category: self.category,
            status,
            received_at: self.received_at,
            late: domain::case_late(status, &self.dues, today).map(str::to_owned),
            dues: self.dues,
            excerpt: self.content.chars().take(120).collect(),
        }
    }
}

/// The cases a user handles; open ones first, the most urgent first.
pub async fn cases(
    db: &PgPool,
    user: &AuthUser,
    open_only: bool,
    now: DateTime<Utc>,
) -> Result<Vec<CaseSummary>, AppError> {
    if !matches!(user.role, Role::AgencyAdmin | Role::ProvinceAdmin) {
        return Err(AppError::Forbidden);
    }
    let province_wide = user.role == Role::ProvinceAdmin && user.commune_code.is_none();
    let rows = sqlx::query!(
        r#"select f.case_id, f.code, o.name as office_name, f.category, f.status, f.received_at, f.refuse_due,
                  f.info_due, f.resolve_due, f.publish_due, f.content
           from feedback_case f join office o using (office_id) join agency a on a.agency_id = f.agency_id
           left join service_evaluation e on e.evaluation_id = f.evaluation_id
           where (($1 and a.province_code = $2) or f.agency_id = $3)
             and (not $4 or f.status not in ('refused', 'published'))
             and e.official_id is distinct from $5
           order by f.status in ('refused', 'published'), f.resolve_due, f.received_at limit 500"#,
        province_wide,
        user.province_code.clone().unwrap_or_default(),
        user.agency_id.unwrap_or(Uuid::nil()),
        open_only,
        user.user_id
    )
    .fetch_all(db)
    .await?;
    let today = vn_day(now);
    Ok(rows
        .into_iter()
        .map(|r| {
            let dues = CaseDues {
                refuse: r.refuse_due,
                request_info: r.info_due,
                resolve: r.resolve_due,
                publish: r.publish_due,
            };
            CaseLine {
                id: r.case_id,
                code: r.code,
                office_name: r.office_name,
                category: r.category,
                status: &r.status,
                received_at: r.received_at,
                dues,
                content: &r.content,
            }
            .summary(today)
        })
        .collect())
}

struct CaseRow {
    province_code: String,
    commune_code: String,
    status: CaseStatus,
    dues: CaseDues,
}

async fn case_row(conn: &mut PgConnection, user: &AuthUser, case_id: Uuid) -> Result<CaseRow, AppError> {
    let r = sqlx::query!(
        r#"select f.agency_id, a.province_code, o.commune_code, f.status, f.refuse_due, f.info_due, f.resolve_due,
                  f.publish_due, e.official_id as "official_id?"
           from feedback_case f join agency a on a.agency_id = f.agency_id join office o using (office_id)
           left join service_evaluation e on e.evaluation_id = f.evaluation_id
           where f.case_id = $1"#,
        case_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    // A case about one's own work goes to someone else.
    if !handles_cases(user, r.agency_id, &r.province_code) || r.official_id == Some(user.user_id) {
        return Err(AppError::Forbidden);
    }
    Ok(CaseRow {
        province_code: r.province_code,
        commune_code: r.commune_code,
        status: CaseStatus::parse(&r.status).unwrap_or(CaseStatus::Received),
        dues: CaseDues {
            refuse: r.refuse_due,
            request_info: r.info_due,
            resolve: r.resolve_due,
            publish: r.publish_due,
        },
    })
}

pub async fn case_detail(
    db: &PgPool,
    user: &AuthUser,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> Result<CaseDetail, AppError> {
    let mut conn = db.acquire().await?;
    let row = case_row(&mut conn, user, case_id).await?;
    let r = sqlx::query!(
        r#"select f.code, o.name as office_name, f.category, f.status, f.received_at, f.content, f.source, f.answer,
                  e.label as "label?", e.service_day as "service_day?", e.overall
           from feedback_case f join office o using (office_id)
           left join service_evaluation e on e.evaluation_id = f.evaluation_id
           where f.case_id = $1"#,
        case_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let events = sqlx::query!(
        r#"select v.at, u.display_name as "actor?", v.action, v.note
           from feedback_event v left join app_user u on u.user_id = v.actor_id
           where v.case_id = $1 order by v.at, v.event_id"#,
        case_id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|v| CaseEvent {
        on_time: CaseAction::parse(&v.action).map(|a| domain::action_on_time(a, &row.dues, vn_day(v.at))),
        at: v.at,
        actor: v.actor,
        action: v.action,
        note: v.note,
    })
    .collect();
    let today = vn_day(now);
    Ok(CaseDetail {
        summary: CaseLine {
            id: case_id,
            code: r.code,
            office_name: r.office_name,
            category: r.category,
            status: &r.status,
            received_at: r.received_at,
            dues: row.dues,
            content: &r.content,
        }
        .summary(today),
        content: r.content,
        source: r.source,
        transaction: r
            .label
            .zip(r.service_day)
            .map(|(l, d)| (l, d, r.overall.and_then(|o| Satisfaction::from_score(o as u8)))),
        answer: r.answer,
        events,
        actions: CaseAction::for_status(row.status),
    })
}

/// Moves a case on. Errors: Forbidden, NotFound, Conflict(case_state), Validation(note).
#[tracing::instrument(skip_all, fields(case_id = %case_id, action = action.as_str()))]
pub async fn case_act(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    case_id: Uuid,
    action: CaseAction,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use unicode_normalization::UnicodeNormalization;
    let note: String = note.trim().nfc().collect();
    if action.needs_note() && note.is_empty() {
        return Err(AppError::validation("note", crate::error::FieldError::Required));
    }
    if note.chars().count() > 2000 {
        return Err(AppError::validation("note", crate::error::FieldError::TooLong { max: 2000 }));
    }
    let mut tx = db.begin().await?;
    // Two handlers acting at once: the second sees the first one's state.
    sqlx::query!("select case_id from feedback_case where case_id = $1 for update", case_id)
        .fetch_optional(&mut *tx)
        .await?;
    let row = case_row(&mut tx, user, case_id).await?;
    let next = action.apply(row.status).ok_or_else(|| AppError::Conflict("case_state".into()))?;
    let local = now.with_timezone(&vn_offset()).naive_local();
    let cal = crate::reference::service::load_calendar(&mut tx).await?;
    let today = local.date();
    let on_time = domain::action_on_time(action, &row.dues, today);
    // The resolve clock starts again from the day the citizen's information came in.
    let resolve_due = match action {
        CaseAction::InfoReceived => cal.due_date(local, domain::CASE_RESOLVE_DAYS),
        _ => row.dues.resolve,
    };
    let publish_due = match action {
        CaseAction::Resolve => Some(cal.due_date(local, domain::CASE_PUBLISH_DAYS)),
        _ => row.dues.publish,
    };
    sqlx::query!(
        r#"update feedback_case set status = $2, resolve_due = $3, publish_due = $4,
                  answer = case when $5 then $6 else answer end,
                  closed_at = case when $2 in ('refused', 'published') then $7 else closed_at end
           where case_id = $1"#,
        case_id,
        next.as_str(),
        resolve_due,
        publish_due,
        action == CaseAction::Resolve,
        note,
        now
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into feedback_event (case_id, at, actor_id, action, note) values ($1, $2, $3, $4, $5)",
        case_id,
        now,
        user.user_id,
        action.as_str(),
        note
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(user),
        meta,
        Entry {
            action: "feedback_case.acted",
            entity_type: "feedback_case",
            entity_id: Some(case_id.to_string()),
            province_code: Some(&row.province_code),
            commune_code: Some(&row.commune_code),
            details: json!({ "action": action.as_str(), "status": next.as_str(), "on_time": on_time }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An audit entry about a province-wide setting, filed under the administrator's province.
fn province_entry<'a>(
    user: &'a AuthUser,
    action: &'a str,
    entity_type: &'a str,
    id: Option<String>,
    details: serde_json::Value,
) -> Entry<'a> {
    Entry {
        action,
        entity_type,
        entity_id: id,
        province_code: user.province_code.as_deref(),
        commune_code: None,
        details,
    }
}

fn require_province_admin(user: &AuthUser) -> Result<(), AppError> {
    if user.role == Role::ProvinceAdmin && user.commune_code.is_none() { Ok(()) } else { Err(AppError::Forbidden) }
}

/// The criteria sets and rating settings, for the province administrator.
pub async fn criteria_admin(db: &PgPool, user: &AuthUser) -> Result<super::CriteriaAdmin, AppError> {
    require_province_admin(user)?;
    let mut conn = db.acquire().await?;
    let sets = criteria_sets(&mut conn)
        .await?
        .into_iter()
        .map(|(id, code, set)| super::CriteriaSetView { criteria_set_id: id, code, set })
        .collect();
    let c = sqlx::query!("select rating_valid_days, rating_requests_per_minute from evaluation_config")
        .fetch_one(&mut *conn)
        .await?;
    Ok(super::CriteriaAdmin {
        sets,
        rating_valid_days: c.rating_valid_days,
        rating_requests_per_minute: c.rating_requests_per_minute,
    })
}

/// Adds a criteria set that takes effect on a future day. Errors: Forbidden, Conflict(criteria_duplicate).
pub async fn add_criteria_set(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    new: domain::NewCriteriaSet,
) -> Result<(), AppError> {
    require_province_admin(user)?;
    let mut tx = db.begin().await?;
    let weights: Vec<f32> = new.set.weights.iter().map(|w| *w as f32).collect();
    let inserted = sqlx::query_scalar!(
        r#"insert into criteria_set (code, name, effective_from, weights, band_excellent, band_good, band_fair, band_average)
           values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing returning criteria_set_id"#,
        new.code,
        new.name,
        new.set.effective_from,
        &weights,
        new.set.bands.excellent as f32,
        new.set.bands.good as f32,
        new.set.bands.fair as f32,
        new.set.bands.average as f32
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::Conflict("criteria_duplicate".into()))?;
    audit::record(
        &mut tx,
        Some(user),
        meta,
        province_entry(
            user,
            "criteria_set.added",
            "criteria_set",
            Some(inserted.to_string()),
            json!({ "code": new.code, "effective_from": new.set.effective_from, "weights": new.set.weights,
                    "bands": new.set.bands }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets how long rating links live and how many rating requests a client may make per minute.
pub async fn set_rating_config(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    valid_days: i16,
    per_minute: i16,
) -> Result<(), AppError> {
    require_province_admin(user)?;
    let mut tx = db.begin().await?;
    sqlx::query!(
        "update evaluation_config set rating_valid_days = $1, rating_requests_per_minute = $2",
        valid_days,
        per_minute
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(user),
        meta,
        province_entry(
            user,
            "evaluation_config.updated",
            "evaluation_config",
            None,
            json!({ "rating_valid_days": valid_days, "rating_requests_per_minute": per_minute }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
