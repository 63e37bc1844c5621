-- Civil-registration dossiers (issue 5): one row per birth, marriage or death dossier, its form
-- content as versions (corrections are new versions, nothing is overwritten) and its process log
-- (phiếu kiểm soát: every hand-over with its deadline and early / on-time / late result).

create table dossier (
    dossier_id uuid primary key default gen_random_uuid(),
    -- <agency code>-YYMMDD-NNNN, from dossier_code_sequence.
    code text not null constraint dossier_code_key unique,
    kind text not null constraint dossier_kind check (kind in ('birth', 'marriage', 'death')),
    -- The commune committee that registers it, and its commune (jurisdiction).
    agency_id uuid not null references agency,
    commune_code text not null references commune,
    channel text not null constraint dossier_channel check (channel in ('hospital', 'collector', 'counter', 'online')),
    -- Collected by the state (hospital, home visit) rather than asked for by the family.
    proactive boolean not null,
    status text not null constraint dossier_status check (status in (
        'notified', 'submitted', 'needs_supplement', 'ready', 'awaiting_signature', 'registered', 'delivered', 'refused')),
    -- Birth, intended marriage or death day; late = outside the legal window (flagged, not refused).
    event_date date not null,
    late boolean not null,
    bundle boolean not null default false,
    received_at timestamptz not null,
    due_on date not null,
    version integer not null default 1,
    -- Births: the mother's number, to find a second dossier of the same birth.
    mother_id text,
    -- Another dossier that looks like the same event (twins are possible: an official decides).
    possible_duplicate_of uuid references dossier,
    created_by uuid references app_user,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
select trigger_updated_at('dossier');
create index dossier_queue_idx on dossier (commune_code, status, due_on);
create index dossier_mother_idx on dossier (mother_id, event_date) where mother_id is not null;

create table dossier_version (
    dossier_id uuid not null references dossier,
    version integer not null,
    data jsonb not null,
    reason text not null default '',
    author_id uuid references app_user,
    created_at timestamptz not null default now(),
    primary key (dossier_id, version)
);

create table dossier_step (
    step_id uuid primary key default gen_random_uuid(),
    dossier_id uuid not null references dossier,
    step text not null,
    handler_id uuid references app_user,
    started_at timestamptz not null,
    due_on date not null,
    done_at timestamptz,
    result text constraint dossier_step_result check (result in ('early', 'on_time', 'late')),
    note text not null default ''
);
create index dossier_step_dossier_idx on dossier_step (dossier_id, started_at);
