import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const OPENSSL_TIMEOUT_MS = 30_000;

export type CertificateFiles = { certFile: string; keyFile: string };

/** How long a leaf is valid: a number of days from now, or a fixed window (for an expired certificate). */
export type Validity = { days: number } | { start: string; end: string };

/**
 * A certificate authority made with the openssl CLI in `dir`, signing leaves for DNS names. `openssl ca` is used
 * because only it takes explicit start and end dates on OpenSSL 3.0 (an expired leaf).
 */
export class TestCa {
  readonly certFile: string;
  private readonly keyFile: string;
  private readonly config: string;

  private constructor(private readonly dir: string) {
    this.certFile = join(dir, 'ca.crt');
    this.keyFile = join(dir, 'ca.key');
    this.config = join(dir, 'ca.cnf');
  }

  static async create(dir: string, name: string): Promise<TestCa> {
    const ca = new TestCa(dir);
    mkdirSync(join(dir, 'issued'), { recursive: true });
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '1000\n');
    writeFileSync(ca.config, caConfig(dir));
    await openssl('req', '-x509', ...newKey(ca.keyFile), '-out', ca.certFile, '-days', '30', '-subj', `/CN=${name}`);
    return ca;
  }

  /** A leaf for `dnsName` signed by this CA. */
  async issue(dnsName: string, validity: Validity): Promise<CertificateFiles> {
    const files = { certFile: join(this.dir, `${dnsName}.crt`), keyFile: join(this.dir, `${dnsName}.key`) };
    const csr = join(this.dir, `${dnsName}.csr`);
    const extensions = join(this.dir, `${dnsName}.ext`);
    writeFileSync(extensions, `subjectAltName=DNS:${dnsName}\n`);
    await openssl('req', ...newKey(files.keyFile), '-out', csr, '-subj', `/CN=${dnsName}`);
    const dates = 'days' in validity ? ['-days', String(validity.days)] : ['-startdate', validity.start, '-enddate', validity.end];
    await openssl('ca', '-batch', '-config', this.config, '-cert', this.certFile, '-keyfile', this.keyFile, '-in', csr, '-out', files.certFile, '-notext', '-extfile', extensions, ...dates);
    return files;
  }
}

/** A leaf that signed itself, as a server's fallback certificate would be. */
export async function selfSignedLeaf(dir: string, dnsName: string): Promise<CertificateFiles> {
  const files = { certFile: join(dir, `${dnsName}.crt`), keyFile: join(dir, `${dnsName}.key`) };
  await openssl('req', '-x509', ...newKey(files.keyFile), '-out', files.certFile, '-days', '30', '-subj', `/CN=${dnsName}`, '-addext', `subjectAltName=DNS:${dnsName}`);
  return files;
}

function newKey(keyFile: string): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile];
}

async function openssl(...args: string[]): Promise<void> {
  await run('openssl', args, { timeout: OPENSSL_TIMEOUT_MS });
}

function caConfig(dir: string): string {
  return [
    '[ ca ]',
    'default_ca = test',
    '[ test ]',
    `database = ${join(dir, 'index.txt')}`,
    `new_certs_dir = ${join(dir, 'issued')}`,
    `serial = ${join(dir, 'serial')}`,
    'default_md = sha256',
    'policy = any',
    'unique_subject = no',
    '[ any ]',
    'commonName = supplied',
    '',
  ].join('\n');
}
