// Metrics for `fuseplan evaluate`. Pure functions over plain arrays so they are easy to test by hand.
//
// Predictions follow the model contract: one score per sample for binary (probability of class 1)
// and regression (the predicted value); `classes` scores per sample, row-major, for multiclass.
import {auroc, auprc, macroF1} from '../../templates/project/src/metrics.js'

import {defaultMetricFor, METRIC_DEFINITIONS, METRICS_FOR_TASK, type MetricName, type TaskType} from '../profile/metrics.js'

export type {MetricName} from '../profile/metrics.js'
export type TaskKind = TaskType

export const METRIC_LABELS = Object.fromEntries(Object.entries(METRIC_DEFINITIONS).map(([k, d]) => [k, d.label])) as Record<MetricName, string>

/** Error metrics: lower is better. Everything else: higher is better. */
export function higherIsBetter(metric: MetricName): boolean {
  return METRIC_DEFINITIONS[metric].higherIsBetter
}

/**
 * The metric evaluate reports: the profile's `task.metric` when it makes sense for the task type,
 * otherwise the task's default (AUROC for binary, macro-F1 for multiclass, RMSE for regression).
 * Returns a note when the profile's choice was replaced.
 */
export function chooseMetric(task: TaskKind, requested: string | undefined): {metric: MetricName; note?: string} {
  if (requested === undefined) return {metric: defaultMetricFor(task)}
  if ((METRICS_FOR_TASK[task] as readonly string[]).includes(requested)) return {metric: requested as MetricName}
  const metric = defaultMetricFor(task)
  return {metric, note: `task.metric ${requested} does not apply to a ${task} task; evaluate reports ${METRIC_LABELS[metric]} instead.`}
}

// One implementation of AUROC, AUPRC and macro-F1: the generated project's, so evaluate scores models
// exactly as the code users get does.
export {auroc, auprc, macroF1}

/** Predicted class per sample: threshold 0.5 for binary, arg-max for multiclass. */
export function predictedClasses(task: TaskKind, scores: ArrayLike<number>, n: number, classes: number): Int32Array {
  const out = new Int32Array(n)
  if (task === 'multiclass') {
    for (let i = 0; i < n; i++) {
      let best = 0
      for (let c = 1; c < classes; c++) if (scores[i * classes + c] > scores[i * classes + best]) best = c
      out[i] = best
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = scores[i] >= 0.5 ? 1 : 0
  }
  return out
}

export function accuracy(labels: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (labels.length === 0) return Number.NaN
  let right = 0
  for (let i = 0; i < labels.length; i++) if (Math.round(labels[i]) === predicted[i]) right++
  return right / labels.length
}

export function rmse(targets: ArrayLike<number>, predictions: ArrayLike<number>): number {
  if (targets.length === 0) return Number.NaN
  let s = 0
  for (let i = 0; i < targets.length; i++) s += (targets[i] - predictions[i]) ** 2
  return Math.sqrt(s / targets.length)
}

export function mae(targets: ArrayLike<number>, predictions: ArrayLike<number>): number {
  if (targets.length === 0) return Number.NaN
  let s = 0
  for (let i = 0; i < targets.length; i++) s += Math.abs(targets[i] - predictions[i])
  return s / targets.length
}

/** Macro one-vs-rest AUROC over the classes that have both positives and negatives. */
export function multiclassAuroc(labels: ArrayLike<number>, scores: ArrayLike<number>, classes: number): number {
  const n = labels.length
  let sum = 0
  let counted = 0
  for (let c = 0; c < classes; c++) {
    const y = new Float64Array(n)
    const s = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      y[i] = Math.round(labels[i]) === c ? 1 : 0
      s[i] = scores[i * classes + c]
    }
    const a = auroc(y, s)
    if (!Number.isNaN(a)) {
      sum += a
      counted++
    }
  }
  return counted === 0 ? Number.NaN : sum / counted
}

export interface MetricSpec {
  metric: MetricName
  task: TaskKind
  /** Number of classes for multiclass (2 otherwise). */
  classes: number
}

/** Scores per sample for the chosen task: `classes` values per sample for multiclass, one otherwise. */
export function scoreWidth(spec: MetricSpec): number {
  return spec.task === 'multiclass' ? spec.classes : 1
}

/** The spec's metric on labels and model outputs; `rows` picks a subset of samples (all when omitted). */
export function computeMetric(spec: MetricSpec, labels: ArrayLike<number>, scores: ArrayLike<number>, rows?: ArrayLike<number>): number {
  const width = scoreWidth(spec)
  let y: ArrayLike<number> = labels
  let s: ArrayLike<number> = scores
  if (rows) {
    const yy = new Float64Array(rows.length)
    const ss = new Float64Array(rows.length * width)
    for (let r = 0; r < rows.length; r++) {
      yy[r] = labels[rows[r]]
      for (let c = 0; c < width; c++) ss[r * width + c] = scores[rows[r] * width + c]
    }
    y = yy
    s = ss
  }
  const n = y.length
  switch (spec.metric) {
    case 'auroc':
      return spec.task === 'multiclass' ? multiclassAuroc(y, s, spec.classes) : auroc(y, s)
    case 'auprc':
      return auprc(y, s)
    case 'accuracy':
      return accuracy(y, predictedClasses(spec.task, s, n, spec.classes))
    case 'macro_f1':
      return macroF1(y, predictedClasses(spec.task, s, n, spec.classes), spec.task === 'multiclass' ? spec.classes : 2)
    case 'rmse':
      return rmse(y, s)
    case 'mae':
      return mae(y, s)
  }
}
