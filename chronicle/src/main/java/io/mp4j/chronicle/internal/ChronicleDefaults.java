package io.mp4j.chronicle.internal;

import io.mp4j.internal.Threads;
import net.openhft.chronicle.core.shutdown.PriorityHook;

/**
 * What mp4j sets before it first touches Chronicle: analytics off, since Chronicle otherwise phones
 * home and writes files in the user's home directory. The command line carries the same property for
 * every JVM mp4j starts; this covers a JVM started with {@code java -jar}, whose manifest cannot carry
 * system properties. And Chronicle's shutdown hook thread is made in the JVM's root thread group.
 */
public final class ChronicleDefaults
{
    private static final String ANALYTICS_DISABLE = "chronicle.analytics.disable";

    private static boolean hookPlaced;

    private ChronicleDefaults()
    {
    }

    /** Applies the defaults unless the user set them; call before any Chronicle class is loaded. */
    public static void apply()
    {
        if (System.getProperty(ANALYTICS_DISABLE) == null)
        {
            System.setProperty(ANALYTICS_DISABLE, "true");
        }
        placeShutdownHook();
    }

    /**
     * Chronicle makes its one shutdown hook thread where it is first asked for a hook, in that thread's
     * group. {@code mvn exec:java} destroys the group its {@code main} ran in before the JVM exits; a hook
     * thread of that group cannot start, and the JVM then starts none of the hooks after it, mp4j's
     * among them, so sessions stayed behind. So the first hook is asked for from the root group.
     */
    private static synchronized void placeShutdownHook()
    {
        if (hookPlaced)
        {
            return;
        }
        hookPlaced = true;
        final Thread placer = new Thread(Threads.rootGroup(), () -> PriorityHook.add(99, () ->
        {
        }), "mp4j-chronicle-hook");
        placer.setDaemon(true);
        placer.start();
        boolean interrupted = false;
        while (true)
        {
            try
            {
                placer.join();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
