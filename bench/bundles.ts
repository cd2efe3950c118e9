import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { esbuildOptionsOf, watchdogBundling } from '../infra/constructs/watchdog-function';
import { loadConfigFile } from '../shared/config/load';
import { DEMO_CONFIG } from '../infra/local/options';
import { median } from './stats';

export interface BundleFigures {
  entry: string;
  bytes: number;
  coldLoadMsMedian: number;
  coldLoadRuns: number[];
  /** The same probe importing only the packages the bundle leaves external (the AWS SDK, from the Lambda runtime). */
  externalsLoadMsMedian: number;
  externals: string[];
}

const root = fileURLToPath(new URL('../', import.meta.url));

/**
 * Bundles each function exactly as the stack does (same esbuild options, demo config inlined) and measures a cold
 * module load: a fresh `node` importing the bundle, median of several runs. The AWS SDK stays external as on
 * Lambda, where it comes with the runtime; here it loads from node_modules.
 */
export async function benchBundles(entries: string[], runs = 7): Promise<BundleFigures[]> {
  const options = watchdogBundling(loadConfigFile(DEMO_CONFIG));
  const outDir = join(root, 'bench', 'results', 'bundles');
  mkdirSync(outDir, { recursive: true });
  const figures: BundleFigures[] = [];
  for (const entry of entries) {
    const outfile = join(outDir, `${entry.replace(/\W+/g, '-')}.mjs`);
    const result = await build({ ...esbuildOptionsOf(options), metafile: true, entryPoints: [join(root, entry)], outfile });
    const externals = [...new Set(Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => i.path)))].sort();
    const probe = (imports: string) => `const t=performance.now();${imports};process.stdout.write(String(performance.now()-t));`;
    const time = (code: string) => Number(execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' }));
    // Alternating the two probes keeps a busy machine from favouring one of them.
    const coldLoadRuns: number[] = [];
    const externalRuns: number[] = [];
    for (let run = 0; run < runs; run++) {
      coldLoadRuns.push(time(probe(`await import(${JSON.stringify(outfile)})`)));
      externalRuns.push(time(probe(`await Promise.all(${JSON.stringify(externals)}.map((m) => import(m)))`)));
    }
    figures.push({ entry, bytes: statSync(outfile).size, coldLoadMsMedian: median(coldLoadRuns), coldLoadRuns, externalsLoadMsMedian: median(externalRuns), externals });
  }
  return figures;
}
