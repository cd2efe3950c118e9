import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The CDK app entry as the CLI runs it (`npx tsx infra/app.ts`), with context passed the way the CLI passes it.

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');
const demo = JSON.parse(readFileSync(join(root, 'config/demo.json'), 'utf8')) as { inboxes: Array<Record<string, unknown>> };

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'watchdog-app-'));
}

function runApp(context: Record<string, unknown>) {
  const outdir = scratch();
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }), CDK_OUTDIR: outdir };
  delete env.WATCHDOG_CONFIG;
  const result = spawnSync(process.execPath, [tsx, 'infra/app.ts'], { cwd: root, env, encoding: 'utf8', timeout: 110_000 });
  return { status: result.status, stderr: result.stderr, outdir };
}

// Each case spawns a full CDK synth in a child process: give it room on a busy 2-core machine.
describe('infra/app.ts', { timeout: 120_000 }, () => {
  it('fails with the config file’s own messages, naming each path and problem, and no stack trace', () => {
    const [acme] = demo.inboxes;
    const path = join(scratch(), 'watchdog.json');
    writeFileSync(path, JSON.stringify({ inboxes: [{ ...acme, hours: { mon: '9-17' }, managers: [], replyWithn: '4h' }] }));

    const { status, stderr } = runApp({ config: path });

    expect(status).toBe(1);
    expect(stderr).toContain(`Invalid configuration in ${path}:`);
    expect(stderr).toMatch(/inboxes\[0\]\.hours\.mon: .*9-17/);
    expect(stderr).toContain('inboxes[0].managers: needs at least one manager');
    expect(stderr).toContain('inboxes[0]: unknown field "replyWithn"');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('fails with a clear message when the config file does not exist', () => {
    const { status, stderr } = runApp({ config: 'no/such/watchdog.json' });
    expect(status).toBe(1);
    expect(stderr).toContain('no/such/watchdog.json');
    expect(stderr).toContain('cannot read the file (ENOENT)');
  });

  it('synthesizes the stack from the demo config when no config is named', () => {
    const { status, stderr, outdir } = runApp({});
    expect(stderr).not.toContain('Invalid configuration');
    expect(status).toBe(0);
    const template = JSON.parse(readFileSync(join(outdir, 'InquiryWatchdog.template.json'), 'utf8')) as { Outputs: Record<string, unknown> };
    expect(Object.keys(template.Outputs)).toEqual(expect.arrayContaining(['ApiUrl', 'WebhookUrlAcme']));
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(true);
  }, 90_000); // a full synth in a child process; slow when the suite's browser and e2e tests share the cores
});
