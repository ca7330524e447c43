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
