-- Field work offline (issue 6): photos of papers and of handovers taken on the collector's phone,
-- the handover records, families' and the hotline's visit requests, and when an undelivered
-- certificate is flagged to the commune.

-- A file the phone sent: the bytes are in the object store (local folder or S3) under
-- `object_key`; the row says whose, for which submission and, once it arrives, which dossier.
-- (idempotency_key, n) makes a resent photo a no-op.
create table field_photo (
    idempotency_key uuid not null,
    n smallint not null constraint field_photo_n check (n between 0 and 19),
    collector_id uuid not null references app_user,
    object_key text not null unique,
    content_type text not null constraint field_photo_type check (content_type in ('image/jpeg', 'image/png', 'image/webp')),
    bytes integer not null constraint field_photo_bytes check (bytes > 0),
    -- paper: a photo of a paper (birth notice, ID card…); handover: the delivery's photo or signature.
    purpose text not null default 'paper' constraint field_photo_purpose check (purpose in ('paper', 'handover')),
    dossier_id uuid references dossier,
    received_at timestamptz not null default now(),
    primary key (idempotency_key, n)
);
create index field_photo_dossier_idx on field_photo (dossier_id) where dossier_id is not null;

-- A certificate (and its letter) handed over by a collector at the home or the hospital.
create table delivery_record (
    dossier_id uuid primary key references dossier,
    idempotency_key uuid not null unique,
    delivered_by uuid not null references app_user,
    recipient text not null constraint delivery_record_recipient check (length(recipient) between 2 and 100),
    relation text not null default '',
    place text not null constraint delivery_record_place check (place in ('home', 'hospital', 'office', 'other')),
    place_note text not null default '',
    -- When the family received it (the phone's clock), and when the server learnt of it.
    delivered_at timestamptz not null,
    recorded_at timestamptz not null default now(),
    signed boolean not null default false
);
create index delivery_record_by_idx on delivery_record (delivered_by, delivered_at);

-- Per commune: after how many days a registered, undelivered certificate is flagged (default 7).
create table commune_field_setting (
    commune_code text primary key references commune,
    undelivered_flag_days integer not null default 7
        constraint commune_field_setting_days check (undelivered_flag_days between 1 and 90),
    updated_by uuid references app_user,
    updated_at timestamptz not null default now()
);

-- The family agreed, on the collector's phone, that their data is collected and filed for them
-- (personal data law: the consent is recorded with what it covers).
alter table field_submission add column consent boolean not null default false;

-- Who asked for a family's visit when a family member or the hotline did (no account needed).
alter table home_visit_task add column requester_name text not null default '';
create index dossier_to_deliver_idx on dossier (commune_code, registered_at) where status = 'registered';
