#!/usr/bin/env bash
# CI lane: generated projects on tfjs-node (the native `tensorflow` backend) and on wasm.
#
# Builds tfjs-node with scripts/setup-tfjs-node.sh (a failed build fails the lane: nothing here is
# skipped), scaffolds projects whose encoders cover conv2d (examples/dermatology.yaml), conv1d and
# embedding1d (ward-notes.yaml), and for each one, on each backend, with FUSEPLAN_BACKEND_STRICT=1
# so that a missing backend is an error rather than a fallback:
#   - runs the project's own tests (what `npm test` runs, compiled once), which print the backend
#     they ran on;
#   - trains briefly (what `npm run train` runs) and checks the backend `train` reports;
#   - predicts one synthetic deployment sample with both trained models.
# The two backends run side by side (tfjs-node and wasm each use about one core here).
# Then compares: the same model on tensorflow and on wasm (SAME_MODEL_TOLERANCE, largest absolute
# difference of predicted probabilities), and the models trained on each backend from the same seed
# (RETRAINED_TOLERANCE on the mean absolute difference, METRIC_TOLERANCE on the metric).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
LANE=$ROOT/.tmp/tfjs-node-lane
PARITY=$ROOT/.ci/tfjs-node/parity.mjs

# Tolerances. Float32 kernels differ in summation order and fusion between backends: the same
# weights give probabilities within 5e-7 of each other (measured on both projects); a wrong kernel
# moves them by 1e-2 or more.
SAME_MODEL_TOLERANCE=1e-4
# Two epochs from the same seed on each backend (same initial weights, batches and masks) ended
# within 2e-6 of each other, AUROC equal to 4 decimals (measured); the tolerances leave room for
# tensorflow's multi-threaded reductions while a wrong gradient moves training further than this.
RETRAINED_TOLERANCE=1e-3
METRIC_TOLERANCE=5e-3
TRAIN_ARGS=(--epochs 2 --samples 400)

step() { printf '\n== tfjs-node lane [%3ds] %s\n' "$SECONDS" "$*"; }
fail() {
  echo "tfjs-node lane: $*" >&2
  exit 1
}

rm -rf "$LANE"
mkdir -p "$LANE/projects"
[ -f dist/src/commands/scaffold.js ] || npm run build

step "dependencies of a generated project (templates/project/package.json) into $LANE"
# Its dependencies only: the template's own scripts (a prepare step, say) belong to a project folder.
node -e '
  const {dependencies, devDependencies} = require("./templates/project/package.json")
  const manifest = {name: "tfjs-node-lane", private: true, type: "module", dependencies, devDependencies}
  require("node:fs").writeFileSync(process.argv[1], JSON.stringify(manifest, null, 2))' "$LANE/package.json"
(cd "$LANE" && npm install --no-audit --no-fund --loglevel=error)

step "build tfjs-node (scripts/setup-tfjs-node.sh)"
# The unpacked TensorFlow libraries come from the cache when it has them; the addon is built every time.
FUSEPLAN_TFJS_NODE_REBUILD=1 scripts/setup-tfjs-node.sh "$LANE" || fail "tfjs-node did not build: the lane cannot run without it"

# One backend's run in a project folder: the project's tests, then a short training. Output goes to
# files (both backends run at once); the caller prints them when something fails.
on_backend() {
  local backend=$1
  export FUSEPLAN_BACKEND=$backend FUSEPLAN_BACKEND_STRICT=1
  node --test dist/test/*.test.js >"test-$backend.tap" 2>&1 || {
    echo "the project's tests failed on $backend" >"failed-$backend"
    return 1
  }
  grep -q "^ *# backend: $backend\$" "test-$backend.tap" || {
    echo "the tests did not report running on $backend" >"failed-$backend"
    return 1
  }
  node dist/src/scripts/train.js "${TRAIN_ARGS[@]}" --out "model-$backend" >"train-$backend.log" 2>&1 || {
    echo "training failed on $backend" >"failed-$backend"
    return 1
  }
  grep -Eq "^tfjs backend: $backend( |$)" "train-$backend.log" || {
    echo "train did not run on $backend" >"failed-$backend"
    return 1
  }
}

for spec in dermatology:examples/dermatology.yaml ward-notes:.ci/tfjs-node/ward-notes.yaml; do
  name=${spec%%:*}
  dir=$LANE/projects/$name
  step "$name: scaffold and build (npm run build)"
  node bin/run.js scaffold "${spec#*:}" --out "$dir" >/dev/null
  cd "$dir"
  npm run --silent build
  step "$name: its tests (npm test) and a short training (npm run train -- ${TRAIN_ARGS[*]}) on tensorflow and on wasm, side by side"
  on_backend tensorflow &
  tensorflow=$!
  on_backend wasm &
  wasm=$!
  status=0
  wait "$tensorflow" || status=1
  wait "$wasm" || status=1
  for backend in tensorflow wasm; do
    echo "  $backend: $(grep -E '^# (pass|fail) ' "test-$backend.tap" | tr '\n' ' ')$(grep -m1 '^trained in' "train-$backend.log" 2>/dev/null || true)"
    if [ -f "failed-$backend" ]; then
      cat "test-$backend.tap" "train-$backend.log" 2>/dev/null || true
      fail "$name: $(cat "failed-$backend")"
    fi
  done
  [ "$status" = 0 ] || fail "$name: a backend run failed"
  step "$name: predictions, tensorflow against wasm"
  for backend in tensorflow wasm; do
    FUSEPLAN_BACKEND=$backend FUSEPLAN_BACKEND_STRICT=1 node "$PARITY" predict "predictions-$backend.json" model-tensorflow model-wasm
  done
  node "$PARITY" compare "$SAME_MODEL_TOLERANCE" predictions-tensorflow.json predictions-wasm.json
  node "$PARITY" retrained "$RETRAINED_TOLERANCE" "$METRIC_TOLERANCE" predictions-tensorflow.json predictions-wasm.json model-tensorflow model-wasm
  cd "$ROOT"
done
step "passed"
