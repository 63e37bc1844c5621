//! Ratings: opening an evaluation when a ticket is finished or a dossier handed over (scored
//! from what the queue and the dossier know, with its rating link), and the citizen's answer
//! on the phone or the counter's tablet.

use super::base::{criteria_set, criteria_sets, from_points, to_points, to_sources, vn_day};
use super::intake::{NewCase, open_case};
use crate::evaluation::domain::{self, CriteriaSet, RatingAnswers, TicketFacts};
use crate::evaluation::{CounterRating, LinkState, RatingContext, RatingReceipt};
use crate::kernel::conflict::EvaluationConflict;
use crate::{
    identity::AuthUser,
    kernel::{
        audit::{self as audit},
        error::AppError,
        org::OfficeAccess,
        request::RequestMeta,
    },
    notify::{Channel, api as notify},
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

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
        by_phone: false,
    };
    insert_evaluation(conn, e, now).await
}

/// A transaction to evaluate: a finished ticket or a dossier whose result was returned.
pub(super) struct NewEvaluation {
    pub(super) subject_kind: &'static str,
    pub(super) subject_id: Uuid,
    pub(super) office_id: Uuid,
    pub(super) counter_id: Option<Uuid>,
    pub(super) official_id: Option<Uuid>,
    pub(super) procedure_code: String,
    pub(super) label: String,
    pub(super) received_on: NaiveDate,
    pub(super) service_day: NaiveDate,
    pub(super) points: [Option<domain::Points>; 9],
    pub(super) overdue: bool,
    pub(super) waited_minutes: Option<i64>,
    pub(super) phone: Option<String>,
    /// Where the citizen was served, for the SMS.
    pub(super) place: String,
    /// Served on the telephone (the hotline), not in person.
    pub(super) by_phone: bool,
}

/// Stores an evaluation once per subject, scored with the criteria set in force on the day it was
/// received, with a rating link sent by SMS when a phone is known.
pub(super) async fn insert_evaluation(
    conn: &mut PgConnection,
    e: NewEvaluation,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
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
    let token = crate::kernel::token::random_token(20);
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
            "Cam on ban da {} {}. Moi danh gia dich vu (1 lan, trong {} ngay): {}/rate/{}",
            if e.by_phone { "goi" } else { "den" },
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
    let cal = crate::reference::api::load_calendar(conn).await?;
    let mobile = Via::parse(&d.channel) == Some(Via::Collector);
    let timing = domain::DossierTiming {
        counted_from: cal.counting_start(d.received_at.with_timezone(&crate::kernel::time::vn_offset()).naive_local()),
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
        by_phone: false,
    };
    insert_evaluation(conn, e, now).await
}

/// A hotline call answered or a hotline case closed: rated by the caller through the SMS link,
/// counted for the office that answered. The agent or official who answered never rates it.
pub struct Contact {
    /// `call` or `case`.
    pub kind: &'static str,
    pub subject_id: Uuid,
    pub office_id: Uuid,
    pub official_id: Option<Uuid>,
    pub procedure_code: String,
    pub label: String,
    pub received: DateTime<Utc>,
    pub phone: String,
    pub place: String,
    /// A case answered after its due day.
    pub overdue: bool,
}

/// Opens the evaluation of a call or a case, in the caller's transaction, and sends its link.
pub async fn open_for_contact(conn: &mut PgConnection, c: Contact, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let e = NewEvaluation {
        subject_kind: c.kind,
        subject_id: c.subject_id,
        office_id: c.office_id,
        counter_id: None,
        official_id: c.official_id,
        procedure_code: c.procedure_code,
        label: c.label,
        received_on: vn_day(c.received),
        service_day: vn_day(now),
        points: [None; 9],
        overdue: c.overdue,
        waited_minutes: None,
        phone: Some(c.phone),
        place: c.place,
        by_phone: true,
    };
    insert_evaluation(conn, e, now).await
}

pub(super) fn link_state(rated: bool, expires: DateTime<Utc>, now: DateTime<Utc>) -> LinkState {
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
    pub(super) fn as_str(&self) -> &'static str {
        match self {
            RatingChannel::Phone => "phone",
            RatingChannel::CounterKiosk(_) => "counter_kiosk",
            RatingChannel::Staff(_) => "staff",
        }
    }
    pub(super) fn user(&self) -> Option<&AuthUser> {
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
    let office = crate::kernel::office::office_row(&mut tx, e.office_id).await?;
    if let Some(user) = channel.user() {
        crate::kernel::office::require_office(user, &office, OfficeAccess::Operate)?;
    }
    // Nobody types in a rating of their own work (the citizen taps it on the tablet instead).
    if let RatingChannel::Staff(u) = channel
        && e.official_id == Some(u.user_id)
    {
        return Err(AppError::from(EvaluationConflict::RatingOwnWork));
    }
    match link_state(e.rated_at.is_some(), e.token_expires_at, now) {
        LinkState::AlreadyRated => return Err(AppError::from(EvaluationConflict::RatingUsed)),
        LinkState::Expired => return Err(AppError::from(EvaluationConflict::RatingExpired)),
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
                    kind: domain::CaseKind::Complaint,
                    caller: None,
                },
                now,
            )
            .await?
            .1,
        )
    } else {
        None
    };
    audit::commit(
        tx,
        channel.user(),
        meta,
        // No comment text here: the audit log is read by more people than the case handler.
        crate::kernel::office::audit_entry(
            &office,
            "evaluation.rated",
            "service_evaluation",
            e.evaluation_id.to_string(),
            json!({ "overall": answers.overall as u8, "channel": channel.as_str(), "case": case_code }),
        ),
    )
    .await?;
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
    let office = crate::kernel::office::office_row(&mut conn, k.office_id).await?;
    crate::kernel::office::require_office(user, &office, OfficeAccess::Operate)?;
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

/// The caller's answer to the exchange's survey menu (a digit 1–5 after the call): the rating
/// of the call's evaluation, when it has one not rated yet. Other digits are ignored.
pub async fn rate_by_keypad(
    conn: &mut PgConnection,
    subject_kind: &str,
    subject_id: Uuid,
    digits: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let Some(overall) = digits.trim().parse::<i16>().ok().filter(|d| (1..=5).contains(d)) else {
        return Ok(false);
    };
    let n = sqlx::query!(
        r#"update service_evaluation set rated_at = $3, overall = $4, rating_channel = 'phone'
           where subject_kind = $1 and subject_id = $2 and rated_at is null"#,
        subject_kind,
        subject_id,
        now,
        overall
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}
