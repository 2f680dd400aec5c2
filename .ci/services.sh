#!/usr/bin/env bash
# Makes sure Node 20+, PostgreSQL and Redis are there and answering on 127.0.0.1.
# On a fresh Debian machine run as root it installs and starts what is missing; otherwise it says
# exactly what to run. Sourced by the demo and test scripts.
set -euo pipefail

PG_HOST=127.0.0.1 PG_PORT=5432 REDIS_PORT=6379

say() { printf '\033[1m[playpass]\033[0m %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$node_major" -ge 20 ] || die "Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none)). Install it from https://nodejs.org or your package manager, then run this again."

apt_updated=no
apt_install() {
  if [ "$apt_updated" = no ]; then apt-get update -qq >&2; apt_updated=yes; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

postgres_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }
redis_up() { [ "$(redis-cli -h "$PG_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

if ! postgres_up; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    can_install || die "PostgreSQL 15+ is not installed. Run: sudo apt-get update && sudo apt-get install -y postgresql && sudo pg_ctlcluster \$(ls /etc/postgresql) main start"
    say "Installing PostgreSQL (apt-get install postgresql)…"
    apt_install postgresql
    version=$(ls /etc/postgresql | sort -V | tail -1)
    # A freshly installed development server: trust connections from this machine only.
    sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/; s/^(host\s+all\s+all\s+::1\/128\s+)\S+/\1trust/' "/etc/postgresql/$version/main/pg_hba.conf"
  fi
  can_install || die "PostgreSQL is not running. Run: sudo pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start"
  say "Starting PostgreSQL…"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start >&2 || true
  for _ in $(seq 1 30); do postgres_up && break; sleep 1; done
  postgres_up || die "PostgreSQL did not start. Look at /var/log/postgresql/ and start it with: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start"
fi

if ! redis_up; then
  if ! command -v redis-server >/dev/null 2>&1; then
    can_install || die "Redis 7+ is not installed. Run: sudo apt-get update && sudo apt-get install -y redis-server && redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"
    say "Installing Redis (apt-get install redis-server)…"
    apt_install redis-server
  fi
  say "Starting Redis…"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --maxmemory-policy noeviction >&2
  for _ in $(seq 1 30); do redis_up && break; sleep 0.5; done
  redis_up || die "Redis did not start. Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"
fi

policy=$(redis-cli -h "$PG_HOST" -p "$REDIS_PORT" config get maxmemory-policy | tail -1)
[ "$policy" = noeviction ] || die "Redis evicts keys (maxmemory-policy=$policy), which loses queued jobs. Run: redis-cli config set maxmemory-policy noeviction"

psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1 ||
  die "PostgreSQL is running but user 'postgres' cannot connect from 127.0.0.1 without a password. Allow it in pg_hba.conf (host all all 127.0.0.1/32 trust) or set DATABASE_URL with a password."
