// ANSI styling for the formats meant for a terminal. The command decides whether colour is on
// (TTY, NO_COLOR); formatters only ask for a painter, so their output stays a pure function.

export interface Paint {
  bold(s: string): string
  dim(s: string): string
  underline(s: string): string
  red(s: string): string
  green(s: string): string
  yellow(s: string): string
  blue(s: string): string
  cyan(s: string): string
}

const sgr = (open: number, close: number) => (s: string) => `\u001B[${open}m${s}\u001B[${close}m`
const identity = (s: string) => s

const COLOR: Paint = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  underline: sgr(4, 24),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  blue: sgr(34, 39),
  cyan: sgr(36, 39),
}
const PLAIN: Paint = {bold: identity, dim: identity, underline: identity, red: identity, green: identity, yellow: identity, blue: identity, cyan: identity}

export function paint(color: boolean): Paint {
  return color ? COLOR : PLAIN
}
