package io.mp4j.manager.dict;

import io.mp4j.manager.Manager;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessContext;
import io.mp4j.test.CapturedOutput;
import io.mp4j.test.HostForClass;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.ConcurrentMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hosted child that uses a dict: Chronicle's lazily started daemon threads stay behind in the warm
 * worker, which must not count as work the target left running.
 */
@ExtendWith(NoLeaksExtension.class)
class HostedChildDictTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @RegisterExtension
    static final HostForClass HOSTS = new HostForClass(1);
    private static final String HOST = HOSTS.name();

    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    @Test
    void shouldKeepWorkerWhoseTargetUsedADictThatStartedChroniclesBackgroundThreads()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Manager manager = new Manager())
            {
                final ConcurrentMap<String, Integer> dict = manager.dict(10);
                final ChildProcess child = new ChildProcess(new ProcessContext().host(HOST),
                    (ConcurrentMap<String, Integer> shared) -> shared.put("from", 1), dict).start();
                child.join();
                assertEquals(0, child.exitCode().orElseThrow(), () -> String.valueOf(child.failure()));
                assertEquals(1, dict.get("from"));
                TestHosts.awaitAllWorkersFree(HOST);
                assertTrue(TestHosts.workerPids(HOST).contains(child.pid()), "the worker stays warm");
            }
        });
    }
}
