# phucvu: `make run` serves the app with demo data; `make test` runs everything CI checks.
.PHONY: run dev test bench build setup fmt sqlx-prepare clean-db

run: setup build
	scripts/run.sh

build:
	scripts/build.sh

setup:
	scripts/setup.sh

# Hot reload for development (debug build, embedded database, demo data).
dev: setup
	PHUCVU_DEMO_DATA=1 PHUCVU_DEV_INBOX=1 SQLX_OFFLINE=true cargo leptos watch

test:
	scripts/test.sh

bench:
	scripts/bench.sh

fmt:
	cargo fmt --all

# Regenerates .sqlx/ (compile-time SQL metadata) from a migrated database; commit the result.
sqlx-prepare:
	scripts/sqlx-prepare.sh

# Stops the embedded cluster and deletes it (all local data).
clean-db:
	-target/release/server db-stop
	rm -rf target/pg
