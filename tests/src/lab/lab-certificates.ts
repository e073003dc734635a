import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const OPENSSL_TIMEOUT_MS = 30_000;

/** Pebble's own HTTPS listener: Debian's package ships no test certificate, so the lab makes a CA and a leaf. */
export type ListenerCertificate = { caFile: string; certFile: string; keyFile: string };

export async function makeListenerCertificate(dir: string): Promise<ListenerCertificate> {
  const files = {
    caKey: join(dir, 'listener-ca-key.pem'),
    caFile: join(dir, 'listener-ca.pem'),
    keyFile: join(dir, 'pebble-listener-key.pem'),
    csr: join(dir, 'pebble-listener.csr'),
    certFile: join(dir, 'pebble-listener-cert.pem'),
    extensions: join(dir, 'pebble-listener.ext'),
  };
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(['req', '-x509', ...ecKey, '-keyout', files.caKey, '-out', files.caFile, '-days', '7', '-subj', '/CN=jarvis edge lab listener CA']);
  await openssl(['req', ...ecKey, '-keyout', files.keyFile, '-out', files.csr, '-subj', '/CN=localhost']);
  writeFileSync(files.extensions, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  const sign = ['x509', '-req', '-in', files.csr, '-CA', files.caFile, '-CAkey', files.caKey, '-CAcreateserial'];
  await openssl([...sign, '-out', files.certFile, '-days', '7', '-extfile', files.extensions]);
  return { caFile: files.caFile, certFile: files.certFile, keyFile: files.keyFile };
}

async function openssl(args: string[]): Promise<void> {
  await promisify(execFile)('openssl', args, { timeout: OPENSSL_TIMEOUT_MS });
}
