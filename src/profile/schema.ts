// JSON Schema (draft 2020-12) for `kind: DeploymentProfile`. `fuseplan schema` prints it; editors
// running yaml-language-server use it through the modeline fuseplan writes into profiles.
// Every property carries a title and a description: they are the completion docs users see.
import {defaultMetricFor, METRICS, TASK_TYPES} from './metrics.js'

export const PROFILE_SCHEMA_ID = 'https://fuseplan.dev/schemas/v1/deployment-profile.json'
export const MAX_MODALITIES = 32
export const MAX_COHORTS = 64
export const MAX_PATTERNS = 256

/** A share in 0..1 (availability, pattern share), with its title and description. */
export const share = (title: string, description: string) =>
  ({
    title,
    description,
    type: 'number',
    minimum: 0,
    maximum: 1,
  }) as const

/** The source of MODALITY_NAME_PATTERN in types.ts, as JSON Schema wants it. */
export const MODALITY_NAME_SOURCE = '^[a-z][a-z0-9_]{0,39}$'

const modalityName = {
  title: 'Modality name',
  description: 'Lower-case identifier of a modality: a letter, then letters, digits or underscores (at most 40).',
  type: 'string',
  pattern: MODALITY_NAME_SOURCE,
} as const

export const profileSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: PROFILE_SCHEMA_ID,
  title: 'fuseplan DeploymentProfile',
  description: 'Where a multimodal model will be deployed: which modalities exist, how often each is present at inference, which training cohorts carry which modalities, and the latency budget.',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'name', 'task', 'modalities'],
  properties: {
    apiVersion: {title: 'API version', description: 'Version of the profile format. Always `fuseplan/v1`.', const: 'fuseplan/v1'},
    kind: {title: 'Kind', description: 'Document kind. Always `DeploymentProfile` for a profile.', const: 'DeploymentProfile'},
    name: {
      title: 'Name',
      description: 'Slug naming the deployment: lower-case letters, digits and dashes, at most 64 characters.',
      type: 'string',
      pattern: '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$',
    },
    description: {title: 'Description', description: 'One line saying what the model predicts and for whom.', type: 'string', maxLength: 2000},
    task: {
      title: 'Task',
      description: 'What the model predicts and how much labelled data there is.',
      type: 'object',
      additionalProperties: false,
      required: ['type', 'labelledSamples'],
      properties: {
        type: {
          title: 'Task type',
          description: '`binary` classification, `multiclass` classification (give `classes`), or `regression`.',
          enum: [...TASK_TYPES],
        },
        classes: {title: 'Classes', description: 'Number of classes for a `multiclass` task (2 to 1000).', type: 'integer', minimum: 2, maximum: 1000},
        metric: {
          title: 'Metric',
          description: `Metric to judge the model by: ${METRICS.map((m) => `\`${m}\``).join(', ')}. Without one: ${TASK_TYPES.map((t) => `\`${defaultMetricFor(t)}\` for ${t}`).join(', ')}.`,
          enum: [...METRICS],
        },
        labelledSamples: {
          title: 'Labelled samples',
          description: 'Number of labelled training samples available across all cohorts.',
          type: 'integer',
          minimum: 1,
          maximum: 1e12,
        },
        interactions: {
          title: 'Cross-modal interactions',
          description: 'Whether the label depends on interactions between modalities: `weak` (each modality is informative on its own), `strong`, or `unknown` (default).',
          enum: ['unknown', 'weak', 'strong'],
        },
      },
      if: {properties: {type: {const: 'multiclass'}}},
      then: {required: ['classes']},
    },
    modalities: {
      title: 'Modalities',
      description: 'The input sources of the model, one entry each.',
      type: 'array',
      minItems: 1,
      maxItems: MAX_MODALITIES,
      items: {
        title: 'Modality',
        description: 'One input source: an EHR table, an image, a genomics panel, a wearable stream, notes...',
        type: 'object',
        additionalProperties: false,
        required: ['name', 'type', 'availability'],
        properties: {
          name: modalityName,
          description: {title: 'Description', description: 'What this modality is, in a few words.', type: 'string', maxLength: 2000},
          type: {
            title: 'Modality type',
            description: 'Kind of data: `tabular`, `image`, `text`, `timeseries`, `omics` or `embedding`. Decides the default encoder and latency.',
            enum: ['tabular', 'image', 'text', 'timeseries', 'omics', 'embedding'],
          },
          features: {title: 'Features', description: 'Number of input features (for tabular, omics, embedding or text vectors).', type: 'integer', minimum: 1, maximum: 1e8},
          shape: {
            title: 'Shape',
            description: 'Input shape for images or tensors, e.g. `[224, 224, 1]`.',
            type: 'array',
            minItems: 1,
            maxItems: 4,
            items: {title: 'Dimension', description: 'Size of one dimension.', type: 'integer', minimum: 1, maximum: 100000},
          },
          sequence: {
            title: 'Sequence',
            description: 'Input size of a time series: number of steps and channels per step.',
            type: 'object',
            additionalProperties: false,
            required: ['length', 'channels'],
            properties: {
              length: {title: 'Length', description: 'Number of time steps.', type: 'integer', minimum: 1, maximum: 1e7},
              channels: {title: 'Channels', description: 'Values per time step.', type: 'integer', minimum: 1, maximum: 1e5},
            },
          },
          availability: share('Deployment availability', 'Share (0..1) of inference requests in production in which this modality is present.'),
          trainingAvailability: share('Training availability', 'Share (0..1) of training samples carrying this modality. Derived from `cohorts` when omitted.'),
          missingness: {
            title: 'Missingness mechanism',
            description:
              'Why the modality goes missing: `random` (unrelated to the outcome), `informative` (its absence says something about the outcome), or `by-design` (only some populations ever get it).',
            enum: ['random', 'informative', 'by-design'],
          },
          timing: {
            title: 'Timing',
            description: 'How it arrives over time: `static` (once), `episodic` (now and then, e.g. an imaging study), or `continuous` (a stream).',
            enum: ['static', 'episodic', 'continuous'],
          },
          encoderLatencyMs: {
            title: 'Encoder latency (ms)',
            description: "Measured per-sample cost of this modality's encoder in milliseconds. A default per type is used when omitted.",
            type: 'number',
            minimum: 0,
            maximum: 1e6,
          },
          required: {
            title: 'Required',
            description: 'True when requests without this modality are rejected upstream: it is then never dropped during training.',
            type: 'boolean',
          },
        },
        oneOf: [
          {required: ['features'], not: {anyOf: [{required: ['shape']}, {required: ['sequence']}]}},
          {required: ['shape'], not: {anyOf: [{required: ['features']}, {required: ['sequence']}]}},
          {required: ['sequence'], not: {anyOf: [{required: ['features']}, {required: ['shape']}]}},
        ],
      },
    },
    cohorts: {
      title: 'Training cohorts',
      description: 'Training subpopulations, each with its size and the modalities it carries.',
      type: 'array',
      maxItems: MAX_COHORTS,
      items: {
        title: 'Cohort',
        description: 'One training subpopulation.',
        type: 'object',
        additionalProperties: false,
        required: ['name', 'size', 'modalities'],
        properties: {
          name: {
            title: 'Cohort name',
            description: 'Identifier of the cohort: a letter, then letters, digits, underscores or dashes.',
            type: 'string',
            pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$',
          },
          description: {title: 'Description', description: 'Who is in this cohort.', type: 'string', maxLength: 2000},
          size: {title: 'Size', description: 'Number of samples in the cohort.', type: 'integer', minimum: 1, maximum: 1e12},
          labelled: {title: 'Labelled', description: "Whether the cohort's samples carry labels (default true).", type: 'boolean'},
          modalities: {
            title: 'Modalities carried',
            description: 'Names of the modalities this cohort carries.',
            type: 'array',
            minItems: 1,
            maxItems: MAX_MODALITIES,
            items: modalityName,
          },
          availability: {
            title: 'Availability within the cohort',
            description: "Share (0..1) of the cohort's samples that have each modality; 1 when not given.",
            type: 'object',
            propertyNames: {pattern: '^[a-z][a-z0-9_]{0,39}$'},
            additionalProperties: share('Share', "Share of this cohort's samples that carry the modality."),
          },
        },
      },
    },
    patterns: {
      title: 'Presence patterns',
      description: 'Observed joint presence at deployment: which sets of modalities arrive together, and how often.',
      type: 'array',
      maxItems: MAX_PATTERNS,
      items: {
        title: 'Pattern',
        description: 'One set of modalities present together in a request, with its share of requests.',
        type: 'object',
        additionalProperties: false,
        required: ['present', 'share'],
        properties: {
          present: {
            title: 'Present modalities',
            description: 'Names of the modalities present in requests of this pattern.',
            type: 'array',
            minItems: 1,
            maxItems: MAX_MODALITIES,
            items: modalityName,
          },
          share: share('Share', 'Share (0..1) of deployment requests with exactly this presence pattern.'),
        },
      },
    },
    latency: {
      title: 'Latency budget',
      description: 'How fast one prediction must be at inference.',
      type: 'object',
      additionalProperties: false,
      required: ['budgetMs'],
      properties: {
        budgetMs: {title: 'Budget (ms)', description: 'Latency budget per request in milliseconds.', type: 'number', exclusiveMinimum: 0, maximum: 1e7},
        percentile: {title: 'Percentile', description: 'Percentile the budget applies to, e.g. 99 for p99 (default 99).', type: 'number', minimum: 1, maximum: 100},
        hardware: {title: 'Hardware', description: 'Where inference runs: `cpu` or `gpu`.', enum: ['cpu', 'gpu']},
        batch: {title: 'Batch size', description: 'Requests served together in one inference call (default 1).', type: 'integer', minimum: 1, maximum: 100000},
      },
    },
    constraints: {
      title: 'Constraints',
      description: 'Other constraints on the architecture.',
      type: 'object',
      additionalProperties: false,
      properties: {
        interpretability: {
          title: 'Interpretability',
          description: 'How explainable per-modality contributions must be: `none`, `per-modality` or `strict`.',
          enum: ['none', 'per-modality', 'strict'],
        },
        maxDeployedModels: {
          title: 'Maximum deployed models',
          description: 'Upper bound on the number of separately served models (late fusion serves one per modality).',
          type: 'integer',
          minimum: 1,
          maximum: 1000,
        },
      },
    },
  },
} as const
