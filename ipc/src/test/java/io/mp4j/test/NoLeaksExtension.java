package io.mp4j.test;

import io.mp4j.session.Session;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fails a test class that leaves a child JVM running or a child's files in the session once its
 * tests are done. Stray JVMs are killed so that one leaky class does not poison the next.
 */
public final class NoLeaksExtension implements AfterAllCallback
{
    private static final long WAIT_MILLIS = 10_000;

    @Override
    public void afterAll(final ExtensionContext context) throws Exception
    {
        assertNoLeaks(context.getDisplayName(), p -> p.getFileName().toString().startsWith("child-"));
    }

    /**
     * Waits up to 10 s for every child JVM of this one to end and for every session file the predicate
     * calls left over to go, then fails naming what is still there (killing stray JVMs first).
     *
     * @param after    what has just finished, for the message.
     * @param leftOver which files of the session must not outlive it.
     */
    public static void assertNoLeaks(final String after, final Predicate<Path> leftOver) throws InterruptedException, IOException
    {
        final long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        List<ProcessHandle> alive = descendants();
        while (!alive.isEmpty() && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(50);
            alive = descendants();
        }
        if (!alive.isEmpty())
        {
            final String described = alive.stream()
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .collect(Collectors.joining("; "));
            alive.forEach(ProcessHandle::destroyForcibly);
            fail("child JVMs still running after " + after + ": " + described);
        }

        List<Path> files = sessionFiles(leftOver);
        while (!files.isEmpty() && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(50);
            files = sessionFiles(leftOver);
        }
        if (!files.isEmpty())
        {
            fail("child files left in the session after " + after + ": " + files);
        }
    }

    private static List<ProcessHandle> descendants()
    {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).collect(Collectors.toList());
    }

    private static List<Path> sessionFiles(final Predicate<Path> leftOver) throws IOException
    {
        final Path directory = Session.current().directory();
        try (Stream<Path> entries = Files.list(directory))
        {
            return entries.filter(leftOver).collect(Collectors.toList());
        }
    }
}
