// A record's seeds are independent (each draws its own training set, test sets, weights and masks,
// and its numbers depend on that seed alone), so a record can grow by more seeds and be read at
// fewer: the first n seeds of a longer run are the numbers an n-seed run gives.

/** The record of `old`'s seeds followed by `added`'s (a run of the same simulation from the next seed). */
export function appendSeeds(old, added) {
  const next = old.seeds[old.seeds.length - 1] + 1
  if (added.seeds[0] !== next) throw new Error(`${old.name}: seeds ${added.seeds.join(',')} do not continue ${old.seeds.join(',')}`)
  const byId = new Map(added.candidates.map((c) => [c.id, c]))
  if (old.candidates.length !== byId.size || old.candidates.some((c) => !byId.has(c.id))) throw new Error(`${old.name}: the added run trained other candidates`)
  const pairs = Object.keys(old.pairVariances)
  if (pairs.length !== Object.keys(added.pairVariances).length || pairs.some((k) => !added.pairVariances[k])) throw new Error(`${old.name}: the added run judged other pairs`)
  return {
    ...added,
    seeds: [...old.seeds, ...added.seeds],
    candidates: old.candidates.map((c) => {
      const a = byId.get(c.id)
      // trainingSamples is a run's mean over its seeds (complete-case counts vary by seed): weighted.
      const weighted = (x, y) => Math.round((x * old.seeds.length + y * added.seeds.length) / (old.seeds.length + added.seeds.length))
      return {
        ...c,
        ...(c.trainingSamples === undefined ? {} : {trainingSamples: weighted(c.trainingSamples, a.trainingSamples)}),
        deployment: [...c.deployment, ...a.deployment],
        complete: [...c.complete, ...a.complete],
        epochs: [...c.epochs, ...a.epochs],
      }
    }),
    pairVariances: Object.fromEntries(pairs.map((k) => [k, [...old.pairVariances[k], ...added.pairVariances[k]]])),
    elapsedMs: old.elapsedMs + added.elapsedMs,
  }
}

/** The record read at its first `n` seeds (the record itself when it has exactly n). */
export function firstSeeds(record, n) {
  if (record.seeds.length === n) return record
  if (record.seeds.length < n) throw new Error(`${record.name}: ${record.seeds.length} seeds, fewer than ${n}`)
  const cut = (xs) => xs.slice(0, n)
  return {
    ...record,
    seeds: cut(record.seeds),
    // A candidate's trainingSamples stays the whole run's mean (descriptive; nothing the bench reads).
    candidates: record.candidates.map((c) => ({...c, deployment: cut(c.deployment), complete: cut(c.complete), epochs: cut(c.epochs)})),
    pairVariances: Object.fromEntries(Object.entries(record.pairVariances).map(([k, v]) => [k, cut(v)])),
    // Its share of the training time (seeds cost alike on average).
    elapsedMs: Math.round((record.elapsedMs * n) / record.seeds.length),
  }
}
