// "Did you mean": the known words closest to a mistyped one, for unknown keys, kinds and rule ids.

/**
 * Edit distance: insertions, deletions and substitutions (Levenshtein), plus swaps of two adjacent
 * letters when `transpositions` is set ("lnit" is one edit from "lint"). Case-insensitive unless
 * `ignoreCase` is false (a wrong case is a typo too). Bounded by the longer word.
 */
export function editDistance(a: string, b: string, {ignoreCase = true, transpositions = false}: {ignoreCase?: boolean; transpositions?: boolean} = {}): number {
  if (ignoreCase) {
    a = a.toLowerCase()
    b = b.toLowerCase()
  }
  // Three rows of the dynamic programme: i - 2 (for a swap), i - 1 and i.
  let before: number[] = []
  let prev = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], before[j - 2] + 1)
    }
    before = prev
    prev = cur
  }
  return prev[b.length]
}

/**
 * The candidate closest to `word`, when it is close enough to be a typo: at most a third of the
 * word's length in edits (at least 1, at most 3). Long inputs are not compared (the cost is quadratic).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 80) return undefined
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)))
  let best: string | undefined
  let bestDistance = Infinity
  for (const c of candidates) {
    if (c === word) continue
    const d = editDistance(word, c)
    if (d <= limit && d < bestDistance) {
      best = c
      bestDistance = d
    }
  }
  return best
}
