/**
 * Deletes a map's entries oldest first (insertion order) without starting over each time. A `Map` keeps the slots of
 * deleted entries until it next grows, and a fresh iterator walks past every one of them: dropping the oldest
 * through `map.keys().next()` or a loop from the start costs time in proportion to the map's size, on every call. A
 * cursor kept per map stays past them. The map itself is unchanged (snapshots, equality); a map the cursor has not
 * seen (one restored from a snapshot) gets a new one.
 */
type Cursor<K> = { keys: Iterator<K>; oldest: K | undefined };

/** What a `Map` and a `Set` have in common, in insertion order. */
export type InsertionOrdered<K> = { readonly size: number; keys(): Iterator<K>; has(key: K): boolean; delete(key: K): boolean };

const cursors = new WeakMap<InsertionOrdered<unknown>, Cursor<unknown>>();

/** Deletes the oldest entry while `shouldDelete` says so for it, telling `deleted` each one; stops at the first kept. */
export function deleteOldestWhile<K, V>(map: Map<K, V>, shouldDelete: (key: K, value: V) => boolean, deleted: (key: K) => void = () => undefined): void {
  deleteOldestOf(map, (key) => shouldDelete(key, map.get(key)!), deleted);
}

/** Keeps the newest `capacity` entries. */
export function keepNewest<K>(keys: InsertionOrdered<K>, capacity: number): void {
  if (keys.size > capacity) deleteOldestOf(keys, () => keys.size > capacity, () => undefined);
}

function deleteOldestOf<K>(map: InsertionOrdered<K>, shouldDelete: (key: K) => boolean, deleted: (key: K) => void): void {
  const cursor = cursorOf(map);
  for (;;) {
    // Deleted by other means since it was read: no longer the oldest.
    if (cursor.oldest !== undefined && !map.has(cursor.oldest)) cursor.oldest = undefined;
    cursor.oldest ??= nextKey(cursor, map);
    if (cursor.oldest === undefined) return;
    const key = cursor.oldest;
    if (!shouldDelete(key)) return;
    cursor.oldest = undefined;
    map.delete(key);
    deleted(key);
  }
}

/**
 * Call before deleting an entry that may be set again (it then moves to the end): the cursor must not keep it as
 * the oldest.
 */
export function beforeDeleting<K>(map: InsertionOrdered<K>, key: K): void {
  const cursor = cursors.get(map as InsertionOrdered<unknown>);
  if (cursor !== undefined && cursor.oldest === key) cursor.oldest = undefined;
}

function cursorOf<K>(map: InsertionOrdered<K>): Cursor<K> {
  let cursor = cursors.get(map as InsertionOrdered<unknown>) as Cursor<K> | undefined;
  if (!cursor) cursors.set(map as InsertionOrdered<unknown>, (cursor = { keys: map.keys(), oldest: undefined }));
  return cursor;
}

function nextKey<K>(cursor: Cursor<K>, map: InsertionOrdered<K>): K | undefined {
  const next = cursor.keys.next();
  if (!next.done) return next.value;
  // A finished iterator never sees later entries: once the map was walked to its end (emptied), start afresh.
  cursor.keys = map.keys();
  const first = cursor.keys.next();
  return first.done ? undefined : first.value;
}
