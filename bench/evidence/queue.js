// The bench's job queue: `jobs` run at a time. After each job, `next(job)` may hand back the same
// profile's next job (a second stage that grows it by its spread); that job runs before any other, so a
// profile is finished as soon as its seeds allow and no worker waits for a round of others to end.
// After a failure, or once `stopping()` says so, no new job starts and the ones running finish; then
// the first error is thrown.
export async function runQueue(queue, jobs, runJob, next = async () => null, stopping = () => false) {
  let failed = null
  const worker = async () => {
    while (!failed && !stopping()) {
      const job = queue.shift()
      if (!job) return
      try {
        await runJob(job)
        const then = await next(job)
        if (then) queue.unshift(then)
      } catch (error) {
        failed ??= {error}
      }
    }
  }
  await Promise.all(Array.from({length: jobs}, worker))
  if (failed) throw failed.error
}
