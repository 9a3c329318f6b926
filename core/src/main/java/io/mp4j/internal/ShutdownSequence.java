package io.mp4j.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The steps mp4j takes when its JVM exits, run in a fixed order by one shutdown hook: the JVM runs
 * separate hooks concurrently, but children must be stopped before the session files they use are
 * removed. A step that throws is reported on standard error and the next step still runs.
 */
public final class ShutdownSequence
{
    /** Order of steps that must run before all others, e.g. releasing what would delay the exit. */
    public static final int FIRST = 0;

    /** Order of the step that deals with child processes (kill daemons, join the others). */
    public static final int CHILDREN = 100;

    /** Order of the step that lets go of the shared regions this JVM holds, so the last holder removes them. */
    public static final int REGIONS = 150;

    /** Order of the step that removes sessions this JVM owns. */
    public static final int SESSIONS = 200;

    private static final List<Step> STEPS = new ArrayList<>();
    private static boolean hookInstalled;
    private static boolean running;

    private record Step(int order, String name, Runnable action)
    {
    }

    private ShutdownSequence()
    {
    }

    /**
     * Adds a step to run at JVM exit. Steps of lower order run first; steps of equal order run in
     * the order they were added. Adding during shutdown has no effect.
     *
     * @param order  when the step runs relative to others, e.g. {@link #CHILDREN}.
     * @param name   what the step does, for the report if it fails.
     * @param action the step.
     */
    public static synchronized void add(final int order, final String name, final Runnable action)
    {
        if (running)
        {
            return;
        }

        if (!hookInstalled)
        {
            // In the root group: a launcher may destroy the caller's group before the JVM exits.
            Runtime.getRuntime().addShutdownHook(new Thread(Threads.rootGroup(), ShutdownSequence::runAll, "mp4j-shutdown"));
            hookInstalled = true;
        }

        // Kept in order as steps are added, so that the exit need not sort (nor load a comparator).
        int index = STEPS.size();
        while (index > 0 && STEPS.get(index - 1).order() > order)
        {
            index--;
        }
        STEPS.add(index, new Step(order, name, action));
    }

    private static void runAll()
    {
        final List<Step> steps;
        synchronized (ShutdownSequence.class)
        {
            running = true;
            steps = new ArrayList<>(STEPS);
        }

        for (final Step step : steps)
        {
            try
            {
                step.action().run();
            }
            catch (final Throwable ex)
            {
                System.err.println("mp4j: shutdown step failed: step=" + step.name() + " error=" + ex);
            }
        }
    }
}
