# Source this file (`. scripts/ensure-node.sh`) to get a Node >= 22.13 on PATH.
# Hardhat 3 needs Node >= 22.13, and `npm ci` must itself run under it (under Node 20 npm silently skips
# Hardhat's native EDR binding). Where the machine's Node is older, this installs the npm package `node@24`
# (a real Node binary from the npm registry) once under ~/.cache/zkmargin and puts it first on PATH.
zkmargin_node_ok() {
  command -v node >/dev/null 2>&1 && node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 13) ? 0 : 1)'
}
if ! zkmargin_node_ok; then
  zkmargin_tools="${ZKMARGIN_NODE_DIR:-$HOME/.cache/zkmargin/node24}"
  if [ ! -x "$zkmargin_tools/node_modules/.bin/node" ]; then
    echo "zkmargin: Node $(node --version 2>/dev/null || echo none) is too old; installing node@24 from the npm registry into $zkmargin_tools" >&2
    npm install --prefix "$zkmargin_tools" --no-save --no-audit --no-fund node@24 >&2
  fi
  export PATH="$zkmargin_tools/node_modules/.bin:$PATH"
  zkmargin_node_ok || { echo "zkmargin: could not get Node >= 22.13" >&2; return 1 2>/dev/null || exit 1; }
fi
