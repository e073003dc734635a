import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `tests/lab/`, from `tests/dist/lab/` once compiled. */
export const LAB_TEMPLATE_DIR = fileURLToPath(new URL('../../lab/', import.meta.url));

const PLACEHOLDER = /\{\{([A-Z_]+)\}\}/g;

/**
 * A template from `tests/lab/` with every `{{NAME}}` replaced; a placeholder without a value is an error, so a
 * renamed variable cannot leave a half-written config behind.
 */
export function renderTemplate(name: string, values: Readonly<Record<string, string | number>>): string {
  const template = readFileSync(`${LAB_TEMPLATE_DIR}${name}`, 'utf8');
  return template.replace(PLACEHOLDER, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`lab template ${name}: no value for {{${key}}}`);
    return String(value);
  });
}

export function writeTemplate(name: string, file: string, values: Readonly<Record<string, string | number>>, mode = 0o644): void {
  writeFileSync(file, renderTemplate(name, values), { mode });
}
