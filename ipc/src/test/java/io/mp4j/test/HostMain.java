package io.mp4j.test;

import io.mp4j.Mp4jException;
import io.mp4j.host.WorkerHost;
import io.mp4j.process.ProcessContext;

/**
 * A worker host in a JVM of its own, as the host's command line starts one (that lives in its own
 * artifact): {@code HostMain <name> <workers> [<workers' classpath>]} runs until SIGTERM or
 * {@link WorkerHost#stop}; the workers run this JVM's classpath unless another is given.
 */
public final class HostMain
{
    /** Printed once the host serves. */
    public static final String STARTED = "worker host started";

    private HostMain()
    {
    }

    /**
     * Starts the host and serves until stopped.
     *
     * @param args the host's name, its number of workers and optionally its workers' classpath.
     * @throws InterruptedException if interrupted while serving.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final String name = args[0];
        final int workers = Integer.parseInt(args[1]);
        final ProcessContext context = new ProcessContext();
        if (args.length > 2)
        {
            context.classPath(args[2]);
        }
        final WorkerHost host;
        try
        {
            host = WorkerHost.start(name, workers, context.conclude());
        }
        catch (final Mp4jException ex)
        {
            System.err.println("error: " + ex.getMessage());
            System.exit(1);
            return;
        }
        System.out.println(STARTED + ": name=" + name + " workers=" + workers + " pid=" + ProcessHandle.current().pid());
        host.awaitStop();
    }
}
