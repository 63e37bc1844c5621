-- Agencies, their offices and counters, the procedure catalogue and the working-day calendar.

create table agency (
    agency_id uuid primary key default gen_random_uuid(),
    -- Electronic agency identifier (mã định danh điện tử, QĐ 20/2020/QĐ-TTg) used in dossier codes.
    code text not null constraint agency_code_key unique,
    name text not null,
    kind text not null constraint agency_kind check (kind in (
        'province_service_centre', 'commune_service_centre', 'commune_committee',
        'department', 'health_facility', 'womens_union')),
    province_code text not null references province,
    -- Null for province-level agencies.
    commune_code text references commune,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
select trigger_updated_at('agency');
create index agency_commune_idx on agency (commune_code);

-- A place where people are received (Bộ phận Một cửa / Trung tâm PVHCC or a branch).
create table office (
    office_id uuid primary key default gen_random_uuid(),
    agency_id uuid not null references agency,
    name text not null,
    address text not null,
    commune_code text not null references commune,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint office_agency_name_key unique (agency_id, name)
);
select trigger_updated_at('office');

create table counter (
    counter_id uuid primary key default gen_random_uuid(),
    office_id uuid not null references office,
    number smallint not null constraint counter_number_positive check (number > 0),
    name text not null,
    constraint counter_office_number_key unique (office_id, number)
);

-- The catalogue of administrative procedures (thủ tục hành chính).
create table procedure (
    procedure_code text primary key,
    name text not null,
    name_en text not null,
    field text not null,
    field_en text not null,
    -- Where it is handled: commune or province level.
    level text not null constraint procedure_level check (level in ('commune', 'province')),
    -- Processing time in working days; 0 = the same day.
    processing_days smallint not null constraint procedure_days_nonneg check (processing_days >= 0),
    -- Longer limit when verification is needed, if the law gives one.
    processing_days_verification smallint,
    fee_vnd bigint not null default 0 constraint procedure_fee_nonneg check (fee_vnd >= 0),
    fee_note text not null default '',
    fee_note_en text not null default '',
    legal_basis text not null default '',
    -- Bundled (liên thông) procedures list the steps they chain.
    bundle_of text[] not null default '{}',
    active boolean not null default true,
    search_text text generated always as (f_unaccent(procedure_code || ' ' || name || ' ' || name_en || ' ' || field)) stored
);
create index procedure_search_idx on procedure using gin (search_text gin_trgm_ops);

create table procedure_document (
    procedure_code text not null references procedure,
    position smallint not null,
    name text not null,
    name_en text not null,
    -- Originals / certified copies / plain copies asked for.
    copies text not null default '01 bản chính',
    optional boolean not null default false,
    primary key (procedure_code, position)
);

-- Weekly rest days, with the date from which a rule applies (ISO weekday numbers, 6 = Saturday).
create table calendar_week_rule (
    effective_from date primary key,
    rest_weekdays smallint[] not null,
    legal_basis text not null
);

-- Exceptions to the weekly rule: public holidays and make-up working days.
create table calendar_day (
    day date primary key,
    kind text not null constraint calendar_day_kind check (kind in ('holiday', 'working')),
    name text not null,
    name_en text not null,
    legal_basis text not null default '',
    created_by uuid,
    created_at timestamptz not null default now()
);
