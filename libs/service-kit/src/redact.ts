/** Removes credentials from a URL before it is logged (nats://user:secret@host → nats://***@host). */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/)[^@/]*@/, '$1***@');
}
