// One metric table: a profile without `task.metric` is judged by the same metric in the profile
// schema's docs, init, the scaffolded TrainingConfig and evaluate's report.
import {describe, expect, it} from 'vitest'
import {METRICS as TEMPLATE_METRICS} from '../../templates/project/src/config.js'
import {chooseMetric} from '../../src/evaluate/metrics.js'
import {defaultMetric as initDefault} from '../../src/init/fields.js'
import {defaultMetricFor, METRICS, METRICS_FOR_TASK, TASK_TYPES} from '../../src/profile/metrics.js'
import {profileSchema} from '../../src/profile/schema.js'
import {defaultMetric as scaffoldDefault} from '../../src/scaffold/training-config.js'
import {trainingConfigSchema} from '../../src/scaffold/training-config-schema.js'
import type {Profile} from '../../src/profile/types.js'

describe('metric table', () => {
  it('the generated project and both schemas accept exactly the metrics of the table', () => {
    expect([...TEMPLATE_METRICS]).toEqual(METRICS)
    expect(trainingConfigSchema.properties.task.properties.metric.enum).toEqual(METRICS)
    expect(profileSchema.properties.task.properties.metric.enum).toEqual(METRICS)
  })

  it.each(TASK_TYPES)('a %s task without a metric gets the same default in init, scaffold and evaluate', (type) => {
    const profile = {task: {type, labelledSamples: 100}} as unknown as Profile
    const expected = defaultMetricFor(type)
    expect(initDefault(type)).toBe(expected)
    expect(scaffoldDefault(profile)).toBe(expected)
    expect(chooseMetric(type, undefined).metric).toBe(expected)
  })

  it('multiclass defaults to macro-F1, and every metric of a task is one evaluate accepts for it', () => {
    expect(defaultMetricFor('multiclass')).toBe('macro_f1')
    for (const type of TASK_TYPES) for (const m of METRICS_FOR_TASK[type]) expect(chooseMetric(type, m)).toEqual({metric: m})
    expect(chooseMetric('regression', 'auroc').note).toMatch(/does not apply/)
  })
})
