"""Turns small real data sets bundled with scikit-learn into fuseplan's JSON Lines format.

Usage: python3 scripts/realdata/prepare.py OUT_DIR   (needs scikit-learn and pillow; no network)

Each set gets OUT_DIR/<name>/ with train.jsonl, test.jsonl (a stratified 75/25 split, seed 20261206),
images/ where it has an image modality, profile.yaml (the deployment profile a team would write) and
PROVENANCE.md (where the data comes from, how it was split into modalities, and which missingness is
real and which injected). The same command always writes the same files.
"""
import json
import os
import sys

import numpy as np
from PIL import Image
from sklearn import datasets
from sklearn.model_selection import train_test_split

SEED = 20261206


def split(n, y):
    idx = np.arange(n)
    return train_test_split(idx, test_size=0.25, random_state=SEED, stratify=y)


def write_jsonl(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


def digits(out):
    """8x8 handwritten digit scans (UCI optdigits, 1,797 samples) with four summary features."""
    d = datasets.load_digits()
    X = d.images  # (n, 8, 8), ink counts 0..16
    y = (d.target >= 5).astype(int)  # binary: digit 5-9 against 0-4
    n = len(y)
    rng = np.random.default_rng(SEED)
    # The scan is present for 60% of samples, at random (injected: the source has every scan).
    present = rng.random(n) < 0.6
    cols = np.arange(8)
    ink = X.sum(axis=(1, 2))
    feats = np.stack(
        [
            ink,
            (X[:, :, :4].sum(axis=(1, 2)) - X[:, :, 4:].sum(axis=(1, 2))),
            (X[:, :4, :].sum(axis=(1, 2)) - X[:, 4:, :].sum(axis=(1, 2))),
            (X.sum(axis=1) * cols).sum(axis=1) / np.maximum(ink, 1),
        ],
        axis=1,
    )
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    rows = []
    for i in range(n):
        img = None
        if present[i]:
            name = f"images/{i:04d}.png"
            Image.fromarray(np.round(X[i] * 255 / 16).astype(np.uint8), mode="L").resize((32, 32), Image.NEAREST).save(os.path.join(out, name), optimize=True)
            img = name
        rows.append({"label": int(y[i]), "inputs": {"summary": [round(float(v), 4) for v in feats[i]], "scan": img}})
    tr, te = split(n, y)
    write_jsonl(os.path.join(out, "train.jsonl"), [rows[i] for i in tr])
    write_jsonl(os.path.join(out, "test.jsonl"), [rows[i] for i in te])
    with open(os.path.join(out, "profile.yaml"), "w") as f:
        f.write(
            f"""# Real data: handwritten digit scans with four summary features (see PROVENANCE.md).
apiVersion: fuseplan/v1
kind: DeploymentProfile
name: digits-scan-summary
description: Is a handwritten digit 5-9? Summary features always, the scan for 60% of requests
task: {{type: binary, metric: auroc, labelledSamples: {len(tr)}, interactions: unknown}}
modalities:
  - {{name: summary, type: tabular, features: 4, availability: 1.0, required: true}}
  - {{name: scan, type: image, shape: [32, 32, 1], availability: 0.6, missingness: random}}
cohorts:
  - {{name: all, size: {len(tr)}, modalities: [summary, scan], availability: {{scan: 0.6}}}}
"""
        )
    with open(os.path.join(out, "PROVENANCE.md"), "w") as f:
        f.write(
            f"""# digits: handwritten digit scans with summary features

- **Source**: scikit-learn's bundled copy of the UCI "Optical Recognition of Handwritten Digits" test
  set (`sklearn.datasets.load_digits`): {n} scans of 8x8 ink counts (0-16), 43 writers.
  Alpaydin and Kaynak 1998, UCI Machine Learning Repository. Real data, no download.
- **Task**: binary, digit 5-9 (label 1) against 0-4 (label 0); {int(y.sum())} positives.
- **Modalities**: `scan`, the 8x8 scan as a 32x32 grey PNG (each count scaled to 0-255 and each
  pixel repeated 4x4: no detail is added); `summary`, four numbers computed from the same scan (total
  ink, left minus right ink, top minus bottom ink, horizontal ink centroid). The two modalities are
  therefore redundant views of one measurement, not independent sources.
- **Missingness**: injected. The source has every scan; here a scan is kept for a random 60% of
  samples (seed {SEED}), independent of the label (missing completely at random). `summary` is always
  present.
- **Split**: stratified by label, 75% train ({len(tr)}), 25% test ({len(te)}), seed {SEED}.
"""
        )


def breast_cancer(out):
    """Breast cancer Wisconsin (diagnostic): 569 samples, 30 features in three groups of ten."""
    d = datasets.load_breast_cancer()
    X = d.data
    y = (d.target == 0).astype(int)  # 1 = malignant
    n = len(y)
    rng = np.random.default_rng(SEED + 1)
    groups = {"mean": slice(0, 10), "error": slice(10, 20), "worst": slice(20, 30)}
    # `error` and `worst` are each present for 50% of samples at random (injected).
    present = {"mean": np.ones(n, bool), "error": rng.random(n) < 0.5, "worst": rng.random(n) < 0.5}
    rows = []
    for i in range(n):
        rows.append(
            {
                "label": int(y[i]),
                "inputs": {g: ([round(float(v), 6) for v in X[i, s]] if present[g][i] else None) for g, s in groups.items()},
            }
        )
    tr, te = split(n, y)
    os.makedirs(out, exist_ok=True)
    write_jsonl(os.path.join(out, "train.jsonl"), [rows[i] for i in tr])
    write_jsonl(os.path.join(out, "test.jsonl"), [rows[i] for i in te])
    with open(os.path.join(out, "profile.yaml"), "w") as f:
        f.write(
            f"""# Real data: breast cancer cell-nucleus measurements in three groups (see PROVENANCE.md).
apiVersion: fuseplan/v1
kind: DeploymentProfile
name: breast-cancer-groups
description: Is a breast mass malignant? Mean measurements always, error and worst-case groups for half of requests
task: {{type: binary, metric: auroc, labelledSamples: {len(tr)}, interactions: unknown}}
modalities:
  - {{name: mean, type: tabular, features: 10, availability: 1.0, required: true}}
  - {{name: error, type: tabular, features: 10, availability: 0.5, missingness: random}}
  - {{name: worst, type: tabular, features: 10, availability: 0.5, missingness: random}}
cohorts:
  - {{name: all, size: {len(tr)}, modalities: [mean, error, worst], availability: {{error: 0.5, worst: 0.5}}}}
"""
        )
    with open(os.path.join(out, "PROVENANCE.md"), "w") as f:
        f.write(
            f"""# breast-cancer: cell-nucleus measurements in three groups

- **Source**: scikit-learn's bundled copy of the Breast Cancer Wisconsin (Diagnostic) data set
  (`sklearn.datasets.load_breast_cancer`): {n} fine-needle aspirates, 30 real-valued features
  computed from digitised images of cell nuclei. Street, Wolberg and Mangasarian 1993, UCI Machine
  Learning Repository. Real data, no download.
- **Task**: binary, malignant (label 1, {int(y.sum())} samples) against benign.
- **Modalities**: the source's own three groups of ten features: `mean` (the mean of each
  measurement over the nuclei), `error` (its standard error), `worst` (the mean of the three largest
  values). Tabular, on their raw scales.
- **Missingness**: injected. The source is complete; `error` and `worst` are each kept for a random
  50% of samples (seed {SEED + 1}), independently of each other and of the label. `mean` is always
  present.
- **Split**: stratified by label, 75% train ({len(tr)}), 25% test ({len(te)}), seed {SEED}.
"""
        )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: prepare.py OUT_DIR")
    out = sys.argv[1]
    digits(os.path.join(out, "digits"))
    breast_cancer(os.path.join(out, "breast-cancer"))
    print(f"wrote {out}/digits and {out}/breast-cancer")
