// A seed's numbers depend on that seed alone, so evaluate can add seeds to an earlier run
// (`firstSeed`) and the decision benchmark extends its records instead of rerunning them
// (bench/evidence/record-seeds.js). Checked with the real model code: seed 6 of a two-seed run
// equals a one-seed run started at 6.
import {describe, expect, it} from 'vitest'
import {parseCandidates} from '../../dist/src/evaluate/candidates.js'
import {runEvaluation} from '../../dist/src/evaluate/run.js'
import {loadProfile} from '../../dist/src/profile/load.js'
import {appendSeeds, firstSeeds} from '../../bench/evidence/record-seeds.js'

const small = {seed: 5, samples: 240, testSamples: 200, epochs: 2, batchSize: 32, maxInputSize: 8, missingRates: [0, 1], judgeAll: true, candidates: parseCandidates('naive,intermediate,late')}

/** The parts of a result a benchmark record keeps. */
function recordOf(r: Awaited<ReturnType<typeof runEvaluation>>) {
  return {
    name: 'icu',
    seeds: r.simulation.seeds,
    candidates: r.strategies.map((s) => ({id: s.id, trainingSamples: s.trainingSamples, deployment: s.seeds.deployment, complete: s.seeds.complete, epochs: s.epochs})),
    pairVariances: r.pairVariances,
    elapsedMs: 2,
  }
}

describe('seeds are independent', () => {
  it('seed 6 of a run from 5 equals a run from 6; appending gives the two-seed record, and its first seed reads back', async () => {
    const {profile} = loadProfile(new URL('../../examples/icu-deterioration.yaml', import.meta.url).pathname)
    if (!profile) throw new Error('example')
    const both = recordOf(await runEvaluation(profile, {...small, seeds: 2}))
    const first = recordOf(await runEvaluation(profile, {...small, seeds: 1}))
    const second = recordOf(await runEvaluation(profile, {...small, seeds: 1, firstSeed: 6}))
    expect(both.seeds).toEqual([5, 6])
    expect(second.seeds).toEqual([6])
    // The seeds do differ, so the equalities below are not trivially true.
    expect(second.candidates.map((c) => c.deployment)).not.toEqual(first.candidates.map((c) => c.deployment))
    const joined = appendSeeds(first, second)
    expect({...joined, elapsedMs: 0}).toEqual({...both, elapsedMs: 0})
    // A run's trainingSamples is its mean over seeds, which a cut cannot recover: the rest must match.
    const perSeed = (r: ReturnType<typeof recordOf>) => ({...r, elapsedMs: 0, candidates: r.candidates.map(({trainingSamples: _, ...c}) => c)})
    expect(perSeed(firstSeeds(both, 1))).toEqual(perSeed(first))
    // Not a run that continues from elsewhere.
    expect(() => appendSeeds(second, first)).toThrow(/do not continue/)
  }, 120_000)
})
