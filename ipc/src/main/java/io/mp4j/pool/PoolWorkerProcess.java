package io.mp4j.pool;

import io.mp4j.host.WorkerHost;
import io.mp4j.host.internal.HostConnection;
import io.mp4j.internal.ProcessIdentity;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ChildStartException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The JVM behind one of a pool's worker slots: a child the pool spawned, or a worker leased from a
 * {@link WorkerHost}. Used by the pool's engine thread.
 */
interface PoolWorkerProcess
{
    String name();

    long pid();

    boolean isAlive();

    /** Stops the JVM at once, e.g. because it is stuck in a cancelled task. */
    void kill();

    /** How the JVM ended, for error messages. */
    String exitDescription();

    /** Why the JVM ended before mp4j's bootstrap ran in it, or null if it did run. */
    default ChildStartException startFailure()
    {
        return null;
    }

    /** Completes when the JVM has exited. */
    CompletableFuture<?> onExit();

    /**
     * Waits until the worker has let go of the pool after STOP: a spawned worker exits, a leased one
     * goes back to its host.
     */
    boolean awaitRelease(Duration timeout) throws InterruptedException;

    /** A worker JVM the pool started and owns. */
    record Spawned(ChildProcess process) implements PoolWorkerProcess
    {
        @Override
        public String name()
        {
            return process.name();
        }

        @Override
        public long pid()
        {
            return process.pid();
        }

        @Override
        public boolean isAlive()
        {
            return process.isAlive();
        }

        @Override
        public void kill()
        {
            process.kill();
        }

        @Override
        public String exitDescription()
        {
            return "exitCode=" + process.exitCode().orElse(-1);
        }

        @Override
        public ChildStartException startFailure()
        {
            return process.failure().filter(ChildStartException.class::isInstance)
                .map(ChildStartException.class::cast).orElse(null);
        }

        @Override
        public CompletableFuture<?> onExit()
        {
            return process.onExit();
        }

        @Override
        public boolean awaitRelease(final Duration timeout) throws InterruptedException
        {
            return process.join(timeout);
        }
    }

    /** A warm worker of a host, leased for the pool's lifetime; the host owns the JVM. */
    record Leased(HostConnection host, int slot, ProcessIdentity worker) implements PoolWorkerProcess
    {
        @Override
        public String name()
        {
            return "HostWorker-" + host.name() + '-' + slot;
        }

        @Override
        public long pid()
        {
            return worker.pid();
        }

        @Override
        public boolean isAlive()
        {
            return worker.isAlive();
        }

        @Override
        public void kill()
        {
            ProcessHandle.of(worker.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }

        @Override
        public String exitDescription()
        {
            return "host=" + host.name();
        }

        @Override
        public CompletableFuture<?> onExit()
        {
            return ProcessHandle.of(worker.pid()).map(ProcessHandle::onExit)
                .orElseGet(() -> CompletableFuture.completedFuture(null));
        }

        @Override
        public boolean awaitRelease(final Duration timeout) throws InterruptedException
        {
            // After STOP the worker hands its slot back to the host by itself; wait until it has.
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (host.isLeasedByThisProcess(slot))
            {
                if (System.nanoTime() >= deadline || !worker.isAlive())
                {
                    return !worker.isAlive();
                }
                Thread.sleep(1);
            }
            return true;
        }
    }
}
