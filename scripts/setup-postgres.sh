#!/usr/bin/env bash
# The role and database the test suite uses on the PostgreSQL at 127.0.0.1:5432 (trust auth on this machine).
# Starts the local cluster if it is down. Idempotent.
set -euo pipefail
HOST=${PGHOST:-127.0.0.1}
if ! pg_isready -h "$HOST" -q; then
  if ls /etc/postgresql >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  for _ in $(seq 30); do pg_isready -h "$HOST" -q && break; sleep 1; done
fi
psql -h "$HOST" -U postgres -v ON_ERROR_STOP=1 -qtA <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jichitai') THEN
    CREATE ROLE jichitai LOGIN CREATEDB;
  END IF;
END $$;
SQL
psql -h "$HOST" -U postgres -qtA -c "SELECT 1 FROM pg_database WHERE datname='jichitai'" | grep -q 1 \
  || psql -h "$HOST" -U postgres -q -c "CREATE DATABASE jichitai OWNER jichitai"

# Server settings for a registry of a city (1.5 M residents, several GB with its indexes) on this machine
# (24 GiB): Debian's defaults (128 MB of shared buffers, a checkpoint every 1 GB of WAL) make every 異動 batch
# evict and write dirty pages itself and pay full-page images after each checkpoint. Production sets the same
# in the database's parameter group (docs/operations.md, データベースの設定). Applied once; a restart only when
# a setting that needs one changed.
psql -h "$HOST" -U postgres -v ON_ERROR_STOP=1 -qtA <<'SQL' >/dev/null
ALTER SYSTEM SET shared_buffers = '4GB';
ALTER SYSTEM SET effective_cache_size = '16GB';
ALTER SYSTEM SET maintenance_work_mem = '1GB';
ALTER SYSTEM SET max_wal_size = '8GB';
ALTER SYSTEM SET checkpoint_timeout = '15min';
ALTER SYSTEM SET wal_compression = 'lz4';
ALTER SYSTEM SET bgwriter_delay = '20ms';
ALTER SYSTEM SET bgwriter_lru_maxpages = 1000;
ALTER SYSTEM SET bgwriter_lru_multiplier = 4;
SELECT pg_reload_conf();
SQL
sleep 1
if [ "$(psql -h "$HOST" -U postgres -qtA -c "SELECT count(*) FROM pg_settings WHERE pending_restart")" != "0" ]; then
  echo "PostgreSQL: restarting once for the new shared_buffers" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main restart
  for _ in $(seq 30); do pg_isready -h "$HOST" -q && break; sleep 1; done
fi
