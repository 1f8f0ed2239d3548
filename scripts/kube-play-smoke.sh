#!/usr/bin/env bash
# ./run kube-play-smoke: the local Kubernetes overlay's service Deployments run by `podman kube
# play` from the images built here (scripts/build-images.sh podman).
# What it proves: the rendered manifests (kubectl kustomize k8s/overlays/local) run on a real
# container runtime: each Deployment's pod starts from its local image with the overlay's
# environment (ConfigMaps, Secrets), security context (non-root, read-only root file system, all
# capabilities dropped) and command, and its service answers /health.
# What it does not: podman kube play implements no Service, NetworkPolicy, HPA, PDB, Ingress or
# StatefulSet, so there are no databases or broker here and the migration init containers are
# left out; /ready (dependencies reachable) is therefore not expected, only /health. ConfigMap
# and Secret values are written into each container's env (scripts/kube-play/filter.mjs says why).
# Tears everything down (also on failure) and checks nothing is left.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node24.sh
source scripts/podman/env.sh
started=$SECONDS
say() { echo "kube-play-smoke: $*" >&2; }
work=$(mktemp -d /tmp/microshop-kube-play.XXXXXX)
net="microshopkp$$"

teardown() {
  local status=$?
  trap - EXIT INT TERM
  [ -f "$work/play.yaml" ] && timeout 120 podman kube down "$work/play.yaml" >/dev/null 2>&1 || true
  podman network exists "$net" && podman network rm -f "$net" >/dev/null 2>&1 || true
  local left
  left=$( { podman pod ls --filter "label=microshop-kube-play=$net" --format 'pod {{.Name}}'
            podman ps -a --filter "label=microshop-kube-play=$net" --format 'container {{.Names}}'
            podman network exists "$net" && echo "network $net"
            podman secret ls --format 'secret {{.Name}}' | grep -E -- '-(credentials|secrets)-' ; } || true)
  if [ -n "$left" ]; then say "LEFT BEHIND:"; echo "$left" >&2; status=1; else say "nothing left behind (pods, containers, network)"; fi
  rm -rf "$work"
  say "finished in $((SECONDS - started)) s: $([ $status -eq 0 ] && echo PASSED || echo FAILED)"
  exit $status
}
trap teardown EXIT
trap 'exit 130' INT TERM

[ "${1:-}" = --no-build ] || scripts/build-images.sh podman
kubectl kustomize k8s/overlays/local >"$work/rendered.yaml"
node scripts/kube-play/filter.mjs "$net" <"$work/rendered.yaml" >"$work/play.yaml"
mapfile -t deployments < <(node scripts/kube-play/filter.mjs --names <"$work/rendered.yaml")

podman network create "$net" >/dev/null
timeout 300 podman kube play --network "$net" "$work/play.yaml" >"$work/play.log" 2>&1 \
  || { say "kube play failed:"; tail -20 "$work/play.log" >&2; exit 1; }

failed=0
for entry in "${deployments[@]}"; do
  read -r name port <<<"$entry"
  # podman 4.3 names a Deployment's pod <name>-pod-0 (later versions <name>-pod).
  container=
  ok=
  for _ in $(seq 90); do
    [ -n "$container" ] || container=$(podman ps -a --format '{{.Names}}' | grep -E "^$name-pod(-0)?-$name\$" | head -1 || true)
    if [ "$(podman inspect --format '{{.State.Status}}' "$container" 2>/dev/null)" = running ] \
      && podman exec "$container" node -e "fetch('http://127.0.0.1:$port/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" 2>/dev/null; then
      ok=1; break
    fi
    sleep 2
  done
  user=$(podman exec "$container" id -u 2>/dev/null || echo '?')
  if [ -n "$ok" ]; then say "pass: Deployment $name: pod running from $(podman inspect --format '{{.ImageName}}, read-only root: {{.HostConfig.ReadonlyRootfs}}' "$container"), uid $user, /health 200"
  else say "FAIL: Deployment $name never answered /health"; podman logs --tail 20 "$container" >&2 2>&1 || true; failed=1; fi
done
[ $failed -eq 0 ]
