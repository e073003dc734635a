/** Every keyword ddclient 3.10 accepts in ddclient.conf, across its global defaults and all protocols. */
export const DDCLIENT_KEYWORDS: readonly string[] = [
  'atime', 'backupmx', 'cache', 'cmd', 'cmd-skip', 'cmdv4', 'cmdv6', 'curl', 'custom', 'daemon', 'debug', 'dynurl', 'exec', 'facility', 'file',
  'force', 'foreground', 'fw', 'fw-login', 'fw-password', 'fw-skip', 'fw-ssl-validate', 'fwv4', 'fwv4-skip', 'fwv6', 'fwv6-skip', 'geturl', 'help',
  'host', 'if', 'ifv4', 'ifv6', 'ip', 'ipv4', 'ipv6', 'login', 'mail', 'mail-failure', 'max-interval', 'max-warn', 'min-error-interval',
  'min-interval', 'min_interval', 'mtime', 'mx', 'password', 'pid', 'postscript', 'priority', 'protocol', 'proxy', 'quiet', 'quietreply', 'retry',
  'script', 'server', 'ssl', 'ssl_ca_dir', 'ssl_ca_file', 'static', 'status', 'status-ipv4', 'status-ipv6', 'syslog', 'tcp', 'test', 'timeout',
  'ttl', 'use', 'usev4', 'usev6', 'verbose', 'warned-min-error-interval', 'warned-min-interval', 'web', 'web-skip', 'web-ssl-validate', 'webv4',
  'webv4-skip', 'webv6', 'webv6-skip', 'wildcard', 'wtime', 'zone',
];

/** The protocols (services) of ddclient 3.10. */
export const DDCLIENT_PROTOCOLS: readonly string[] = [
  '1984', 'changeip', 'cloudflare', 'cloudns', 'dinahosting', 'dnsexit', 'dnsmadeeasy', 'dondominio', 'dslreports1', 'duckdns', 'dyndns1', 'dyndns2',
  'easydns', 'freedns', 'freemyip', 'gandi', 'godaddy', 'googledomains', 'hetzner', 'keysystems', 'namecheap', 'nfsn', 'njalla', 'noip', 'nsupdate',
  'ovh', 'sitelutions', 'woima', 'yandex', 'zoneedit1',
];

/** ddclient's protocol when none is set. */
export const DEFAULT_PROTOCOL = 'dyndns2';

/**
 * What a host of each protocol cannot work without (ddclient has no default for these). nsupdate's login is the
 * nsupdate program and defaults to /usr/bin/nsupdate; cloudflare's login defaults to `token` (API tokens).
 */
export const REQUIRED_SETTINGS: Readonly<Record<string, readonly string[]>> = {
  nsupdate: ['server', 'password', 'zone'],
  dyndns2: ['login', 'password'],
  dyndns1: ['login', 'password'],
  cloudflare: ['password', 'zone'],
  noip: ['login', 'password'],
  namecheap: ['login', 'password'],
  duckdns: ['password'],
  freedns: ['login', 'password'],
  ovh: ['login', 'password'],
  hetzner: ['password', 'zone'],
};

/** ddclient reads any keyword containing `password` with its own rule (see the parser) and they are secrets. */
export function isSecretKeyword(name: string): boolean {
  return name.includes('password');
}
