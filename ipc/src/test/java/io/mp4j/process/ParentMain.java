package io.mp4j.process;

import io.mp4j.host.WorkerHostTest;
import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolContext;
import io.mp4j.session.Session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A parent JVM for lifecycle tests: it owns its own session (under the root the test chose) and
 * starts children, printing what the test needs to check on them.
 */
public final class ParentMain
{
    private ParentMain()
    {
    }

    /**
     * Runs one scenario.
     *
     * @param args the scenario, then its arguments.
     * @throws Exception on failure, which the test sees as a non-zero exit.
     */
    public static void main(final String[] args) throws Exception
    {
        // Started by a test JVM's context, this JVM was told to attach to the test's session; it must own one.
        System.clearProperty(Session.CURRENT_PROPERTY);
        System.out.println("session " + Session.current().directory());

        switch (args[0])
        {
            case "exit-normally" ->
            {
                final Path marker = Paths.get(args[1]);
                final ChildProcess daemon = new ChildProcess(() -> Thread.sleep(600_000)).daemon(true).start();
                final ChildProcess worker = new ChildProcess((String path) ->
                {
                    Thread.sleep(1_000);
                    Files.writeString(Paths.get(path), "done");
                }, marker.toString()).start();
                System.out.println("daemon " + daemon.pid());
                System.out.println("worker " + worker.pid());
                // main returns without joining: the daemon is stopped, the worker waited for.
            }
            case "sleep" ->
            {
                final ChildProcess child = new ChildProcess(() ->
                {
                    System.out.println("ready");
                    Thread.sleep(600_000);
                }).start();
                System.out.println("child " + child.pid());
                Thread.sleep(600_000);
            }
            case "sleep-in-non-daemon-thread" ->
            {
                final ChildProcess child = new ChildProcess(() ->
                {
                    final Thread thread = new Thread(() ->
                    {
                        try
                        {
                            Thread.sleep(600_000);
                        }
                        catch (final InterruptedException ex)
                        {
                            Thread.currentThread().interrupt();
                        }
                    });
                    thread.start();
                    System.out.println("ready");
                }).start();
                System.out.println("child " + child.pid());
                Thread.sleep(600_000);
            }
            case "host-map" ->
            {
                try (Pool pool = new Pool(new PoolContext().host(args[1])))
                {
                    System.out.println("workers " + pool.workerPids().stream().map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(" ")));
                    pool.map((Integer x) -> WorkerHostTest.slowIdentity(x),
                        java.util.stream.IntStream.range(0, 100_000).boxed().collect(java.util.stream.Collectors.toList()), 10);
                }
            }
            case "host-child" ->
            {
                final ChildProcess child = new ChildProcess(new ProcessContext().host(args[1]), () ->
                {
                    System.out.println("ready");
                    Thread.sleep(600_000);
                }).start();
                System.out.println("child " + child.pid());
                child.join();
            }
            default -> throw new IllegalArgumentException("unknown scenario: " + args[0]);
        }
    }
}
