-- The hotline's console: agents' extensions, what each call was about, callbacks, recordings
-- copied into the object store, the knowledge base and the FAQ, and hotline cases on the
-- feedback-case engine with routing rules and a clock per kind.

-- The extension an agent answers on; the console pops the calls that ring there.
create table hotline_extension (
    extension text primary key constraint hotline_extension_format check (extension ~ '^[0-9]{2,8}$'),
    user_id uuid not null constraint hotline_extension_user_key unique references app_user on delete cascade
);

-- Province-wide hotline settings (one row).
create table hotline_setting (
    singleton boolean primary key default true constraint hotline_setting_one check (singleton),
    -- Recordings are deleted from the object store this many days after the call.
    recording_days integer not null default 90 constraint hotline_setting_days check (recording_days between 1 and 3650)
);
insert into hotline_setting default values;

create table kb_answer (
    kb_answer_id uuid primary key default gen_random_uuid(),
    -- The versions of one answer share its key; the newest approved version in effect is shown.
    answer_key uuid not null,
    version integer not null,
    procedure_code text references procedure,
    topic text not null constraint kb_answer_topic check (char_length(topic) between 1 and 120),
    question text not null constraint kb_answer_question check (char_length(question) between 1 and 500),
    answer text not null constraint kb_answer_answer check (char_length(answer) between 1 and 4000),
    -- The agency that owns the answer: it writes or approves every version.
    agency_id uuid not null references agency,
    effective_from date not null,
    status text not null default 'draft' constraint kb_answer_status check (status in ('draft', 'approved')),
    written_by uuid references app_user,
    approved_by uuid references app_user,
    approved_at timestamptz,
    created_at timestamptz not null default now(),
    search_text text generated always as (f_unaccent(topic || ' ' || question || ' ' || answer)) stored,
    -- A case whose caller agreed to publication, drafted into an answer once.
    source_case_id uuid constraint kb_answer_source_case_key unique references feedback_case,
    constraint kb_answer_version_key unique (answer_key, version),
    constraint kb_answer_approved check ((status = 'approved') = (approved_at is not null))
);
create index kb_answer_search_idx on kb_answer using gin (search_text gin_trgm_ops);

-- "Did this help?" on the public FAQ: counts only, no one is identified.
create table kb_feedback (
    kb_answer_id uuid not null references kb_answer,
    helpful boolean not null,
    at timestamptz not null default now()
);
create index kb_feedback_answer_idx on kb_feedback (kb_answer_id);

alter table call
    -- The recording's object-store key once copied; tries count failed downloads.
    add column recording_key text,
    add column recording_tries smallint not null default 0,
    add column recording_deleted_at timestamptz,
    -- The agent's wrap-up: what the call was about and the answer given.
    add column procedure_code text references procedure,
    add column note text,
    add column kb_answer_id uuid references kb_answer,
    add column agent_id uuid references app_user,
    add column wrapped_at timestamptz,
    -- A callback is an outgoing call of the missed call it answers.
    add column callback_of uuid references call,
    add column called_back_at timestamptz,
    add column evaluation_id uuid references service_evaluation;
create index call_callback_idx on call (ended_at) where answered_at is null and called_back_at is null;

-- Calls and cases are rated like tickets and dossiers.
alter table service_evaluation drop constraint service_evaluation_kind;
alter table service_evaluation add constraint service_evaluation_kind
    check (subject_kind in ('ticket', 'dossier', 'call', 'case'));

-- A hotline case: a question passed on, a complaint (phản ánh) or a petition (kiến nghị).
alter table feedback_case
    add column kind text not null default 'complaint'
        constraint feedback_case_kind check (kind in ('question', 'complaint', 'petition')),
    add column phone text,
    add column call_id uuid references call,
    add column procedure_code text references procedure,
    add column commune_code text references commune,
    -- The caller agrees to the answer's publication in the FAQ (without their details).
    add column publish_consent boolean not null default false,
    add column reminded_at timestamptz,
    -- 1: the agency head was told the case is overdue; 2: the province.
    add column escalation smallint not null default 0;
-- An official's answer waits for the head's approval before it goes out.
alter table feedback_case drop constraint feedback_case_status;
alter table feedback_case add constraint feedback_case_status check (
    status in ('received', 'needs_info', 'accepted', 'refused', 'resolved', 'published', 'answered'));
create index feedback_case_phone_idx on feedback_case (phone) where phone is not null;

-- Working days to answer, per kind of case (the 766 clock for complaints and petitions).
create table case_clock (
    kind text primary key constraint case_clock_kind check (kind in ('question', 'complaint', 'petition')),
    resolve_days smallint not null constraint case_clock_days check (resolve_days between 1 and 60)
);
insert into case_clock values ('question', 2), ('complaint', 15), ('petition', 15);

-- Who answers a case, by procedure and place; the most specific rule wins, and without one
-- the office of the caller's commune.
create table case_route (
    route_id uuid primary key default gen_random_uuid(),
    procedure_code text references procedure,
    commune_code text references commune,
    kind text constraint case_route_kind check (kind in ('question', 'complaint', 'petition')),
    office_id uuid not null references office,
    created_at timestamptz not null default now(),
    constraint case_route_key unique nulls not distinct (procedure_code, commune_code, kind)
);
