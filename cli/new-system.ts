/**
 * `reliakit new system NAME`: scaffolds `stacks/NAME.ts` — a minimal valid system: one
 * ReliableService with an availability SLO, its burn-rate and service alerts, and the SLO and
 * service dashboards every system ships — and registers it in the system list (stacks/systems.ts).
 * The stack tests iterate that list, so the new system gets its snapshots and invariants without a
 * test file of its own.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isDnsLabel } from '../lib';
import { CommandResult, ExitCode } from './result';

export interface NewSystemOptions {
  /** The system's name: a DNS label, the prefix of its object names. */
  readonly name: string;
  /** The project root (holding stacks/). */
  readonly root: string;
}

/** The system list every stack is registered in. */
export const SYSTEMS_FILE = 'stacks/systems.ts';
/** Prettier's line width (.prettierrc.json): the list stays on one line while it fits. */
const PRINT_WIDTH = 140;
const LIST_RE = /(export const SYSTEMS\b[^=]*=\s*\[)([^\]]*)(\];)/;

/** `llm-data-vault` → `llmDataVaultStack`: the stack function's name. */
export function stackFunctionName(system: string): string {
  return `${system.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase())}Stack`;
}

/** The scaffolded stack file. */
export function stackSource(system: string): string {
  const fn = stackFunctionName(system);
  return `/**
 * ${system} — scaffolded by \`reliakit new system ${system}\`: one service with an availability SLO,
 * its alerts and dashboards. Replace the image, ports, probes, resources, scaling and objective
 * with the system's plan, and cite the plan's sections in comments (README: Adding a service).
 */
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { AlertingRuleset, EnvironmentStage, Probe, ReliableService, ServiceDashboard, Sli, Slo, SloDashboard, SystemChart } from '../lib';

/** The team alerts are routed to and the runbooks' base URL. */
const TEAM = '${system}';
const RUNBOOKS = 'https://runbooks.example.com/${system}';

export function ${fn}(stage: EnvironmentStage): SystemChart {
  const env = stage.environment;
  const chart = new SystemChart(stage, '${system}');

  const api = new ReliableService(chart, 'api', {
    image: 'ghcr.io/example/${system}-api:0.1.0',
    ports: { http: 8080, metrics: 9090 },
    // Prometheus scrapes /metrics on the metrics port: the SLO and the alerts read its request counter.
    monitoring: { port: 'metrics' },
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    probes: { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez'), maxStartupTime: Duration.seconds(60) },
    shutdown: { drainTimeout: Duration.seconds(20) },
    autoscaling: { minReplicas: 2, maxReplicas: env.pick({ prod: 6, dev: 3 }), cpuUtilizationPercent: 70 },
  });
  const requests = \`http_requests_total{job="\${api.name}"}\`;
  const errors = \`http_requests_total{job="\${api.name}",code=~"5.."}\`;

  // The SLO's recording rules and multi-window burn-rate alerts.
  const slos = new AlertingRuleset(chart, 'slos', { team: TEAM });
  const availability = new Slo(chart, 'api-availability', {
    service: api,
    team: TEAM,
    name: 'availability',
    objective: 99.9,
    window: Duration.days(30),
    sli: Sli.requests({ total: requests, errors }),
    runbookUrl: \`\${RUNBOOKS}/api-availability\`,
  });
  slos.addSlo(availability);

  // Symptom alerts: the service down, crash looping, its 5xx ratio.
  const alerts = new AlertingRuleset(chart, 'alerts', { team: TEAM });
  alerts.addServiceAlerts(api, { runbookUrl: \`\${RUNBOOKS}/api-down\`, requests, errors, maxErrorPercent: 1 });

  new SloDashboard(chart, 'slo-dashboard', { title: '${system} — SLOs and error budgets' }).addSlo(availability);
  new ServiceDashboard(chart, 'service-dashboard', { title: '${system} — API' }).addService(api, {
    requests: \`http_requests_total{namespace="\${api.namespace}",job="\${api.name}"}\`,
    errors: \`http_requests_total{namespace="\${api.namespace}",job="\${api.name}",code=~"5.."}\`,
  });

  return chart;
}
`;
}

/** `src` with `fn` imported from `./<system>` and appended to the SYSTEMS list; throws naming what it cannot find. */
export function registerSystem(src: string, system: string): string {
  const fn = stackFunctionName(system);
  const list = LIST_RE.exec(src);
  if (!list) throw new Error(`${SYSTEMS_FILE}: no \`export const SYSTEMS = [...]\` list — restore it, then run the command again`);
  const entries = list[2]
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.includes(fn)) throw new Error(`${SYSTEMS_FILE}: ${fn} is already in SYSTEMS — choose another name`);
  entries.push(fn);
  const oneLine = `${list[1]}${entries.join(', ')}${list[3]}`;
  const rendered = oneLine.length <= PRINT_WIDTH ? oneLine : `${list[1]}\n${entries.map((e) => `  ${e},`).join('\n')}\n${list[3]}`;
  let out = src.replace(LIST_RE, () => rendered);

  // The import, in the sorted run of local imports.
  const line = `import { ${fn} } from './${system}';`;
  const locals = [...out.matchAll(/^import [^\n]* from '(\.\/[^']+)';$/gm)];
  const after = locals.find((m) => m[1] > `./${system}`);
  if (after) out = `${out.slice(0, after.index)}${line}\n${out.slice(after.index)}`;
  else {
    const last = locals[locals.length - 1] ?? [...out.matchAll(/^import [^\n]*;$/gm)].pop();
    if (!last) throw new Error(`${SYSTEMS_FILE}: no import to add ${line} after — restore the file`);
    const end = last.index! + last[0].length;
    out = `${out.slice(0, end)}\n${line}${out.slice(end)}`;
  }
  return out;
}

/** Writes the stack and registers it; refuses a bad name, an existing file or a system already listed. */
export function newSystem(options: NewSystemOptions): CommandResult {
  const fail = (message: string): CommandResult => ({ exitCode: ExitCode.USAGE, stdout: '', stderr: `error: ${message}\n` });
  const { name, root } = options;
  if (!isDnsLabel(name, 40)) {
    return fail(
      `'name' ('${name}') is not a DNS label of at most 40 characters — use lowercase letters, digits and dashes, so \`<system>-<component>\` stays a valid object name`,
    );
  }
  const stackFile = path.join(root, 'stacks', `${name}.ts`);
  const systemsFile = path.join(root, SYSTEMS_FILE);
  if (fs.existsSync(stackFile)) return fail(`${path.relative(root, stackFile)} exists already — choose another name or edit that stack`);
  if (!fs.existsSync(systemsFile)) return fail(`${systemsFile} does not exist — run the command in a Reliakit project (or give --root)`);
  let registered: string;
  try {
    registered = registerSystem(fs.readFileSync(systemsFile, 'utf8'), name);
  } catch (e) {
    return fail((e as Error).message);
  }
  fs.writeFileSync(stackFile, stackSource(name), 'utf8');
  fs.writeFileSync(systemsFile, registered, 'utf8');
  return {
    exitCode: ExitCode.OK,
    stdout: [
      `created stacks/${name}.ts (${stackFunctionName(name)}: one ReliableService with an availability SLO, its alerts and dashboards)`,
      `registered it in ${SYSTEMS_FILE}`,
      '',
      'next:',
      `  edit stacks/${name}.ts with the system's plan`,
      `  reliakit synth --system ${name}      # write apps/<env>/${name}/ and print its summary`,
      '  npm run test:update                   # record its snapshots (test/stacks/snapshots.test.ts covers every listed system)',
      '',
    ].join('\n'),
    stderr: '',
  };
}
