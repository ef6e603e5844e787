// "Change an answer" in `fuseplan init`: after the summary, the user picks one answer from the list of
// questions asked, and only that question is asked again. The flow runs once more with the earlier
// answers as its defaults; every question asked before is answered with its default (the earlier
// answer, or a total derived from answers that changed, such as labelled samples after a cohort
// size), the chosen one is asked, and so is any question that was not asked before (a new modality
// type asks for its size). No CLI code here: the prompt functions are wrapped, not replaced.
import type {Choice, PromptFns} from './flow.js'

export interface AskedQuestion {
  /** The message and how many times it was asked before in the same pass: stable across passes. */
  key: string
  message: string
  /** The answer as the list of answers shows it. */
  shown: string
}

export interface Recording {
  prompts: PromptFns
  /** The questions asked in this pass, in order, with their answers. */
  asked: AskedQuestion[]
}

/**
 * Prompts that record what was asked. With `replay` (the questions of the earlier pass) and `target`
 * (the key of the one to ask again), questions of the earlier pass other than the target take their
 * default without being shown.
 */
export function recordingPrompts(real: PromptFns, replay?: {asked: readonly AskedQuestion[]; target: string}): Recording {
  const asked: AskedQuestion[] = []
  const seen = new Map<string, number>()
  const known = new Set(replay?.asked.map((q) => q.key))
  const keyOf = (message: string): string => {
    const n = seen.get(message) ?? 0
    seen.set(message, n + 1)
    return `${message}\u0000${n}`
  }
  const skip = (key: string): boolean => replay !== undefined && key !== replay.target && known.has(key)
  const note = (key: string, message: string, shown: string) => asked.push({key, message, shown})
  const choiceName = <V extends string>(choices: Choice<V>[], value: V): string => choices.find((c) => c.value === value)?.name ?? value

  const prompts: PromptFns = {
    async input(config) {
      const key = keyOf(config.message)
      const answer = skip(key) ? (config.default ?? '') : await real.input(config)
      note(key, config.message, answer === '' ? '(empty)' : answer)
      return answer
    },
    async select(config) {
      const key = keyOf(config.message)
      const fallback = config.default ?? config.choices[0]?.value
      const answer = skip(key) && fallback !== undefined ? fallback : await real.select(config)
      note(key, config.message, choiceName(config.choices, answer))
      return answer
    },
    async confirm(config) {
      const key = keyOf(config.message)
      const answer = skip(key) && config.default !== undefined ? config.default : await real.confirm(config)
      note(key, config.message, answer ? 'yes' : 'no')
      return answer
    },
    async checkbox(config) {
      const key = keyOf(config.message)
      const answer = skip(key) ? config.choices.filter((c) => c.checked).map((c) => c.value) : await real.checkbox(config)
      note(key, config.message, answer.map((v) => choiceName(config.choices, v)).join(', ') || '(none)')
      return answer
    },
  }
  return {prompts, asked}
}

/** The list "Which answer do you want to change?" offers: every question with its answer. */
export function answerChoices(asked: readonly AskedQuestion[]): Choice<string>[] {
  return asked.map((q) => {
    // The question's subject only: "Availability of labs: share of inference requests..." is "Availability of labs".
    const subject = q.message
      .replace(/\s*\(.*\)\s*$/, '')
      .replace(/: .*$/, '')
      .replace(/\?$/, '')
    const text = `${subject}: ${q.shown}`
    return {value: q.key, name: text.length > 100 ? `${text.slice(0, 99)}…` : text}
  })
}
