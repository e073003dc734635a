/** A start that cannot go on for a reason the operator must fix (bad environment, a held lock): exit 2, no stack. */
export class StartupError extends Error {}
