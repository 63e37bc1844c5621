-- Satisfaction ratings, per-transaction indicators, unit scores and feedback cases (issue 4).

-- Versions of the evaluation criteria: weights of the nine indicators (NĐ 61/2018 Điều 33) and the
-- classification bands. A transaction is scored with the set in force on the day it was received.
create table criteria_set (
    criteria_set_id uuid primary key default gen_random_uuid(),
    code text not null constraint criteria_set_code_key unique,
    name text not null,
    effective_from date not null constraint criteria_set_effective_key unique,
    weights real[] not null constraint criteria_set_weights check (
        array_length(weights, 1) = 9 and 0 <= all(weights) and 10 >= all(weights)
        and array_position(weights, null) is null and not 'NaN' = any(weights)),
    -- Lower bounds in percent of Xuất sắc / Tốt / Khá / Trung bình; below is Yếu.
    band_excellent real not null,
    band_good real not null,
    band_fair real not null,
    band_average real not null,
    constraint criteria_set_bands check (
        band_excellent > band_good and band_good > band_fair and band_fair > band_average and band_average >= 0
        and band_excellent <= 100),
    legal_basis text not null default '',
    created_at timestamptz not null default now()
);

insert into criteria_set (code, name, effective_from, weights, band_excellent, band_good, band_fair, band_average, legal_basis)
values ('ND61-2018', 'Bộ chỉ số đánh giá giải quyết TTHC (9 chỉ số, 2/1/0 điểm)', '2018-06-21',
        '{1,1,1,1,1,1,1,1,1}', 90, 80, 65, 50, 'Nghị định 61/2018/NĐ-CP Điều 33; Thông tư 01/2018/TT-VPCP');

-- Province-wide settings of the rating function (one row).
create table evaluation_config (
    singleton boolean primary key default true constraint evaluation_config_singleton check (singleton),
    -- How long a rating link stays valid after the transaction.
    rating_valid_days smallint not null default 7 constraint evaluation_config_days check (rating_valid_days between 1 and 90),
    -- Requests per client address and minute on the public rating endpoints.
    rating_requests_per_minute smallint not null default 30
        constraint evaluation_config_rate check (rating_requests_per_minute between 1 and 1000)
);
insert into evaluation_config default values;

-- One evaluated transaction: a finished queue ticket now, a civil-registration dossier later.
-- It carries the nine indicators, the citizen's rating and the single-use rating token.
create table service_evaluation (
    evaluation_id uuid primary key default gen_random_uuid(),
    subject_kind text not null constraint service_evaluation_kind check (subject_kind in ('ticket', 'dossier')),
    subject_id uuid not null,
    office_id uuid not null references office,
    counter_id uuid references counter,
    official_id uuid references app_user,
    procedure_code text not null references procedure,
    -- What the office calls it: the ticket number or the dossier code.
    label text not null,
    -- Vietnamese calendar days: received picks the criteria set, finished the period it counts in.
    received_on date not null,
    service_day date not null,
    criteria_set_id uuid not null references criteria_set,
    -- 160 random bits, base32: not guessable; single use through rated_at.
    rating_token text not null constraint service_evaluation_token_key unique,
    token_expires_at timestamptz not null,
    -- Indicators 1–9 (2 / 1 / 0 points, null = not scored) and who set each: auto, staff, reassessed.
    points smallint[] not null default '{NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL}'
        constraint service_evaluation_points check (array_length(points, 1) = 9 and 0 <= all(points) and 2 >= all(points)),
    points_source text[] not null default '{auto,auto,auto,auto,auto,auto,auto,auto,auto}'
        constraint service_evaluation_points_source check (array_length(points_source, 1) = 9),
    -- Weighted score in percent of the maximum under the criteria set (null while nothing is scored).
    score_percent real,
    overdue boolean not null default false,
    -- A complaint (phản ánh) was made about this transaction.
    complaint boolean not null default false,
    waited_minutes integer,
    -- The citizen's rating: overall 1–5 and the five SIPAS items about the official (each optional).
    rated_at timestamptz,
    overall smallint constraint service_evaluation_overall check (overall between 1 and 5),
    items smallint[] constraint service_evaluation_items check (
        array_length(items, 1) = 5 and 1 <= all(items) and 5 >= all(items)),
    comment text constraint service_evaluation_comment check (char_length(comment) <= 1000),
    rating_channel text constraint service_evaluation_channel check (rating_channel in ('phone', 'counter_kiosk', 'staff')),
    -- Set when an official typed the rating in for the citizen.
    entered_by uuid references app_user,
    created_at timestamptz not null default now(),
    constraint service_evaluation_subject_key unique (subject_kind, subject_id),
    constraint service_evaluation_rated check ((rated_at is null) = (overall is null))
);
create index service_evaluation_office_idx on service_evaluation (office_id, service_day);
create index service_evaluation_official_idx on service_evaluation (official_id, service_day);
-- The counter tablet's "rate us" mode looks for the latest unrated transaction.
create index service_evaluation_counter_open_idx on service_evaluation (counter_id, created_at) where rated_at is null;

-- A supervisor's re-assessment of one indicator, with the reason (also in the audit log).
create table evaluation_reassessment (
    reassessment_id uuid primary key default gen_random_uuid(),
    evaluation_id uuid not null references service_evaluation,
    indicator smallint not null constraint evaluation_reassessment_indicator check (indicator between 1 and 9),
    old_points smallint,
    new_points smallint not null constraint evaluation_reassessment_points check (new_points between 0 and 2),
    reason text not null constraint evaluation_reassessment_reason check (char_length(btrim(reason)) between 5 and 1000),
    actor_id uuid not null references app_user,
    created_at timestamptz not null default now()
);
create index evaluation_reassessment_eval_idx on evaluation_reassessment (evaluation_id);

-- Monthly sums per office, counter and official, kept by a trigger in the same transaction as the
-- change. Periods are months, quarters and years, so a year's ranking reads a few thousand of these
-- rows instead of a million evaluations (daily sums were 150,000 rows a year: too slow).
-- Missing counter / official are the nil uuid so that the key has no nulls.
create table evaluation_month (
    -- First day of the month.
    month date not null,
    office_id uuid not null,
    counter_id uuid not null,
    official_id uuid not null,
    evaluations integer not null,
    scored integer not null,
    score_sum double precision not null,
    overdue integer not null,
    complained_or_negative integer not null,
    ratings integer not null,
    overall_sum integer not null,
    satisfied integer not null,
    negative integer not null,
    item_n integer[] not null,
    item_sum integer[] not null,
    primary key (month, office_id, counter_id, official_id)
);
create index evaluation_month_official_idx on evaluation_month (official_id, month);

create function evaluation_month_add(e service_evaluation, s integer) returns void language plpgsql as $$
declare
    nil constant uuid := '00000000-0000-0000-0000-000000000000';
    neg boolean := coalesce(e.overall <= 2, false);
begin
    insert into evaluation_month as d (month, office_id, counter_id, official_id, evaluations, scored, score_sum,
        overdue, complained_or_negative, ratings, overall_sum, satisfied, negative, item_n, item_sum)
    values (date_trunc('month', e.service_day)::date, e.office_id, coalesce(e.counter_id, nil), coalesce(e.official_id, nil), s,
        s * (e.score_percent is not null)::int, s * coalesce(e.score_percent, 0), s * e.overdue::int,
        s * (e.complaint or neg)::int, s * (e.overall is not null)::int, s * coalesce(e.overall, 0),
        s * coalesce(e.overall >= 4, false)::int, s * neg::int,
        array[s * (e.items[1] is not null)::int, s * (e.items[2] is not null)::int, s * (e.items[3] is not null)::int,
              s * (e.items[4] is not null)::int, s * (e.items[5] is not null)::int],
        array[s * coalesce(e.items[1], 0), s * coalesce(e.items[2], 0), s * coalesce(e.items[3], 0),
              s * coalesce(e.items[4], 0), s * coalesce(e.items[5], 0)])
    on conflict (month, office_id, counter_id, official_id) do update set
        evaluations = d.evaluations + excluded.evaluations,
        scored = d.scored + excluded.scored,
        score_sum = d.score_sum + excluded.score_sum,
        overdue = d.overdue + excluded.overdue,
        complained_or_negative = d.complained_or_negative + excluded.complained_or_negative,
        ratings = d.ratings + excluded.ratings,
        overall_sum = d.overall_sum + excluded.overall_sum,
        satisfied = d.satisfied + excluded.satisfied,
        negative = d.negative + excluded.negative,
        item_n = array[d.item_n[1] + excluded.item_n[1], d.item_n[2] + excluded.item_n[2], d.item_n[3] + excluded.item_n[3],
                       d.item_n[4] + excluded.item_n[4], d.item_n[5] + excluded.item_n[5]],
        item_sum = array[d.item_sum[1] + excluded.item_sum[1], d.item_sum[2] + excluded.item_sum[2],
                         d.item_sum[3] + excluded.item_sum[3], d.item_sum[4] + excluded.item_sum[4],
                         d.item_sum[5] + excluded.item_sum[5]];
end $$;

create function evaluation_month_trigger() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then perform evaluation_month_add(old, -1); end if;
    if tg_op in ('INSERT', 'UPDATE') then perform evaluation_month_add(new, 1); end if;
    return null;
end $$;

create trigger service_evaluation_month after insert or update or delete on service_evaluation
    for each row execute function evaluation_month_trigger();

-- Recomputes the daily sums from scratch (bulk loads run with the trigger disabled).
create function evaluation_month_rebuild() returns void language sql as $$
    truncate evaluation_month;
    insert into evaluation_month
    select date_trunc('month', service_day)::date, office_id, coalesce(counter_id, '00000000-0000-0000-0000-000000000000'),
           coalesce(official_id, '00000000-0000-0000-0000-000000000000'),
           count(*), count(score_percent), coalesce(sum(score_percent::float8), 0), count(*) filter (where overdue),
           count(*) filter (where complaint or overall <= 2), count(overall), coalesce(sum(overall), 0),
           count(*) filter (where overall >= 4), count(*) filter (where overall <= 2),
           array[count(items[1]), count(items[2]), count(items[3]), count(items[4]), count(items[5])]::int[],
           array[coalesce(sum(items[1]), 0), coalesce(sum(items[2]), 0), coalesce(sum(items[3]), 0),
                 coalesce(sum(items[4]), 0), coalesce(sum(items[5]), 0)]::int[]
    from service_evaluation
    group by 1, 2, 3, 4;
$$;

-- Phản ánh, kiến nghị: opened by a low rating or a complaint (and later by the hotline), handled
-- by the office head on the QĐ 766 clock.
create sequence feedback_case_seq;
create table feedback_case (
    case_id uuid primary key default gen_random_uuid(),
    code text not null constraint feedback_case_code_key unique,
    source text not null constraint feedback_case_source check (source in ('rating', 'hotline', 'counter', 'online')),
    evaluation_id uuid constraint feedback_case_evaluation_key unique references service_evaluation,
    office_id uuid not null references office,
    agency_id uuid not null references agency,
    -- The office head it is assigned to (an administrator of the office's agency).
    assigned_to uuid references app_user,
    category text not null constraint feedback_case_category check (category in ('conduct', 'procedure', 'other')),
    content text not null constraint feedback_case_content check (char_length(content) between 1 and 2000),
    status text not null default 'received' constraint feedback_case_status check (
        status in ('received', 'needs_info', 'accepted', 'refused', 'resolved', 'published')),
    received_at timestamptz not null,
    -- The 766 clock (5.2), in working days: refuse within 2, ask for more within 5, resolve within
    -- 15 (counted again from the day the information came), publish within 2 of resolving.
    refuse_due date not null,
    info_due date not null,
    resolve_due date not null,
    publish_due date,
    answer text,
    closed_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
select trigger_updated_at('feedback_case');
create index feedback_case_office_idx on feedback_case (office_id, status);

create table feedback_event (
    event_id uuid primary key default gen_random_uuid(),
    case_id uuid not null references feedback_case,
    at timestamptz not null,
    actor_id uuid references app_user,
    action text not null,
    note text not null default ''
);
create index feedback_event_case_idx on feedback_event (case_id, at);

-- Fixed-window request counters for public endpoints, shared by every server instance.
create table rate_limit_window (
    bucket text not null,
    window_start timestamptz not null,
    hits integer not null,
    primary key (bucket, window_start)
);
