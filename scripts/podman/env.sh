# Sourced by the container scripts: podman with this repository's settings, a storage of its
# own under /var/tmp (kept between runs so base images and the build cache are reused).
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CONTAINERS_CONF="$here/containers.conf"
export CONTAINERS_STORAGE_CONF="$here/storage.conf"
