// In-memory dataset shared by the data loader, the synthetic generator, the model code and
// `fuseplan evaluate`. Column-per-modality layout: absent modalities are explicit, never implied by zeros.

export interface ModalityBlock {
  /** Flattened input size of one sample of this modality. */
  size: number
  /** n * size values, row-major. Rows of absent samples hold zeros and must not be read as data. */
  values: Float32Array
  /** n flags: 1 when the modality is present in that sample, 0 when absent. */
  present: Uint8Array
}

export interface Dataset {
  n: number
  modalities: Record<string, ModalityBlock>
  /** n labels: 0/1 for binary, the class index for multiclass, the target value for regression. */
  labels: Float32Array
  /** Optional per-sample cohort name (training data drawn from profile cohorts). */
  cohort?: string[]
}
