// A stand-in for the Lambda Node.js runtime, run in a fresh process per rehearsed function: it imports the
// function's bundled asset (handler "index.handler" → ./index.mjs, export handler) and invokes it with each event
// the parent sends over IPC, as a warm container would, answering with the result or the error.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { existsSync } from 'node:fs';

const [assetDir, handlerSpec, timeoutSeconds] = process.argv.slice(2);
const [file, exportName] = handlerSpec.split('.');
const candidates = ['.mjs', '.js', '.cjs'].map((ext) => join(assetDir, `${file}${ext}`));
const entry = candidates.find((path) => existsSync(path));
if (!entry) throw new Error(`No ${file}.mjs/.js in ${assetDir}`);
const module = await import(pathToFileURL(entry).href);
const handler = module[exportName];
if (typeof handler !== 'function') throw new Error(`${entry} exports no function "${exportName}"`);

process.on('message', async ({ id, event }) => {
  const deadline = Date.now() + Number(timeoutSeconds) * 1000;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    awsRequestId: `rehearsal-${id}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await handler(event, context);
    process.send({ id, result: result ?? null });
  } catch (error) {
    process.send({ id, error: { name: error?.name, message: error?.message, stack: error?.stack } });
  }
});
process.send({ ready: true });
