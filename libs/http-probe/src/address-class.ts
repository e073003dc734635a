/**
 * Which addresses a health check must not reach unless told to: link-local ones (a host's neighbours, not a
 * service) and cloud-metadata ones (the instance's credentials: the classic SSRF target). Pure, so it is tested
 * as a table.
 */
export type AddressClass = 'cloud_metadata' | 'link_local' | 'ordinary';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

/** AWS, GCP, Azure, Oracle (169.254.169.254), AWS ECS task credentials (169.254.170.2) and Alibaba (100.100.100.200). */
const METADATA_IPV4 = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200']);
/** AWS's IPv6 instance metadata address, fd00:ec2::254. */
const METADATA_IPV6 = [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x254];

export function classifyAddress(address: string): AddressClass {
  const v4 = parseIPv4(address);
  if (v4) return classifyIPv4(v4);
  const v6 = parseIPv6(address);
  if (!v6) throw new TypeError(`classifyAddress: "${address.slice(0, 64)}" is not an IP address`);
  return classifyIPv6(v6);
}

function classifyIPv4(bytes: number[]): AddressClass {
  if (METADATA_IPV4.has(bytes.join('.'))) return 'cloud_metadata';
  return bytes[0] === 169 && bytes[1] === 254 ? 'link_local' : 'ordinary';
}

function classifyIPv6(groups: number[]): AddressClass {
  if (groups.every((group, i) => group === METADATA_IPV6[i])) return 'cloud_metadata';
  if (((groups[0] ?? 0) & 0xffc0) === 0xfe80) return 'link_local';
  const embedded = embeddedIPv4(groups);
  return embedded ? classifyIPv4(embedded) : 'ordinary';
}

/**
 * The IPv4 address carried by an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) or NAT64
 * (64:ff9b::a.b.c.d) address: each reaches that IPv4 host, so each is judged as it.
 */
function embeddedIPv4(groups: number[]): number[] | null {
  const head = groups.slice(0, 6);
  const zeros = (from: number) => head.slice(from).every((group) => group === 0);
  const mapped = zeros(0) || (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff);
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2);
  if (!mapped && !nat64) return null;
  const high = groups[6] ?? 0;
  const low = groups[7] ?? 0;
  return [high >> 8, high & 0xff, low >> 8, low & 0xff];
}

function parseIPv4(text: string): number[] | null {
  const match = IPV4.exec(text);
  if (!match) return null;
  const bytes = match.slice(1).map(Number);
  return bytes.every((byte) => byte <= 255) ? bytes : null;
}

/** Eight 16-bit groups; a zone (`%eth0`) is dropped, an IPv4 tail becomes the last two groups. */
function parseIPv6(text: string): number[] | null {
  const bare = text.split('%')[0] ?? '';
  const halves = bare.split('::');
  if (halves.length > 2 || (halves.length === 2 && (halves[0] ?? '').includes('.'))) return null;
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1) return missing === 0 ? head : null;
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : null;
}

function groupsOf(part: string): number[] | null {
  if (part === '') return [];
  const fields = part.split(':');
  const last = fields[fields.length - 1] ?? '';
  const v4 = last.includes('.') ? parseIPv4(last) : null;
  if (last.includes('.') && !v4) return null;
  const hex = v4 ? fields.slice(0, -1) : fields;
  if (!hex.every((field) => HEXTET.test(field))) return null;
  const groups = hex.map((field) => parseInt(field, 16));
  return v4 ? [...groups, ((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0)] : groups;
}
