// The networks of the fusion strategies, one file each; the list of strategies is the config's
// (config.ts, from the schema fuseplan writes), so the compiler asks for a network for each.
import type {Strategy} from '../../config.js'
import {attention} from './attention.js'
import {early} from './early.js'
import {intermediate} from './intermediate.js'
import {late} from './late.js'
import type {StrategyNetwork} from './types.js'

export type {StrategyNetwork} from './types.js'

export const NETWORKS: Record<Strategy, StrategyNetwork> = {early, intermediate, late, attention}
