/** Ends a switch over a union: adding a member without handling it is a compile error, and a runtime one. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify((value as { type?: unknown }).type ?? value)}`);
}
