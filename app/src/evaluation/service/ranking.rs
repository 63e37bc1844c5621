//! Rankings: the units' sums per period and criteria set, ranked by the chosen figure, their
//! trend, an official's own results and an office's evaluations.

use super::base::{bands_on, to_points, to_sources};
use crate::evaluation::domain::{self, Bands, Satisfaction, UnitKind, UnitSums};
use crate::evaluation::{
    EvaluationRow, MyResults, OfficeEvaluations, OwnRating, RankBy, Ranking, RankingRow, TrendPoint,
};
use crate::{
    identity::{AuthUser, Role},
    kernel::{error::AppError, org::OfficeAccess},
};
use chrono::NaiveDate;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Which units of the province a viewer may rank: everyone sees offices, agencies and communes
/// (the public page shows them); counters and officials only their supervisors.
pub(super) fn visible_kinds(viewer: Option<&AuthUser>) -> Vec<UnitKind> {
    match viewer.map(|u| u.role) {
        Some(Role::AgencyAdmin | Role::ProvinceAdmin) => UnitKind::ALL.to_vec(),
        _ => UnitKind::ALL.into_iter().filter(|k| k.is_public()).collect(),
    }
}

/// Agency the viewer's counter and official rankings are limited to (None = the whole province).
pub(super) fn people_scope(viewer: Option<&AuthUser>) -> Option<Uuid> {
    match viewer {
        Some(u) if u.role == Role::ProvinceAdmin && u.commune_code.is_none() => None,
        Some(u) => Some(u.agency_id.unwrap_or(Uuid::nil())),
        None => Some(Uuid::nil()),
    }
}

pub(super) struct SumRow {
    pub(super) unit_id: String,
    pub(super) name: String,
    pub(super) context: String,
    pub(super) sums: UnitSums,
    pub(super) item_n: Vec<i64>,
    pub(super) item_sum: Vec<i64>,
}

pub(super) fn item_means(n: &[i64], sum: &[i64]) -> [Option<f64>; domain::SIPAS_ITEMS] {
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
pub(super) async fn unit_sums(
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
pub(super) fn rank(rows: Vec<SumRow>, bands: &Bands, by: RankBy) -> Vec<RankingRow> {
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
    let office = crate::kernel::office::office_row(&mut conn, office_id).await?;
    crate::kernel::office::require_office(user, &office, OfficeAccess::Manage)?;
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
