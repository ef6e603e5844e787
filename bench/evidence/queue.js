// The bench's job queue: `jobs` run at a time. After each job, `next(job)` may hand back the same
// profile's next job (a second stage that grows it by its spread); that job runs before any other, so a
// profile is finished as soon as its seeds allow and no worker waits for a round of others to end.
// After a failure no new job starts; the ones running finish, then the first error is thrown.
export async function runQueue(queue, jobs, runJob, next = async () => null) {
  let failed = null
  const worker = async () => {
    while (!failed) {
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
