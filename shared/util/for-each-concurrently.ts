/** Runs `work` over an async source with at most `limit` in flight; stops taking new items once `stop()` says so. */
export async function forEachConcurrently<T>(source: AsyncIterable<T>, limit: number, stop: () => boolean, work: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  for await (const item of source) {
    if (stop()) break;
    const task: Promise<void> = work(item).finally(() => running.delete(task));
    running.add(task);
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
}
