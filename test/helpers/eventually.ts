/**
 * Change notifications arrive asynchronously (on PostgreSQL over another connection, or from another process):
 * polls `check` every 40 ms until it holds, failing after `seconds`.
 */
export async function eventually(check: () => Promise<boolean>, seconds = 2): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not reached within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}
