// "Did you mean": the known words closest to a mistyped one, for unknown keys, kinds and rule ids.

/** Levenshtein distance, case-insensitive (a wrong case is a typo too), bounded by the longer word. */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase()
  b = b.toLowerCase()
  const dp = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]
    dp[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return dp[b.length]
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
