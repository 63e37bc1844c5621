-- Field work (issue 6): every submission from a collector's phone is kept under the idempotency
-- key the phone gave it, with the answer sent back, so a retry after a cut connection gets the
-- same answer and creates nothing twice.
create table field_submission (
    idempotency_key uuid primary key,
    collector_id uuid not null references app_user,
    task_id uuid references home_visit_task,
    kind text not null constraint field_submission_kind check (kind in ('birth', 'marriage', 'death')),
    -- accepted: a dossier was made; conflict: the family's event is already on file (shown to the
    -- collector, never merged); refused: the form has errors (fixed and sent again under a new key).
    outcome text not null constraint field_submission_outcome check (outcome in ('accepted', 'conflict', 'refused')),
    dossier_id uuid references dossier,
    response jsonb not null,
    captured_at timestamptz,
    received_at timestamptz not null default now()
);
create index field_submission_collector_idx on field_submission (collector_id, received_at);

alter table home_visit_task
    add column family_name text not null default '',
    add column address text not null default '',
    add column phone text,
    add column note text not null default '',
    add column requested_by uuid references app_user,
    add column taken_at timestamptz,
    add column done_at timestamptz;
