import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, STACK_ID } from '../../../infra/app';
import { PROJECT_ROOT } from '../../../infra/constructs/watchdog-function';
import type { Template } from './template';

/**
 * `cdk synth` as the CLI runs it — the project's feature flags, path metadata, bundling on (esbuild is local, so
 * offline) — into a fresh directory, whose assets are what `cdk deploy` would upload. Bundles mark @aws-sdk/*
 * external because the Lambda runtime provides it; a `node_modules/@aws-sdk` link beside the assets stands in for
 * that, and for nothing else: a bundle that needs any other package from outside fails here as it would on Lambda
 * (the SDK's own dependencies resolve from its real location).
 */
export function synthesizeAssets(configPath: string): { outdir: string; template: Template } {
  const outdir = mkdtempSync(join(tmpdir(), 'watchdog-rehearsal-'));
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const { app } = buildApp({ outdir, context: { ...cdkJson.context, config: configPath, 'aws:cdk:enable-path-metadata': true } });
  app.synth();
  mkdirSync(join(outdir, 'node_modules'));
  symlinkSync(join(PROJECT_ROOT, 'node_modules', '@aws-sdk'), join(outdir, 'node_modules', '@aws-sdk'), 'dir');
  return { outdir, template: JSON.parse(readFileSync(join(outdir, `${STACK_ID}.template.json`), 'utf8')) as Template };
}

/** The directory `cdk synth` staged a function's code in (`asset.<hash>`, the hash being the S3 key's name). */
export function assetDirOf(outdir: string, code: unknown): string {
  const key = (code as { S3Key?: unknown }).S3Key;
  if (typeof key !== 'string') throw new Error(`A function's code is not an uploaded asset: ${JSON.stringify(code)}`);
  return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
}
