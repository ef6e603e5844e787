// Every YAML snippet in the documentation is YAML fuseplan reads: a reader who pastes one into a
// profile, a rule pack or a config gets no syntax error. Snippets that are whole deployment profiles
// are linted too, and must have no error.
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {describe, expect, it} from 'vitest'
import {lintWithRules} from '../../src/lint/run.js'
import {parseSource} from '../../src/profile/source.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'

/** Markdown files that document fuseplan: README.md, docs/ (ADRs included) and the READMEs under src/ and templates/. */
function markdownFiles(): string[] {
  const under = (dir: string) =>
    readdirSync(join(ROOT, dir), {recursive: true})
      .map(String)
      .filter((f) => f.endsWith('.md'))
      .map((f) => join(ROOT, dir, f))
  return [join(ROOT, 'README.md'), ...under('docs'), ...under('src'), join(ROOT, 'templates', 'README.md')].sort()
}

interface Snippet {
  where: string
  text: string
}

/** The ```yaml (or ```yml) blocks of a Markdown file, each with the line it starts on. */
export function yamlSnippets(file: string): Snippet[] {
  const lines = readFileSync(file, 'utf8').split('\n')
  const out: Snippet[] = []
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```ya?ml\s*$/.test(lines[i])) continue
    const indent = /^\s*/.exec(lines[i])![0].length
    const start = i + 1
    let end = start
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end])) end++
    out.push({
      where: `${relative(ROOT, file)}:${start + 1}`,
      text: lines
        .slice(start, end)
        .map((l) => l.slice(indent))
        .join('\n'),
    })
    i = end
  }
  return out
}

const snippets = markdownFiles().flatMap(yamlSnippets)

describe('YAML snippets in the documentation', () => {
  it('there are snippets to check (docs/rules.md, docs/ci.md, README.md)', () => {
    const files = new Set(snippets.map((s) => s.where.replace(/:\d+$/, '')))
    for (const f of ['README.md', 'docs/rules.md', 'docs/ci.md']) expect(files).toContain(f)
  })

  it.each(snippets.map((s) => [s.where, s.text]))('%s parses as YAML', (where, text) => {
    // A snippet of comments only (the suppression comments) is fine: it is not a document of its own.
    const problems = parseSource(where, text)
      .syntaxFindings.filter((f) => f.ruleId !== 'empty-file')
      .map((f) => `${where}+${f.line - 1}:${f.column}: ${f.message}`)
    expect(problems).toEqual([])
  })

  it.each(snippets.filter((s) => /^kind: DeploymentProfile$/m.test(s.text)).map((s) => [s.where, s.text]))('%s is a deployment profile lint accepts', (where, text) => {
    const file = join(tempDir(), 'profile.yaml')
    writeFileSync(file, text)
    const {reports} = lintWithRules([{path: file, explicit: true}], {cwd: ROOT})
    expect(reports[0].findings.filter((f) => f.severity === 'error').map((f) => `${where}: ${f.line}:${f.column} ${f.message}`)).toEqual([])
  })

  it('the check catches the example docs/rules.md used to show', () => {
    expect(parseSource('x.yaml', 'fires:  {modalities[1].shape: [1024, 1024, 3]}\n').syntaxFindings.length).toBeGreaterThan(0)
  })
})
