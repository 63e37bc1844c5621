-- Births sent by hospitals (electronic Giấy chứng sinh, QĐ 2919/QĐ-BYT) and the home visits they
-- start for the commune's Women's Union collectors.

-- One API key per facility system, stored as its SHA-256; shown once when created.
create table facility_api_key (
    key_id uuid primary key default gen_random_uuid(),
    agency_id uuid not null references agency,
    name text not null,
    key_hash text not null constraint facility_api_key_hash_key unique,
    active boolean not null default true,
    created_by uuid references app_user,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz
);

-- The certificate code makes a resend harmless: the same code never creates a second dossier.
create table birth_notification (
    certificate_code text primary key,
    facility_id uuid not null references agency,
    dossier_id uuid not null constraint birth_notification_dossier_key unique references dossier,
    payload jsonb not null,
    received_at timestamptz not null
);

create table home_visit_task (
    task_id uuid primary key default gen_random_uuid(),
    dossier_id uuid references dossier,
    commune_code text not null references commune,
    kind text not null constraint home_visit_task_kind check (kind in ('birth', 'marriage', 'death')),
    source text not null constraint home_visit_task_source check (source in ('hospital', 'family', 'hotline', 'collector')),
    status text not null default 'open' constraint home_visit_task_status check (status in ('open', 'taken', 'done', 'cancelled')),
    assigned_to uuid references app_user,
    -- The legal deadline of the registration it serves (birth + 60 days).
    legal_deadline date,
    created_at timestamptz not null default now()
);
create index home_visit_task_commune_idx on home_visit_task (commune_code, status, legal_deadline);
