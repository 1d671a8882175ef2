// `etbench certs --out DIR`: a throwaway certificate authority and certificates for mutual TLS
// between orchestrators, agents and clients, made with the openssl command (Debian's openssl
// package). Fine for a lab; a real deployment may use its own PKI with the same flags.

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ExitError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

export const CERTS_HELP = `Usage: etbench certs --out DIR [--hosts NAMES] [--clients NAMES] [--days N]

Makes a private CA and certificates for mutual TLS (needs the openssl command):
  DIR/ca.crt, ca.key               the CA (keep ca.key private; give ca.crt to everyone)
  DIR/server.crt, server.key       for etbench serve --tls-cert/--tls-key (--tls-client-ca DIR/ca.crt)
  DIR/NAME.crt, NAME.key           one per client, for etbench agent/run/devices --tls-cert/--tls-key

  --out DIR         where to write (created)
  --hosts NAMES     names and IPs the orchestrator is reached by (default localhost,127.0.0.1)
  --clients NAMES   client certificates to make, by common name (default agent,client)
  --days N          validity of the server and client certificates (default 365)
`;

function openssl(args: readonly string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.error !== undefined) throw new ExitError(1, `certs: cannot run openssl (${r.error.message}); install Debian's openssl package`);
  if (r.status !== 0) throw new ExitError(1, `certs: openssl ${args[0]} failed: ${r.stderr.trim()}`);
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A new CA in dir (ca.crt, ca.key), valid ten years. */
export function makeCa(dir: string, commonName = 'etbench lab CA'): { cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  openssl(['req', '-x509', ...KEY, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', `/CN=${commonName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  chmodSync(path.join(dir, 'ca.key'), 0o600);
  return { cert: path.join(dir, 'ca.crt'), key: path.join(dir, 'ca.key') };
}

export interface IssueOptions {
  /** Names for a server certificate's subjectAltName (DNS names or IPs); absent: a client certificate. */
  hosts?: readonly string[];
  /** Validity in days; -1 makes a certificate that has already expired (tests). */
  days?: number;
}

/** DIR/NAME.crt and NAME.key signed by the CA. */
export function issueCert(ca: { cert: string; key: string }, dir: string, name: string, options: IssueOptions = {}): { cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const ext = path.join(dir, `${name}.ext`);
  const san = (options.hosts ?? []).map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  writeFileSync(ext, options.hosts === undefined ? 'extendedKeyUsage=clientAuth\n' : `extendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`);
  openssl(['req', '-new', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', String(options.days ?? 365),
    '-extfile', ext, '-out', `${name}.crt`], dir);
  chmodSync(path.join(dir, `${name}.key`), 0o600);
  return { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
}

const list = (flag: string, value: string | undefined, fallback: string): string[] => {
  const names = (value ?? fallback).split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const n of names) if (!/^[A-Za-z0-9_.:-]+$/.test(n)) throw new UsageError(`--${flag}: '${n}' is not a host name, IP or plain name`);
  return names;
};

export function certsCommand(argv: readonly string[], io: CliIo): void {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], strict: true, allowPositionals: false,
      options: { out: { type: 'string' }, hosts: { type: 'string' }, clients: { type: 'string' }, days: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (e) {
    throw new UsageError(`certs: ${(e as Error).message}`);
  }
  if (values.help === true) {
    io.stdout(CERTS_HELP);
    return;
  }
  if (values.out === undefined) throw new UsageError('certs: --out DIR is required');
  const days = Number(values.days ?? '365');
  if (!Number.isSafeInteger(days) || days < 1) throw new UsageError(`--days must be an integer >= 1, got '${values.days}'`);
  const dir = path.resolve(io.cwd, values.out);
  const ca = makeCa(dir);
  issueCert(ca, dir, 'server', { hosts: list('hosts', values.hosts, 'localhost,127.0.0.1'), days });
  const clients = list('clients', values.clients, 'agent,client');
  for (const name of clients) issueCert(ca, dir, name, { days });
  io.stdout(`wrote ${dir}: ca.crt, server.crt/key, ${clients.map((c) => `${c}.crt/key`).join(', ')}\n`);
}
