-- Shared building blocks: extensions, the Vietnamese collation, updated_at triggers.

-- unaccent: "dang ky khai sinh" must find "Đăng ký khai sinh".
create extension if not exists unaccent;
create extension if not exists pgcrypto;
create extension if not exists pg_trgm;

-- Sorting names the Vietnamese way (Đ after D, tones after base letters).
create collation if not exists vi (provider = icu, locale = 'vi-VN');

-- unaccent() is only STABLE (it depends on a dictionary), so it cannot be used in an index.
-- This wrapper pins the dictionary and is safe to mark IMMUTABLE.
create or replace function f_unaccent(text) returns text
    language sql immutable parallel safe strict
    as $$ select lower(public.unaccent('public.unaccent'::regdictionary, replace(replace($1, 'đ', 'd'), 'Đ', 'D'))) $$;

create or replace function set_updated_at() returns trigger language plpgsql as $$
begin
    new.updated_at = now();
    return new;
end $$;

create or replace function trigger_updated_at(tablename regclass) returns void language plpgsql as $$
begin
    execute format('create trigger set_updated_at before update on %s for each row
        when (old is distinct from new) execute function set_updated_at();', tablename);
end $$;
