/**
 * Mount points listed in `/proc/self/mountinfo` text. The fifth field is the mount point, with space, tab, newline and
 * backslash written as octal escapes (`\040`, `\011`, `\012`, `\134`).
 */
export function mountPointsOf(mountinfo: string): string[] {
  return mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((field): field is string => field !== undefined && field.startsWith('/'))
    .map((field) => field.replace(/\\([0-7]{3})/gu, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))));
}

/** The mount point that contains `path`: the longest listed mount point that is `path` or one of its parents. */
export function enclosingMountPoint(path: string, mountPoints: readonly string[]): string | undefined {
  return mountPoints
    .filter((point) => point === path || point === '/' || path.startsWith(`${point}/`))
    .reduce<string | undefined>((best, point) => (best === undefined || point.length > best.length ? point : best), undefined);
}
