// The metrics a task can be judged by: one table for the profile schema, init's questions, the
// TrainingConfig scaffold writes and the numbers evaluate reports, so a profile without a metric
// is judged the same way everywhere (docs/design.md#documents).

export const TASK_TYPES = ['binary', 'multiclass', 'regression'] as const
export type TaskType = (typeof TASK_TYPES)[number]

export interface MetricDefinition {
  label: string
  /** False for error metrics. */
  higherIsBetter: boolean
}

export const METRIC_DEFINITIONS = {
  auroc: {label: 'AUROC', higherIsBetter: true},
  auprc: {label: 'AUPRC', higherIsBetter: true},
  accuracy: {label: 'accuracy', higherIsBetter: true},
  macro_f1: {label: 'macro-F1', higherIsBetter: true},
  rmse: {label: 'RMSE', higherIsBetter: false},
  mae: {label: 'MAE', higherIsBetter: false},
} as const satisfies Record<string, MetricDefinition>

export type MetricName = keyof typeof METRIC_DEFINITIONS
export const METRICS = Object.keys(METRIC_DEFINITIONS) as MetricName[]

/**
 * The metrics that make sense per task type, the default first. Multiclass defaults to macro-F1:
 * accuracy hides a model that ignores a rare class.
 */
export const METRICS_FOR_TASK: Record<TaskType, readonly MetricName[]> = {
  binary: ['auroc', 'auprc', 'accuracy', 'macro_f1'],
  multiclass: ['macro_f1', 'accuracy', 'auroc'],
  regression: ['rmse', 'mae'],
}

export function defaultMetricFor(task: TaskType): MetricName {
  return METRICS_FOR_TASK[task][0]
}
