package io.mp4j.sharedstate;

import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessTarget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The child JVMs of one test: started through {@link ChildProcess} (their output goes to the test's
 * output file), joined with a bound, and on close stopped gracefully, then forcibly, so that no JVM
 * outlives its test. Public for the tests that start children of their own.
 */
public final class Children implements AutoCloseable
{
    private final List<ChildProcess> started = new ArrayList<>();

    /** Starts a named child running the target. */
    public ChildProcess start(final String name, final ProcessTarget target)
    {
        final ChildProcess child = new ChildProcess(target).name(name).start();
        started.add(child);
        return child;
    }

    /** Waits for every child started here to end with exit code 0. */
    public void joinAllSucceeded(final Duration timeout) throws InterruptedException
    {
        for (final ChildProcess child : started)
        {
            joinSucceeded(child, timeout);
        }
    }

    /** Waits for the child to end with exit code 0, failing with its error otherwise. */
    public static void joinSucceeded(final ChildProcess child, final Duration timeout) throws InterruptedException
    {
        assertTrue(child.join(timeout), () -> "child did not end in time: " + child);
        assertEquals(0, child.exitCode().orElseThrow(),
            () -> "child failed: " + child + " failure=" + child.failure().map(Throwable::toString).orElse("none"));
    }

    @Override
    public void close()
    {
        for (final ChildProcess child : started)
        {
            if (child.isAlive())
            {
                child.terminate();
            }
        }
        boolean interrupted = false;
        for (final ChildProcess child : started)
        {
            try
            {
                if (!child.join(Duration.ofSeconds(5)))
                {
                    child.kill();
                    child.join(Duration.ofSeconds(5));
                }
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
                child.kill();
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
