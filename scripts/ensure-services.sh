# Sourced by .ci/run: starts the local PostgreSQL and RabbitMQ when they are not up.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 1; done
  echo "$2 did not come up on port $1" >&2; return 1
}
if ! port_open 5432; then
  echo "starting PostgreSQL" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  wait_port 5432 PostgreSQL
fi
if ! port_open 5672; then
  echo "starting RabbitMQ" >&2
  rabbitmq-server -detached
  wait_port 5672 RabbitMQ
fi
