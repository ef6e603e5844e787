// How the user runs fuseplan, for "Next:" hints they can paste: `npx fuseplan` when it is installed
// as a package, `node <path>/bin/run.js` from a checkout (the README's quick start).
import {join, sep} from 'node:path'
import {displayPath} from '../util/fs.js'

export function invocation(root: string): string {
  if (root.split(sep).includes('node_modules')) return 'npx fuseplan'
  return `node ${displayPath(join(root, 'bin', 'run.js'))}`
}
