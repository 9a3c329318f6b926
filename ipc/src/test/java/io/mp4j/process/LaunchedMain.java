package io.mp4j.process;

import io.mp4j.pool.Pool;

import java.util.List;

/**
 * A small application that a launcher test starts the way users' launchers do: it runs a pool map and a
 * child process and prints what they gave.
 */
public final class LaunchedMain
{
    private LaunchedMain()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        try (Pool pool = new Pool(2))
        {
            System.out.println("map=" + pool.map((Integer x) -> x + 1, List.of(1, 2, 3, 4, 5)));
        }
        final ChildProcess child = new ChildProcess(() -> System.out.println("hello from the child")).start();
        child.join();
        System.out.println("child exitCode=" + child.exitCode().orElse(-1));
    }
}
