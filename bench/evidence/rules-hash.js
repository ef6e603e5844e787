import {createHash} from 'node:crypto'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

/**
 * The hash of the bundled rule files, which the test grid is committed for. The rules alone: the
 * confidence levels come from the calibration records only (a test recomputes them), and the test
 * grid's regime calls only report the rules' choices, which the table never changes.
 */
export function rulesHash(root) {
  const h = createHash('sha256')
  const dir = join(root, 'rules')
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort())
    h.update(f).update(readFileSync(join(dir, f)))
  return h.digest('hex').slice(0, 16)
}
