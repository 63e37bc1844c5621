-- Civil registration, first part (issue 5): the gap-free daily dossier numbers per agency and the
-- local stand-in for the national population database, with its lookup log.

-- Last dossier number given per agency and day. Taken inside the receipt's transaction: the row
-- lock orders concurrent receipts and a rolled-back receipt gives its number back (no gaps).
create table dossier_code_sequence (
    agency_id uuid not null references agency,
    day date not null,
    last_number integer not null constraint dossier_code_sequence_positive check (last_number > 0),
    primary key (agency_id, day)
);

-- Synthetic people, families and households of Gia Lai (Luật Căn cước 2023 Điều 9 fields that the
-- forms use). Production replaces this table with the national database behind the same trait.
create table registry_person (
    personal_id text primary key constraint registry_person_id check (personal_id ~ '^[0-9]{12}$'),
    old_id_number text,
    full_name text not null,
    birth_date date not null,
    sex text not null constraint registry_person_sex check (sex in ('male', 'female')),
    ethnicity text not null default 'Kinh',
    religion text not null default 'Không',
    nationality text not null default 'Việt Nam',
    birth_place text not null,
    home_town text not null,
    permanent_address text not null,
    commune_code text not null references commune,
    household_id uuid not null,
    relation_to_head text not null,
    father_id text references registry_person,
    mother_id text references registry_person,
    spouse_id text references registry_person,
    marital_status text not null constraint registry_person_marital check (
        marital_status in ('single', 'married', 'divorced', 'widowed')),
    died_on date,
    card_issued_on date,
    phone text
);
create index registry_person_mother_idx on registry_person (mother_id);
create index registry_person_household_idx on registry_person (household_id);

-- Every lookup: who asked, for which dossier, how, when, and whether someone was found.
create table registry_lookup (
    lookup_id uuid primary key default gen_random_uuid(),
    at timestamptz not null default now(),
    actor_id uuid references app_user,
    dossier_ref text,
    method text not null constraint registry_lookup_method check (method in ('id', 'chip_qr')),
    personal_id text not null,
    found boolean not null
);
create index registry_lookup_person_idx on registry_lookup (personal_id, at);
