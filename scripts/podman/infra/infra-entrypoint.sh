#!/bin/sh
# Entry point of localhost/microshop-test-infra (scripts/local-base-images.sh): the official
# postgres, rabbitmq and redis images' behaviour that compose-test relies on, from Debian's
# packages. Test infrastructure only, never shipped.
#   postgres   POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB, data in /var/lib/postgresql/data
#   rabbitmq   RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS, data in /var/lib/rabbitmq
#   redis ARGS redis-server ARGS, reachable from the container network
set -eu
# setpriv, not runuser: it execs the server, so SIGTERM from the runtime reaches it directly.
case "${1:-}" in
  postgres)
    bin=/usr/lib/postgresql/15/bin
    data=/var/lib/postgresql/data
    mkdir -p "$data" /run/postgresql
    chown postgres:postgres "$data" /run/postgresql
    chmod 700 "$data"
    if [ ! -s "$data/PG_VERSION" ]; then
      pw=$(mktemp)
      printf '%s' "$POSTGRES_PASSWORD" > "$pw"
      chown postgres "$pw"
      setpriv --reuid=postgres --regid=postgres --init-groups -- "$bin/initdb" -D "$data" -U "$POSTGRES_USER" --pwfile="$pw" \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
      rm -f "$pw"
      echo "host all all all scram-sha-256" >> "$data/pg_hba.conf"
      echo "CREATE DATABASE \"$POSTGRES_DB\" OWNER \"$POSTGRES_USER\"" \
        | setpriv --reuid=postgres --regid=postgres --init-groups -- "$bin/postgres" --single -D "$data" postgres >/dev/null
    fi
    exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$bin/postgres" -D "$data" -c listen_addresses='*' ;;
  rabbitmq)
    mkdir -p /etc/rabbitmq /var/lib/rabbitmq /var/log/rabbitmq
    cat > /etc/rabbitmq/rabbitmq.conf <<CONF
default_user = $RABBITMQ_DEFAULT_USER
default_pass = $RABBITMQ_DEFAULT_PASS
loopback_users = none
log.console = true
log.file = false
CONF
    chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /var/log/rabbitmq
    HOME=/var/lib/rabbitmq exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups -- /usr/lib/rabbitmq/bin/rabbitmq-server ;;
  redis)
    shift
    exec setpriv --reuid=redis --regid=redis --init-groups -- redis-server --protected-mode no --dir /data "$@" ;;
  *)
    exec "$@" ;;
esac
