// `npm run lab`: starts the edge lab and leaves it running for manual exploration until Ctrl-C or SIGTERM.
import { parseArgs } from 'node:util';
import { startEdgeLab, type EdgeLab, type EdgeLabOptions } from './edge-lab.js';

const LABEL_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** `--labels www,blog` (hosts under the lab zone) and `--dir FOLDER`. */
function optionsFromArgs(): EdgeLabOptions {
  const { values } = parseArgs({ options: { labels: { type: 'string' }, dir: { type: 'string' } }, strict: true });
  const labels = values.labels?.split(',');
  const bad = labels?.find((label) => !LABEL_PATTERN.test(label));
  if (bad !== undefined) throw new Error(`--labels: "${bad}" is not a DNS label (a-z, 0-9, -)`);
  return { labels, dir: values.dir };
}

function howToReach(lab: EdgeLab): string {
  const { ports, paths } = lab;
  const host = lab.hosts[0]!;
  const ddclient = `ddclient -daemon=0 -foreground -verbose -noquiet -file ${paths.ddclientConf} -cache ${paths.ddclientCache}`;
  return [
    `Jarvis edge lab running in ${paths.dir} (zone ${lab.zone}, hosts ${lab.hosts.join(', ')})`,
    '',
    `named (bind9, pid ${lab.processes.named.pid}), authoritative on 127.0.0.1:${ports.dns}:`,
    `  dig @127.0.0.1 -p ${ports.dns} ${host} A`,
    `  nsupdate -k ${paths.tsigKey}    (then: server 127.0.0.1 ${ports.dns} / update add ${host} 5 A 127.0.0.1 / send)`,
    `resolver (named, caching, pid ${lab.processes.resolver.pid}) on 127.0.0.1:${ports.resolver}, forwarding the lab zone to it:`,
    `  dig @127.0.0.1 -p ${ports.resolver} ${host} A`,
    `ddclient (run on demand; the hosts are not published yet):`,
    `  ${ddclient}`,
    `  ${ddclient} -force    (after a failure, ddclient skips updates for 5 minutes without it)`,
    `  secret: ${paths.ddclientKey} (named's copy: ${paths.tsigKey}); config: ${paths.ddclientConf}`,
    `pebble (pid ${lab.processes.pebble.pid}), ACME directory https://127.0.0.1:${ports.acme}/dir:`,
    `  curl --cacert ${paths.pebbleListenerCa} https://127.0.0.1:${ports.acmeManagement}/roots/0 > pebble-root.pem`,
    `Caddy (pid ${lab.processes.caddy.pid}), admin http://127.0.0.1:${ports.caddyAdmin}, HTTP ${ports.http}, HTTPS ${ports.https}, config ${paths.caddyfile}:`,
    `  curl --cacert pebble-root.pem --resolve ${host}:${ports.https}:127.0.0.1 https://${host}:${ports.https}/`,
    `  curl -X POST -H 'Content-Type: text/caddyfile' -H 'Cache-Control: must-revalidate' --data-binary @${paths.caddyfile} http://127.0.0.1:${ports.caddyAdmin}/load    (retry the certificate now)`,
    `upstream (busybox httpd, pid ${lab.processes.upstream.pid}): curl http://127.0.0.1:${ports.upstream}/`,
    `logs: ${paths.dir}/{named,resolver,pebble,caddy,upstream}.log`,
    '',
    `Stop: Ctrl-C, or kill ${process.pid} (this process; it stops every part by its PID).`,
  ].join('\n');
}

async function main(): Promise<void> {
  const lab = await startEdgeLab(optionsFromArgs());
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the edge lab (pids ${lab.pids().join(', ')})`);
    await lab.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(howToReach(lab));
}

main().catch((error: Error) => {
  console.error(`edge lab: ${error.message}`);
  process.exit(1);
});
