/**
 * One element of a command line. A `subcommand` (`caddy validate`, first and only first) and a `flag` are written by
 * Jarvis's own code (`-force`); a `value` (after its flag) and
 * an `operand` (positional, after `--` where the program takes it) may come from a user, a config file or a message,
 * so they can never be read as an option.
 */
export type CommandArgument =
  | { readonly kind: 'subcommand'; readonly text: string }
  | { readonly kind: 'flag'; readonly text: string }
  | { readonly kind: 'value'; readonly name: string; readonly text: string }
  | { readonly kind: 'operand'; readonly name: string; readonly text: string };

/** Longer than this is no path, host name or key a command of ours takes; refusing bounds what a log line can hold. */
export const MAX_ARGUMENT_BYTES = 4096;

const FLAG_PATTERN = /^--?[A-Za-z0-9][A-Za-z0-9-]*$/;
const SUBCOMMAND_PATTERN = /^[a-z][a-z0-9-]*$/;

/** C0, DEL and C1 controls, and the Unicode line and paragraph separators. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** ASCII hyphen-minus and the dashes some tools (or a terminal's autocorrect) turn into one. */
const LEADING_DASH = /^[-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/;

export function subcommand(text: string): CommandArgument {
  return { kind: 'subcommand', text };
}

export function flag(text: string): CommandArgument {
  return { kind: 'flag', text };
}

export function value(name: string, text: string): CommandArgument {
  return { kind: 'value', name, text };
}

export function operand(name: string, text: string): CommandArgument {
  return { kind: 'operand', name, text };
}

/** Why `argument` may not be passed, naming it, or null when it may. */
export function argumentProblem(argument: CommandArgument): string | null {
  const label = argument.kind === 'flag' || argument.kind === 'subcommand' ? `${argument.kind} ${JSON.stringify(argument.text.slice(0, 64))}` : `${argument.kind} ${argument.name}`;
  if (typeof argument.text !== 'string') return `${label} must be a string`;
  if (CONTROL_CHARACTER.test(argument.text)) return `${label} contains a NUL, newline or other control character`;
  if (Buffer.byteLength(argument.text) > MAX_ARGUMENT_BYTES) return `${label} is longer than ${MAX_ARGUMENT_BYTES} bytes`;
  if (argument.kind === 'flag') return FLAG_PATTERN.test(argument.text) ? null : `${label} is not a plain option (-name or --name)`;
  if (argument.kind === 'subcommand') return SUBCOMMAND_PATTERN.test(argument.text) ? null : `${label} is not a plain word (lower-case letters, digits and -)`;
  if (argument.text === '') return `${label} is empty`;
  if (LEADING_DASH.test(argument.text)) return `${label} starts with a dash, so the program could read it as an option`;
  return null;
}
