// Runs npm for the build scripts: the npm that runs this script when there is one (npm_execpath,
// set for lifecycle and `npm run` scripts), else `npm` on PATH (a script run by hand).
import {spawnSync} from 'node:child_process'

/** spawnSync of `npm ...args` with the given options. */
export function spawnNpm(args, options) {
  const cli = process.env.npm_execpath && /\.c?js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : undefined
  return cli ? spawnSync(process.execPath, [cli, ...args], options) : spawnSync('npm', args, {...options, shell: process.platform === 'win32'})
}
