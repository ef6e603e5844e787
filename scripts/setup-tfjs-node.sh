#!/usr/bin/env bash
# Installs @tensorflow/tfjs-node (the native `tensorflow` backend) into a generated project on a
# machine where its own install cannot run: the package's install script downloads libtensorflow and
# a prebuilt addon from Google's storage. Instead this takes the TensorFlow shared libraries and C
# headers from the tensorflow-cpu wheel that pip can find (a local index or a wheel file), and builds
# the addon from source with node-gyp against the local Node headers.
#
#   usage: scripts/setup-tfjs-node.sh PROJECT_DIR
#
# PROJECT_DIR is an npm project whose dependencies are installed (`npm install` ran there); its
# package.json and package-lock.json are left exactly as they are (`npm install --no-save`), and
# tfjs-node uses the project's own @tensorflow/tfjs-core (one engine, so `tf.setBackend('tensorflow')`
# in the project's code finds the backend). A later `npm install`/`npm ci` there removes tfjs-node
# again: run this script after it.
#
# Needs: Node headers (<nodedir>/include/node, Debian's nodejs package has them in /usr), a C++
# compiler, make, python3 with pip, unzip and about 1.1 GB of disk for the unpacked libraries.
# Environment:
#   FUSEPLAN_TF_CACHE   where the unpacked libraries and the built addon are kept
#                       (default ${XDG_CACHE_HOME:-~/.cache}/fuseplan/tfjs-node-4.22.0-tf-2.21.0);
#                       with it filled, a second run takes seconds.
#   TF_WHEEL            a tensorflow-cpu 2.21.0 wheel file to use instead of asking pip for one.
#   FUSEPLAN_TFJS_NODE_REBUILD=1  build the addon even when the cache has one (CI does, to test the build).
#   npm_config_nodedir  folder holding include/node (default /usr).
# tfjs-node 4.22 was released against libtensorflow 2.9.1; TensorFlow's C API is stable across these
# versions, and the lane in .ci/run checks the pairing on the generated projects.
set -euo pipefail

TFJS_NODE_VERSION=4.22.0
TF_VERSION=2.21.0
MIN_FREE_KB=$((1300 * 1024))

fail() {
  echo "setup-tfjs-node: $*" >&2
  exit 1
}
say() { echo "setup-tfjs-node: $*" >&2; }

[ $# -eq 1 ] || fail "usage: $0 PROJECT_DIR (an npm project with its dependencies installed)"
PROJECT=$(cd "$1" 2>/dev/null && pwd) || fail "$1: no such folder"
CACHE=${FUSEPLAN_TF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fuseplan/tfjs-node-$TFJS_NODE_VERSION-tf-$TF_VERSION}
NODEDIR=${npm_config_nodedir:-/usr}

# --- Prerequisites, each with the way to get it -------------------------------------------------
[ -f "$PROJECT/package.json" ] || fail "$PROJECT/package.json not found: give the folder of a generated project"
CORE="$PROJECT/node_modules/@tensorflow/tfjs-core/package.json"
[ -f "$CORE" ] || fail "$PROJECT/node_modules/@tensorflow/tfjs-core not found: run 'npm install' in $PROJECT first"
core_version=$(node -p "require(process.argv[1]).version" "$CORE")
[ "$core_version" = "$TFJS_NODE_VERSION" ] || fail "the project uses @tensorflow/tfjs-core $core_version; tfjs-node $TFJS_NODE_VERSION needs $TFJS_NODE_VERSION (both must share one tfjs-core)"
[ -f "$NODEDIR/include/node/node_api.h" ] || fail "Node headers not found in $NODEDIR/include/node: install them (Debian: apt-get install nodejs from the distribution, or libnode-dev) or set npm_config_nodedir"
for tool in "${CXX:-c++}" make python3; do
  command -v "$tool" >/dev/null || fail "'$tool' not found: install a C++ tool chain (Debian: apt-get install build-essential python3)"
done

# --- TensorFlow libraries and headers, unpacked once into the cache ------------------------------
if [ ! -f "$CACHE/lib/libtensorflow_cc.so.2" ] || [ ! -f "$CACHE/lib/libtensorflow_framework.so.2" ] || [ ! -f "$CACHE/include/tensorflow/c/c_api.h" ]; then
  command -v unzip >/dev/null || fail "'unzip' not found (Debian: apt-get install unzip)"
  mkdir -p "$(dirname "$CACHE")"
  free_kb=$(df -Pk "$(dirname "$CACHE")" | awk 'NR == 2 {print $4}')
  [ "$free_kb" -ge "$MIN_FREE_KB" ] || fail "$(dirname "$CACHE") has $((free_kb / 1024)) MB free; unpacking TensorFlow needs about 1300 MB (set FUSEPLAN_TF_CACHE to a roomier place)"
  partial=$(mktemp -d "$CACHE.partial.XXXXXX")
  trap 'rm -rf "$partial"' EXIT
  wheel=${TF_WHEEL:-}
  if [ -z "$wheel" ]; then
    say "fetching the tensorflow-cpu $TF_VERSION wheel with pip"
    # --retries 0: an unreachable public index fails at once instead of retrying for a minute.
    python3 -m pip download --quiet --no-deps --only-binary=:all: --retries 0 --timeout 5 -d "$partial/wheel" "tensorflow-cpu==$TF_VERSION" >&2 ||
      fail "pip could not fetch tensorflow-cpu==$TF_VERSION (no index has it?): download the wheel and pass it as TF_WHEEL=path"
    wheel=$(ls "$partial"/wheel/tensorflow_cpu-"$TF_VERSION"-*.whl)
  fi
  [ -f "$wheel" ] || fail "$wheel: no such wheel file"
  say "unpacking the TensorFlow libraries into $CACHE"
  unzip -q -o "$wheel" 'tensorflow/libtensorflow_framework.so.2' 'tensorflow/libtensorflow_cc.so.2' 'tensorflow/include/*' -d "$partial" ||
    fail "$wheel does not hold the TensorFlow shared libraries"
  mkdir -p "$partial/lib"
  mv "$partial/tensorflow/libtensorflow_cc.so.2" "$partial/tensorflow/libtensorflow_framework.so.2" "$partial/lib/"
  mv "$partial/tensorflow/include" "$partial/include"
  rm -rf "$partial/tensorflow" "$partial/wheel"
  rm -rf "$CACHE"
  mv "$partial" "$CACHE"
  trap - EXIT
fi

# --- tfjs-node into the project, its manifest and lock file untouched ------------------------------
manifest() { (cd "$PROJECT" && cat package.json package-lock.json 2>/dev/null | sha256sum); }
before=$(manifest)
say "installing @tensorflow/tfjs-node@$TFJS_NODE_VERSION into $PROJECT (--no-save)"
(cd "$PROJECT" && npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error "@tensorflow/tfjs-node@$TFJS_NODE_VERSION" >&2)
[ "$(manifest)" = "$before" ] || fail "npm changed $PROJECT/package.json or package-lock.json (it must not)"
PKG="$PROJECT/node_modules/@tensorflow/tfjs-node"
[ -f "$PKG/package.json" ] || fail "npm did not install @tensorflow/tfjs-node into $PROJECT/node_modules"
# One tfjs-core for the project and tfjs-node: a second copy would register the backend elsewhere.
node -e '
  const {realpathSync} = require("node:fs")
  const at = (dir) => realpathSync(require.resolve("@tensorflow/tfjs-core/package.json", {paths: [dir]}))
  if (at(process.argv[1]) !== at(process.argv[2])) {
    console.error(`setup-tfjs-node: tfjs-node resolves its own @tensorflow/tfjs-core (${at(process.argv[2])}), not the project'"'"'s (${at(process.argv[1])})`)
    process.exit(1)
  }' "$PROJECT" "$PKG"

# The addon's build and its runtime look for the libraries in deps/ (rpath $ORIGIN/../../deps/lib).
mkdir -p "$PKG/deps/lib"
ln -sfn "$CACHE/include" "$PKG/deps/include"
ln -sf "$CACHE/lib/libtensorflow_cc.so.2" "$PKG/deps/lib/libtensorflow_cc.so.2"
ln -sf "$CACHE/lib/libtensorflow_framework.so.2" "$PKG/deps/lib/libtensorflow_framework.so.2"
ln -sf libtensorflow_cc.so.2 "$PKG/deps/lib/libtensorflow.so"                     # -ltensorflow at link time
ln -sf libtensorflow_framework.so.2 "$PKG/deps/lib/libtensorflow_framework.so"    # -ltensorflow_framework
ln -sf libtensorflow_cc.so.2 "$PKG/deps/lib/libtensorflow.so.2.9.1"               # tells scripts/install.js not to download

# --- The native addon: built once per Node ABI, then copied from the cache ------------------------
module_path=$(node -p '
  const p = require(process.argv[1] + "/package.json")
  p.binary.module_path.replace("{napi_build_version}", Math.max(...p.binary.napi_versions.filter((v) => v <= Number(process.versions.napi))))' "$PKG")
ADDON="$PKG/$module_path/tfjs_binding.node"
CACHED_ADDON="$CACHE/addon/node-abi-$(node -p process.versions.modules)-$(uname -m)/tfjs_binding.node"
if [ -f "$CACHED_ADDON" ] && [ "${FUSEPLAN_TFJS_NODE_REBUILD:-}" != 1 ]; then
  mkdir -p "$(dirname "$ADDON")"
  cp "$CACHED_ADDON" "$ADDON"
else
  say "building the tfjs-node addon (node-gyp, about a minute)"
  # build_from_source: skip node-pre-gyp's attempt to download a prebuilt addon.
  (cd "$PROJECT" && npm_config_nodedir="$NODEDIR" npm_config_build_from_source=true npm rebuild @tensorflow/tfjs-node --foreground-scripts --loglevel=error >&2) ||
    fail "the addon did not build (see the compiler output above)"
  [ -f "$ADDON" ] || fail "the build finished without $ADDON"
  mkdir -p "$(dirname "$CACHED_ADDON")"
  cp "$ADDON" "$CACHED_ADDON.tmp" && mv "$CACHED_ADDON.tmp" "$CACHED_ADDON"
fi

# --- It works when the project's own tfjs switches to it -------------------------------------------
(cd "$PROJECT" && TF_CPP_MIN_LOG_LEVEL=2 node --input-type=module -e '
  const tf = await import("@tensorflow/tfjs")
  await import("@tensorflow/tfjs-node")
  if (!(await tf.setBackend("tensorflow")) || tf.getBackend() !== "tensorflow") {
    console.error("setup-tfjs-node: the project'"'"'s tfjs cannot switch to the tensorflow backend")
    process.exit(1)
  }
  const y = tf.matMul([[1, 2]], [[3], [4]]).dataSync()[0]
  if (y !== 11) throw new Error(`matMul gave ${y}, not 11`)
  console.log(`tfjs-node ready: backend ${tf.getBackend()}, TensorFlow ${tf.backend().binding.TF_Version}`)
')
