export * from './cleanup-rules.js';
export * from './disk-cleanup.js';
export { DiskPathError } from './disk-path-error.js';
export * from './disk-usage.js';
export { admitEntryName, entryNameProblem, isInsideRoot, type AdmittedName, type RefusedName } from './path-guard.js';
export type { SkippedEntry, StoppedEarly } from './sweep.js';
export * from './whitelist.js';
export * from './filesystem-disk-port.js';
