package io.mp4j.pool;

import io.mp4j.RemoteException;
import io.mp4j.process.ChildProcess;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failure in another process is thrown in the caller with the caller's stack, the remote exception
 * (class, message, stack) as its cause, as {@code CompletableFuture.join} does.
 */
@ExtendWith(NoLeaksExtension.class)
class CallerStackTest
{
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static Pool pool;

    @BeforeAll
    static void startPool()
    {
        pool = new Pool(new PoolContext().processes(1).maxAttempts(1));
    }

    @AfterAll
    static void stopPool() throws InterruptedException
    {
        pool.terminate();
        pool.join();
    }

    @Test
    void shouldThrowAFailedMapInTheCallersFrames()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final RemoteException failed = assertThrows(RemoteException.class,
                () -> pool.map(CallerStackTest::failOnThree, List.of(1, 2, 3)));

            assertCallerFrames(failed, "shouldThrowAFailedMapInTheCallersFrames");
            assertEquals(IllegalArgumentException.class.getName(), failed.remoteClassName());
            assertEquals("three is not allowed", failed.remoteMessage());
            assertTrue(failed.remoteStackTrace().contains("failOnThree"), failed.remoteStackTrace());
            assertTrue(failed.getMessage().startsWith("pool task failed: call=map(items=3"), failed.getMessage());
        });
    }

    @Test
    void shouldNameApplyAsApply()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final RemoteException failed = assertThrows(RemoteException.class, () -> pool.apply(() -> failOnThree(3)));

            assertCallerFrames(failed, "shouldNameApplyAsApply");
            assertTrue(failed.getMessage().startsWith("pool task failed: call=apply task=0"), failed.getMessage());
        });
    }

    @Test
    void shouldThrowAFailedImapResultInTheCallersFrames()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final Iterator<Integer> results = pool.imap(CallerStackTest::failOnThree, List.of(1, 2, 3));

            final RemoteException failed = assertThrows(RemoteException.class, () ->
            {
                while (results.hasNext())
                {
                    results.next();
                }
            });
            assertCallerFrames(failed, "shouldThrowAFailedImapResultInTheCallersFrames");
        });
    }

    @Test
    void shouldWrapAFailedFutureInTheCallersFramesWithTheRemoteExceptionInside()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final var future = pool.applyAsync(() -> failOnThree(3));

            final ExecutionException got = assertThrows(ExecutionException.class, future::get);
            assertCallerFrames(got, "shouldWrapAFailedFutureInTheCallersFramesWithTheRemoteExceptionInside");
            final RemoteException remote = assertInstanceOf(RemoteException.class, got.getCause());
            assertEquals(0, remote.getStackTrace().length, "no engine frames in between");
            assertEquals("three is not allowed", remote.remoteMessage());

            final CompletionException joined = assertThrows(CompletionException.class, future::join);
            assertCallerFrames(joined, "shouldWrapAFailedFutureInTheCallersFramesWithTheRemoteExceptionInside");
        });
    }

    @Test
    void shouldThrowACrashedWorkerInTheCallersFrames()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final WorkerCrashedException crashed = assertThrows(WorkerCrashedException.class, () -> pool.apply(() ->
            {
                Runtime.getRuntime().halt(3);
                return null;
            }));

            assertCallerFrames(crashed, "shouldThrowACrashedWorkerInTheCallersFrames");
            assertTrue(crashed.getMessage().contains("call=apply"), crashed.getMessage());
        });
    }

    @Test
    void shouldGiveAChildsFailureInTheFramesOfWhoAsks()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final ChildProcess child = new ChildProcess(() ->
            {
                throw new IllegalStateException("child gave up");
            }).start();
            child.join();

            final RemoteException failure = child.failure().orElseThrow();
            assertCallerFrames(failure, "shouldGiveAChildsFailureInTheFramesOfWhoAsks");
            assertEquals("child gave up", failure.remoteMessage());
        });
    }

    private static int failOnThree(final int x)
    {
        if (x == 3)
        {
            throw new IllegalArgumentException("three is not allowed");
        }
        return x;
    }

    private static void assertCallerFrames(final Throwable thrown, final String testMethod)
    {
        assertTrue(Arrays.stream(thrown.getStackTrace()).anyMatch(frame ->
                frame.getClassName().startsWith(CallerStackTest.class.getName()) && frame.getMethodName().contains(testMethod)),
            () -> "the caller's frames: " + Arrays.toString(thrown.getStackTrace()));
    }
}
