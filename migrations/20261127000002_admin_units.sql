-- Administrative units. Codes change (mergers, new cities), so every unit carries the date
-- range in which it is valid; new data arrives as a new migration, never as an edit.

create table province (
    province_code text primary key constraint province_code_format check (province_code ~ '^[0-9]{2}$'),
    name text not null,
    full_name text not null,
    name_en text not null,
    unit_type text not null,
    valid_from date not null default '2025-07-01',
    valid_to date
);

create table commune (
    commune_code text primary key constraint commune_code_format check (commune_code ~ '^[0-9]{5}$'),
    province_code text not null references province,
    name text not null,
    full_name text not null,
    name_en text not null,
    unit_type text not null,
    valid_from date not null default '2025-07-01',
    valid_to date
);
create index commune_province_idx on commune (province_code);

-- Which pre-July-2025 communes form each current one. Papers, ID cards and the population
-- database still carry old communes. No foreign key on new_code: a few 2025 units were
-- renamed again in 2026 and are kept here for translating old addresses.
create table commune_merge (
    new_code text not null,
    new_name text not null,
    new_province_code text not null,
    old_code text not null,
    old_name text not null,
    merge_type text not null constraint commune_merge_type check (merge_type in ('full', 'partial')),
    effective_on date not null default '2025-07-01',
    primary key (new_code, old_code)
);
create index commune_merge_old_idx on commune_merge (old_code);
