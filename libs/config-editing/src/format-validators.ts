import { parseDocument } from 'yaml';
import type { ConfigFormat } from './config-edit.js';
import type { ConfigValidator, Verdict } from './ports.js';
import { YAML_LIMITS } from './yaml-limits.js';

const MAX_JSON_DEPTH = 64;

export const jsonValidator: ConfigValidator = {
  name: 'json',
  validate: (content) => {
    try {
      JSON.parse(content);
    } catch (error) {
      return Promise.resolve(refuse(`not valid JSON: ${(error as Error).message}`));
    }
    return Promise.resolve(nestingDepth(content) > MAX_JSON_DEPTH ? refuse(`nested deeper than ${MAX_JSON_DEPTH} levels`) : accept('parsed as JSON'));
  },
};

export const yamlValidator: ConfigValidator = {
  name: 'yaml',
  validate: (content) => {
    const doc = parseDocument(content, YAML_LIMITS);
    const error = doc.errors[0];
    if (error) return Promise.resolve(refuse(`not valid YAML: ${error.message.split('\n')[0]}`));
    return Promise.resolve(nestingDepth(content) > MAX_JSON_DEPTH ? refuse(`nested deeper than ${MAX_JSON_DEPTH} levels`) : accept('parsed as YAML'));
  },
};

export const textValidator: ConfigValidator = {
  name: 'text',
  validate: (content) => Promise.resolve(content.includes('\0') ? refuse('contains a NUL byte') : accept('plain text')),
};

/**
 * A minimal reading of ddclient.conf for an editor built without the ddclient lib: every line is a comment, blank, a
 * comma-separated list of `option=value` (continued with a trailing backslash) or a host list; quotes must close.
 * The service plugs in the ddclient check's own parser and validator instead (ddclient-edit-validator.ts).
 */
export const ddclientValidator: ConfigValidator = {
  name: 'ddclient',
  validate: (content) => {
    const lines = content.split('\n');
    for (const [index, line] of lines.entries()) {
      const problem = ddclientLineProblem(line);
      if (problem) return Promise.resolve(refuse(`line ${index + 1}: ${problem}`));
    }
    return Promise.resolve(accept(`${lines.length} lines read as ddclient.conf`));
  },
};

function ddclientLineProblem(line: string): string | undefined {
  const content = line.replace(/(^|\s)#.*$/u, '').replace(/\\\s*$/u, '').trim();
  if (content === '') return undefined;
  if ((content.match(/'/gu)?.length ?? 0) % 2 !== 0 || (content.match(/"/gu)?.length ?? 0) % 2 !== 0) return 'a quote is not closed';
  if (!content.includes('=')) return /^[A-Za-z0-9.*_,\s-]+$/u.test(content) ? undefined : 'a host list holds characters no host name has';
  const assignments = content.split(/,(?=(?:[^'"]|'[^']*'|"[^"]*")*$)/u).map((part) => part.trim()).filter((part) => part !== '');
  const bad = assignments.find((part) => !/^[A-Za-z][A-Za-z0-9_-]*\s*=\s*('[^']*'|"[^"]*"|[^\s'"]*)(\s+[A-Za-z0-9.*_-]+)*$/u.test(part));
  return bad === undefined ? undefined : `"${bad.split('=')[0]!.trim()}=…" is not option=value`;
}

/** Brackets open at once, as a cheap bound that runs before anything walks the parsed tree. */
function nestingDepth(content: string): number {
  let depth = 0;
  let deepest = 0;
  for (const char of content) {
    if (char === '{' || char === '[') deepest = Math.max(deepest, ++depth);
    else if (char === '}' || char === ']') depth -= 1;
  }
  return deepest;
}

/** The validator of each format that has no tool of its own (Caddy's is caddy validate, see CaddyValidator). */
export const FORMAT_VALIDATORS: Readonly<Record<Exclude<ConfigFormat, 'caddyfile'>, ConfigValidator>> = {
  json: jsonValidator,
  yaml: yamlValidator,
  text: textValidator,
  ddclient: ddclientValidator,
};

function accept(evidence: string): Verdict {
  return { ok: true, evidence };
}

function refuse(reason: string): Verdict {
  return { ok: false, reason };
}
