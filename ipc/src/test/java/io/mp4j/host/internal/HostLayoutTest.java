package io.mp4j.host.internal;

import io.mp4j.RegionLayoutException;
import io.mp4j.process.ProcessContext;
import io.mp4j.test.FakeHost;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A client that meets a worker host of another layout, e.g. one started by an older mp4j. */
class HostLayoutTest
{
    @Test
    void shouldRefuseAHostOfTheLayoutBeforeClassPathDigests() throws Exception
    {
        // What a host of layout 1 wrote: no version word (it reads 0), running, one worker.
        try (FakeHost host = new FakeHost(0))
        {
            final RegionLayoutException ex = assertThrows(RegionLayoutException.class,
                () -> HostConnection.connect(host.name(), ProcessContext.defaultContext()));
            assertEquals("worker host of another mp4j layout: name=" + host.name() + " pid=" +
                ProcessHandle.current().pid() + " version=1 expected=" + HostDescriptor.LAYOUT_VERSION +
                " (the host and this client run different mp4j versions: restart the host with this one)",
                ex.getMessage());
        }
    }
}
