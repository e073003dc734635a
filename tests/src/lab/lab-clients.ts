import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { spawnTracked } from '../support/processes.js';

const DDCLIENT_TIMEOUT_MS = 60_000;
const CLIENT_TIMEOUT_MS = 15_000;

export type DdclientRun = { exitCode: number | null; output: string };

export type DigAnswer = { status: string; answers: string[] };

/** One ddclient run in the foreground, tracked by PID and bounded; its output is the run's log file. */
export async function runDdclient(files: { conf: string; cache: string; log: string }, force: boolean): Promise<DdclientRun> {
  const args = ['-daemon=0', '-foreground', '-verbose', '-noquiet', '-file', files.conf, '-cache', files.cache];
  const proc = spawnTracked('ddclient', force ? [...args, '-force'] : args, { logFile: files.log });
  const timer = new AbortController();
  const exited = await Promise.race([proc.exited().then(() => true), sleep(DDCLIENT_TIMEOUT_MS, false, { signal: timer.signal }).catch(() => false)]);
  timer.abort();
  if (!exited) {
    await proc.stop('SIGKILL');
    throw new Error(`ddclient did not finish within ${DDCLIENT_TIMEOUT_MS} ms:\n${proc.log()}`);
  }
  const exitCode = await proc.stop();
  return { exitCode, output: proc.log() };
}

/** nsupdate reads its commands on stdin; they are built from the lab's own names, never from user input. */
export function nsupdate(keyFile: string, commands: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('nsupdate', ['-k', keyFile], { stdio: ['pipe', 'ignore', 'pipe'], timeout: CLIENT_TIMEOUT_MS });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`nsupdate exited ${code}: ${stderr}`))));
    child.stdin.end(`${commands.join('\n')}\n`);
  });
}

export async function caddyRetry(adminPort: number, caddyfile: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${adminPort}/load`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/caddyfile', 'Cache-Control': 'must-revalidate' },
    body: readFileSync(caddyfile, 'utf8'),
    signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`Caddy's admin API refused the reload: HTTP ${response.status} ${await response.text()}`);
}

export function httpsGet(url: string, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, timeout: CLIENT_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`GET ${url}: HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within ${CLIENT_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export async function dig(port: number, name: string, type: 'A' | 'AAAA'): Promise<DigAnswer> {
  const args = ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', '+noall', '+comments', '+answer', name, type];
  const { stdout } = await promisify(execFile)('dig', args, { timeout: CLIENT_TIMEOUT_MS });
  const status = /status: ([A-Z]+)/.exec(stdout)?.[1] ?? 'NO ANSWER';
  const answers = stdout
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith(';'))
    .map((line) => line.split(/\s+/).at(-1) ?? '');
  return { status, answers };
}
