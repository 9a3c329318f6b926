package io.mp4j.host.internal;

import io.mp4j.RegionLayoutException;
import io.mp4j.internal.ProcessIdentity;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.process.ProcessContext;
import io.mp4j.session.Session;
import io.mp4j.test.TestHosts;
import org.agrona.concurrent.AtomicBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A client that meets a worker host of another layout, e.g. one started by an older mp4j. */
class HostLayoutTest
{
    @Test
    void shouldRefuseAHostOfTheLayoutBeforeClassPathDigests() throws Exception
    {
        final String name = TestHosts.uniqueName();
        final Path registration = HostDescriptor.registrationOf(name);
        try (Session session = Session.create();
            Region control = Region.create(session, HostDescriptor.CONTROL_REGION, RegionKind.HOST,
                HostDescriptor.bodyLength(1)))
        {
            // What a host of layout 1 wrote: no version word (it reads 0), running, one worker.
            final AtomicBuffer buffer = control.body();
            buffer.putLong(HostDescriptor.HOST_PID_OFFSET, ProcessIdentity.current().pid());
            buffer.putLong(HostDescriptor.HOST_START_OFFSET, ProcessIdentity.current().startEpochMilli());
            buffer.putInt(HostDescriptor.WORKER_COUNT_OFFSET, 1);
            buffer.putIntOrdered(HostDescriptor.HOST_STATE_OFFSET, HostDescriptor.HOST_RUNNING);
            Files.writeString(registration, session.directory() + "\n" + ProcessHandle.current().pid() + "\n",
                StandardCharsets.UTF_8);

            final RegionLayoutException ex = assertThrows(RegionLayoutException.class,
                () -> HostConnection.connect(name, ProcessContext.defaultContext()));
            assertEquals("worker host of another mp4j layout: name=" + name + " pid=" + ProcessHandle.current().pid() +
                " version=1 expected=" + HostDescriptor.LAYOUT_VERSION + " (the host and this client run different " +
                "mp4j versions: restart the host with this one)", ex.getMessage());
        }
        finally
        {
            Files.deleteIfExists(registration);
        }
    }
}
