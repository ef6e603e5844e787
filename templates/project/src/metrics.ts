// Metrics for the task types a training config can name. Predictions follow the FusionModel
// contract: binary P(y=1) per row, multiclass n*classes probabilities, regression values.
import type {Metric, TaskType} from './config.js'

export function higherIsBetter(metric: Metric): boolean {
  return metric !== 'rmse' && metric !== 'mae'
}

/**
 * Area under the ROC curve as the Mann-Whitney rank statistic: the probability that a random
 * positive scores above a random negative, ties counting one half (mid-ranks). NaN when the
 * labels hold only one class.
 */
export function auroc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = labels.length
  const order = Array.from({length: n}, (_, i) => i).sort((a, b) => scores[a] - scores[b])
  let positives = 0
  let rankSumPositives = 0
  let i = 0
  while (i < n) {
    let j = i
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++
    const midRank = (i + j) / 2 + 1 // 1-based mid-rank of the tie group i..j
    for (let k = i; k <= j; k++) {
      if (labels[order[k]] >= 0.5) {
        positives++
        rankSumPositives += midRank
      }
    }
    i = j + 1
  }
  const negatives = n - positives
  if (positives === 0 || negatives === 0) return Number.NaN
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives)
}

/**
 * Average precision (area under the precision-recall curve, step-wise): the mean of the precision
 * at each distinct threshold weighted by the recall gained there. Tied scores enter together.
 */
export function auprc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = labels.length
  const order = Array.from({length: n}, (_, i) => i).sort((a, b) => scores[b] - scores[a])
  let positives = 0
  for (let i = 0; i < n; i++) if (labels[i] >= 0.5) positives++
  if (positives === 0) return Number.NaN
  let tp = 0
  let seen = 0
  let ap = 0
  let i = 0
  while (i < n) {
    let j = i
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++
    let gained = 0
    for (let k = i; k <= j; k++) if (labels[order[k]] >= 0.5) gained++
    tp += gained
    seen += j - i + 1
    if (gained > 0) ap += (gained / positives) * (tp / seen)
    i = j + 1
  }
  return ap
}

function argmaxRows(probs: ArrayLike<number>, n: number, classes: number): number[] {
  return Array.from({length: n}, (_, r) => {
    let best = 0
    for (let c = 1; c < classes; c++) if (probs[r * classes + c] > probs[r * classes + best]) best = c
    return best
  })
}

/** The metric of `predictions` against `labels`; NaN when undefined (e.g. AUROC with one class). */
export function score(metric: Metric, task: TaskType, labels: ArrayLike<number>, predictions: ArrayLike<number>, classes = 2): number {
  const n = labels.length
  if (n === 0) return NaN
  if (task === 'regression') {
    let se = 0
    let ae = 0
    for (let i = 0; i < n; i++) {
      const e = predictions[i] - labels[i]
      se += e * e
      ae += Math.abs(e)
    }
    return metric === 'mae' ? ae / n : Math.sqrt(se / n)
  }
  if (task === 'binary') {
    if (metric === 'auroc') return auroc(labels, predictions)
    if (metric === 'auprc') return auprc(labels, predictions)
    const pred = Array.from({length: n}, (_, i) => (predictions[i] >= 0.5 ? 1 : 0))
    return metric === 'macro_f1' ? macroF1(labels, pred, 2) : pred.filter((p, i) => p === labels[i]).length / n
  }
  const pred = argmaxRows(predictions, n, classes)
  if (metric === 'macro_f1') return macroF1(labels, pred, classes)
  if (metric === 'auroc') {
    // One-vs-rest macro AUROC.
    const per: number[] = []
    for (let c = 0; c < classes; c++) {
      const v = auroc(
        Array.from(labels, (y) => (y === c ? 1 : 0)),
        Array.from({length: n}, (_, r) => predictions[r * classes + c]),
      )
      if (!Number.isNaN(v)) per.push(v)
    }
    return per.length ? per.reduce((a, b) => a + b, 0) / per.length : NaN
  }
  return pred.filter((p, i) => p === labels[i]).length / n
}

/** Unweighted mean of per-class F1 over the classes that occur in labels or predictions. */
export function macroF1(labels: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number {
  let sum = 0
  let counted = 0
  for (let c = 0; c < classes; c++) {
    let tp = 0
    let fp = 0
    let fn = 0
    for (let i = 0; i < labels.length; i++) {
      const y = Math.round(labels[i])
      if (predicted[i] === c && y === c) tp++
      else if (predicted[i] === c) fp++
      else if (y === c) fn++
    }
    if (tp + fp + fn === 0) continue
    sum += (2 * tp) / (2 * tp + fp + fn)
    counted++
  }
  return counted === 0 ? Number.NaN : sum / counted
}

/** The score a model with no information gets (for "above chance" checks). */
export function chance(metric: Metric, task: TaskType, labels: ArrayLike<number>, classes = 2): number {
  if (task === 'regression') {
    const mean = Array.from(labels).reduce((a, b) => a + b, 0) / Math.max(1, labels.length)
    return score(
      metric,
      task,
      labels,
      Array.from(labels, () => mean),
    )
  }
  if (metric === 'auroc') return 0.5
  const counts = new Array<number>(classes).fill(0)
  for (const y of Array.from(labels)) counts[y]++
  if (metric === 'auprc') return counts[1] / Math.max(1, labels.length)
  return Math.max(...counts) / Math.max(1, labels.length)
}
