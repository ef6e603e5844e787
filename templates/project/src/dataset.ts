// In-memory dataset shared by the data loader, the synthetic generator, the model code and
// `fuseplan evaluate`. Column-per-modality layout: absent modalities are explicit, never implied by zeros.
// Values are row-major over the modality's `inputShape`: images [H, W, C] channels-last, sequences
// [T, C] time-major. The model also accepts image blocks already resized to the encoder's
// `resize` (block size = h * w * C), which is how the synthetic world and the loader keep memory small.

export interface ModalityBlock {
  /** Flattened input size of one sample of this modality. */
  size: number
  /** n * size values, row-major. Rows of absent samples hold zeros and must not be read as data. */
  values: Float32Array
  /** n flags: 1 when the modality is present in that sample, 0 when absent. */
  present: Uint8Array
  /**
   * Sequences only, optional: valid time steps of each sample (the rest is padding at the end,
   * holding zeros). Absent means every sample uses the whole length.
   */
  steps?: Uint32Array
}

export interface Dataset {
  n: number
  modalities: Record<string, ModalityBlock>
  /** n labels: 0/1 for binary, the class index for multiclass, the target value for regression. */
  labels: Float32Array
  /** Optional per-sample cohort name (training data drawn from profile cohorts). */
  cohort?: string[]
}
