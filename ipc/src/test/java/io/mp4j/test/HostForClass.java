package io.mp4j.test;

import io.mp4j.host.internal.HostDescriptor;
import io.mp4j.internal.FileTrees;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * One worker host for a test class, in a JVM of its own: started before the class's first test and
 * stopped (with any other host its tests start through {@link #hosts()}) after its last; every test
 * starts with all of its workers free. Register it on a static field with {@code @RegisterExtension}.
 */
public final class HostForClass implements BeforeAllCallback, AfterEachCallback, AfterAllCallback
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final String name = TestHosts.uniqueName();
    private final int workers;
    private Path logs;
    private TestHosts hosts;

    /**
     * A host of some warm workers.
     *
     * @param workers how many.
     */
    public HostForClass(final int workers)
    {
        this.workers = workers;
    }

    /** The host's name, which clients attach by. */
    public String name()
    {
        return name;
    }

    /** The class's hosts, to start more; all are stopped after the class's last test. */
    public TestHosts hosts()
    {
        return hosts;
    }

    @Override
    public void beforeAll(final ExtensionContext context) throws Exception
    {
        logs = Files.createTempDirectory("mp4j-test-hosts");
        hosts = new TestHosts(logs);
        assertTimeoutPreemptively(TIMEOUT, () -> hosts.start(name, workers));
    }

    @Override
    public void afterEach(final ExtensionContext context)
    {
        // A test that killed a worker leaves the host replacing it; the next test starts with all free.
        assertTimeoutPreemptively(TIMEOUT, () -> TestHosts.awaitAllWorkersFree(name));
    }

    @Override
    public void afterAll(final ExtensionContext context) throws Exception
    {
        try
        {
            hosts.stopAll();
            assertFalse(Files.exists(HostDescriptor.registrationOf(name)), "the host removed its registration");
        }
        finally
        {
            FileTrees.delete(logs);
        }
    }
}
