/** 1-based, as editors and ddclient's own warnings count. */
export type SourcePosition = { readonly line: number; readonly column: number };

/** Offsets into the file's text, end exclusive: what an edit or a mask replaces. */
export type SourceSpan = { readonly start: number; readonly end: number };

export type DdclientSetting = {
  readonly name: string;
  /** The value as ddclient 3.10 reads it (quotes and escapes resolved, a password taken by its own rule). */
  readonly value: string;
  readonly secret: boolean;
  readonly position: SourcePosition;
  /** The value as written, quotes included. */
  readonly span: SourceSpan;
};

/** One logical line (continuations joined) that holds settings, hosts or both. */
export type DdclientEntry = {
  readonly position: SourcePosition;
  readonly start: number;
  readonly settings: readonly DdclientSetting[];
  readonly hosts: readonly string[];
};

/** A host with the settings that apply to it: the globals set above its line, overridden by its line's own. */
export type DdclientHost = {
  readonly name: string;
  readonly position: SourcePosition;
  readonly entry: DdclientEntry;
  readonly settings: ReadonlyMap<string, DdclientSetting>;
};

export type DdclientProblem = {
  readonly severity: 'error' | 'warning';
  readonly position: SourcePosition | null;
  /** The option or host the problem is about, or `file`. */
  readonly field: string;
  /** Never holds a secret's value. */
  readonly message: string;
};

export type DdclientDocument = {
  readonly text: string;
  readonly entries: readonly DdclientEntry[];
  /** Globals as they stand at the end of the file. */
  readonly globals: ReadonlyMap<string, DdclientSetting>;
  readonly hosts: readonly DdclientHost[];
  /** Where every secret is written (passwords, including those ddclient misreads): what a masked rendering hides. */
  readonly secretSpans: readonly SourceSpan[];
  /** Syntax problems found while parsing (ddclient warns about them and carries on). */
  readonly problems: readonly DdclientProblem[];
};
