package io.mp4j.pool;

/**
 * Told how a pool's calls progress: set it with {@link PoolContext#progress(ProgressListener)}. The pool
 * reports each call at most once per {@link PoolContext#progressInterval(java.time.Duration) interval}
 * while results come in, and once more when its last result is in; a call that fails stops reporting.
 * What Python users get from wrapping {@code imap} in {@code tqdm}:
 * <pre>{@code
 * Pool pool = new Pool(new PoolContext().progress(new ConsoleProgress()));
 * pool.map(x -> slow(x), items);   // a bar on standard error: [#####-----] 52% 520/1000 items 95.1/s
 * }</pre>
 * The pool's engine thread calls it, so it must be quick (no I/O that blocks); an exception it throws
 * is logged once and otherwise ignored.
 */
@FunctionalInterface
public interface ProgressListener
{
    /**
     * Takes a report.
     *
     * @param progress how far a call has come.
     */
    void progress(PoolProgress progress);
}
