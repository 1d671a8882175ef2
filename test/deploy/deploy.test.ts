// deploy/ cannot be run here (no Docker engine, no cluster): these tests check what can be
// checked without one. Every YAML file parses; kustomize resources, Dockerfile COPY sources and
// the compose build files exist; every etbench command and flag the files use is one the CLI
// has; the shell script passes `bash -n`; the systemd unit has its sections and an absolute
// ExecStart.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { AGENT_HELP } from '../../cli/farm/agent-command.js';
import { SERVE_HELP } from '../../cli/farm/serve.js';
import { repoRoot } from '../helpers/fixtures.js';

const deploy = path.join(repoRoot, 'deploy');
const read = (rel: string): string => readFileSync(path.join(deploy, rel), 'utf8');
const HELP: Record<string, string> = { serve: SERVE_HELP, agent: AGENT_HELP };

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(e.name) ? [full] : [];
  });
}

function docs(rel: string): Record<string, unknown>[] {
  const parsed = parseAllDocuments(read(rel));
  for (const d of parsed) if (d.errors.length > 0) throw new Error(`${rel}: ${d.errors.map((e) => e.message).join('; ')}`);
  return parsed.map((d) => d.toJS() as Record<string, unknown>);
}

/** Flags (--x) in an argument list that the command's help does not mention. */
function unknownFlags(command: string, args: readonly string[]): string[] {
  const help = HELP[command];
  if (help === undefined) return [`unknown command ${command}`];
  return args.filter((a) => a.startsWith('--') && !help.includes(`${a} `)).map((a) => `${command} ${a}`);
}

test('every YAML file under deploy/ parses', (t) => {
  const files = yamlFiles(deploy);
  t.true(files.length >= 5, files.join(', '));
  for (const file of files) t.notThrows(() => docs(path.relative(deploy, file)), file);
});

test('kustomize resources exist and are the kinds the issue asks for', (t) => {
  const k = docs('k8s/kustomization.yaml')[0]!;
  const resources = k['resources'] as string[];
  const kinds = new Set<string>();
  for (const r of resources) {
    t.true(existsSync(path.join(deploy, 'k8s', r)), `k8s/${r} exists`);
    for (const d of docs(`k8s/${r}`)) kinds.add(String(d['kind']));
  }
  t.deepEqual([...kinds].sort(), ['DaemonSet', 'Deployment', 'Secret', 'Service']);
});

test('Dockerfiles copy files that exist and run etbench commands with flags it has', (t) => {
  for (const name of ['Dockerfile.orchestrator', 'Dockerfile.agent']) {
    const text = read(name);
    t.regex(text, /^FROM \S+/m);
    for (const m of text.matchAll(/^COPY (\S+) \S+$/gm)) t.true(existsSync(path.join(repoRoot, m[1]!)), `${name}: COPY ${m[1]} exists`);
    const entry = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(text)![1]!) as string[];
    t.deepEqual(entry.slice(0, 2), ['node', 'bin/etbench.js']);
    t.true(existsSync(path.join(repoRoot, entry[1]!)));
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(text)![1]!) as string[];
    t.deepEqual(unknownFlags(entry[2]!, cmd), [], name);
  }
});

test('compose and Kubernetes containers use existing Dockerfiles and known etbench flags', (t) => {
  const compose = docs('compose.yaml')[0]!['services'] as Record<string, { build?: { context: string; dockerfile: string }; command?: string[] }>;
  t.deepEqual(Object.keys(compose).sort(), ['agent', 'orchestrator', 'postgres']);
  for (const [name, service] of Object.entries(compose)) {
    if (service.build === undefined) continue;
    t.true(existsSync(path.join(deploy, service.build.context, service.build.dockerfile)), `${name}: ${service.build.dockerfile}`);
    t.deepEqual(unknownFlags(name === 'orchestrator' ? 'serve' : 'agent', service.command ?? []), []);
  }
  const containers = (file: string): { args: string[] }[] => docs(file).flatMap((d) =>
    ((d['spec'] as { template?: { spec: { containers: { args: string[] }[] } } } | undefined)?.template?.spec.containers ?? []));
  for (const c of containers('k8s/orchestrator.yaml')) t.deepEqual(unknownFlags('serve', c.args), []);
  for (const c of containers('k8s/agent.yaml')) t.deepEqual(unknownFlags('agent', c.args), []);
  // The check itself catches a flag etbench does not have.
  t.deepEqual(unknownFlags('serve', ['--no-such-flag']), ['serve --no-such-flag']);
});

test('system-deps.sh is valid bash and refuses an unknown role; the systemd unit is complete', (t) => {
  t.is(spawnSync('bash', ['-n', path.join(deploy, 'system-deps.sh')]).status, 0);
  const wrong = spawnSync('bash', [path.join(deploy, 'system-deps.sh'), 'toaster'], { encoding: 'utf8' });
  t.is(wrong.status, 2);
  t.regex(wrong.stderr, /role must be agent, orchestrator or all, got 'toaster'/);
  const unit = read('systemd/etbench-agent.service');
  for (const section of ['[Unit]', '[Service]', '[Install]']) t.true(unit.includes(section), section);
  const exec = /^ExecStart=(\S+) (\S+) (\S+) (.*)$/m.exec(unit)!;
  t.true(path.isAbsolute(exec[1]!));
  t.is(exec[2], '/opt/etbench/bin/etbench.js');
  t.deepEqual(unknownFlags(exec[3]!, exec[4]!.split(' ')), []);
});
