/** Caps that keep an alias bomb or a deeply nested document from exhausting memory (security notes, Parsing). */
export const YAML_LIMITS = { maxAliasCount: 100, uniqueKeys: true, prettyErrors: false } as const;

/** Config files are small; a larger one is refused before it is parsed. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
