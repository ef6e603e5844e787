// `fuseplan evaluate --format json`: the machine contract of docs/design.md#output-contracts. Stable keys:
// recommended, empiricalBest, verdict {kind, comparisons}, strategies[{strategy, variant, metrics: {complete, deployment},
// relativeRobustness, effectiveRobustness, patterns: [{present, share, metric}]}]. Metrics that could
// not be computed are null. Same result, same bytes (no timestamps, no timings).
import type {EvaluationResult} from '../../evaluate/types.js'

export function formatEvaluationJson(result: EvaluationResult): string {
  return JSON.stringify(result, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n'
}
