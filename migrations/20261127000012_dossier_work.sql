-- The commune official's work on dossiers (issue 5): review, supplement (Mẫu 02) and refusal
-- (Mẫu 03) notices, the register book, the chairman's signature, delivery, the certificate's
-- public verification with its scan log, and people's flags on prefilled registry values.

alter table dossier
    -- Who the dossier is about, for lists (child, deceased, "wife & husband"); from the latest version.
    add column subject_name text not null default '',
    -- The person concerned when the registry knows them (the deceased; the child once registered).
    add column subject_id text,
    -- The requester's phone: with the code it lets anyone follow the dossier.
    add column phone text,
    -- The supplement clock: set while waiting for the citizen; the due date moves by the working
    -- days it stood still.
    add column paused_since timestamptz,
    -- An official compared a flagged duplicate side by side and found it a different event.
    add column duplicate_cleared_by uuid references app_user,
    add column register_year integer,
    add column register_no integer,
    add column sent_to_sign_at timestamptz,
    add column registered_at timestamptz,
    add column signed_by uuid references app_user,
    add column delivered_at timestamptz,
    add column delivered_to text,
    -- The certificate's QR: 160 random bits, unguessable, so the public page cannot be enumerated.
    add column verify_token text constraint dossier_verify_token_key unique,
    add constraint dossier_register_no_key unique (agency_id, kind, register_year, register_no);

-- The overdue list reads dossiers still open whose due day has passed.
create index dossier_open_due_idx on dossier (commune_code, due_on)
    where status in ('notified', 'submitted', 'ready', 'awaiting_signature');
create index dossier_possible_duplicate_idx on dossier (possible_duplicate_of) where possible_duplicate_of is not null;
create index dossier_subject_idx on dossier (subject_id) where subject_id is not null;

-- The year's register book (sổ đăng ký) per agency and kind: numbers in order, taken in the
-- registering transaction like dossier codes.
create table register_book_sequence (
    agency_id uuid not null references agency,
    kind text not null,
    year integer not null,
    last_number integer not null,
    primary key (agency_id, kind, year)
);

-- Mẫu 02 (phiếu yêu cầu bổ sung, hoàn thiện hồ sơ) and Mẫu 03 (phiếu từ chối) with their reasons.
create table dossier_notice (
    notice_id uuid primary key default gen_random_uuid(),
    dossier_id uuid not null references dossier,
    form text not null constraint dossier_notice_form check (form in ('supplement', 'refusal')),
    reasons text not null,
    created_by uuid references app_user,
    created_at timestamptz not null default now(),
    answered_at timestamptz
);
create index dossier_notice_dossier_idx on dossier_notice (dossier_id, created_at);

-- Every opening of a certificate's verification page.
create table certificate_scan (
    scan_id uuid primary key default gen_random_uuid(),
    dossier_id uuid not null references dossier,
    at timestamptz not null default now(),
    ip text,
    user_agent text
);
create index certificate_scan_dossier_idx on certificate_scan (dossier_id, at);

-- A person says a value the registry prefilled is wrong: kept for the registry's correction
-- channel and shown to the official; the registry's value is never overwritten here.
create table registry_flag (
    flag_id uuid primary key default gen_random_uuid(),
    dossier_id uuid not null references dossier,
    personal_id text not null,
    field text not null,
    registry_value text not null,
    claimed_value text not null,
    flagged_by uuid references app_user,
    at timestamptz not null default now()
);
create index registry_flag_dossier_idx on registry_flag (dossier_id);

-- Intake ties its lookups to the new dossier's code; a death widows the spouse.
create index registry_lookup_dossier_ref_idx on registry_lookup (dossier_ref);
create index registry_person_spouse_idx on registry_person (spouse_id);
