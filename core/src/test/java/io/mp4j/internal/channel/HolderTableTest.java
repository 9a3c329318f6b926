package io.mp4j.internal.channel;

import io.mp4j.Mp4jException;
import io.mp4j.internal.ProcessIdentity;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HolderTableTest
{
    private static final int OFFSET = 64;

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(OFFSET + HolderTable.length(3)));
    private final HolderTable table = new HolderTable(buffer, OFFSET, 3, "test=holders");
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() throws InterruptedException
    {
        for (final Process process : processes)
        {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    @Test
    void shouldBeHeldUntilEveryReferenceAndTransferIsGone()
    {
        final long me = ProcessTag.current();
        final int entry = table.claim(me);
        table.addReference(entry);
        table.addTransfer(entry);
        assertEquals(2, table.holdsVolatile());
        assertTrue(table.isHeld());

        assertEquals(1, table.releaseReference(entry));
        assertTrue(table.isHeld(), "a transfer still on its way holds the end");
        assertTrue(table.completeTransfer(me));
        assertFalse(table.completeTransfer(me), "a handle attached twice counts once");
        assertEquals(0, table.holdsVolatile());
        assertFalse(table.isHeld());
    }

    @Test
    void shouldFreeAnEntryWhoseProcessReleasedEverything()
    {
        final long me = ProcessTag.current();
        final int entry = table.claim(me);
        table.addReference(entry);
        table.releaseReference(entry);
        assertEquals(ProcessTag.NONE, buffer.getLongVolatile(entry + HolderTable.TAG_OFFSET));
        assertEquals(entry, table.claim(me), "the freed entry is the first free one again");
    }

    @Test
    void shouldCountADeadHoldersCopiesAsClosedAndReuseItsEntry() throws Exception
    {
        final long dead = deadTag();
        final Process liveProcess = start("sleep", "30");
        final long live = tagOf(liveProcess);

        final int deadEntry = table.claim(dead);
        table.addReference(deadEntry);
        table.addTransfer(deadEntry);
        final int liveEntry = table.claim(live);
        table.addReference(liveEntry);
        assertEquals(3, table.holdsVolatile());
        assertTrue(table.isHeld());

        liveProcess.destroyForcibly();
        liveProcess.waitFor();
        assertFalse(table.isHeld());
        assertEquals(0, table.holdsVolatile(), "the dead holders' counts are taken out of the holds");
        assertEquals(deadEntry, table.claim(ProcessTag.current()));
    }

    @Test
    void shouldFailClearlyWhenEveryEntryBelongsToALiveProcess() throws Exception
    {
        for (int i = 0; i < 3; i++)
        {
            table.addReference(table.claim(tagOf(start("sleep", "30"))));
        }
        final Mp4jException full = assertThrows(Mp4jException.class, () -> table.claim(ProcessTag.current()));
        assertTrue(full.getMessage().contains("too many processes hold this end: test=holders slots=3"),
            full.getMessage());

        processes.get(2).destroyForcibly();
        processes.get(2).waitFor();
        final int entry = table.claim(ProcessTag.current());
        table.addReference(entry);
        assertEquals(3, table.holdsVolatile(), "the dead one's entry was taken over, its count dropped");
    }

    @Test
    void shouldNotLetAStaleTransferCompletionTouchTheNextTenantOfAnEntry() throws Exception
    {
        final long dead = deadTag();
        final int entry = table.claim(dead);
        table.addTransfer(entry);
        final long before = buffer.getLongVolatile(entry + HolderTable.COUNTS_OFFSET);
        assertFalse(table.isHeld());
        final long after = buffer.getLongVolatile(entry + HolderTable.COUNTS_OFFSET);
        assertNotEquals(before - 1, after, "freeing moves the generation, not just the counts");
        assertFalse(table.completeTransfer(dead));
        assertEquals(0, table.holdsVolatile());
    }

    private Process start(final String... command) throws Exception
    {
        final Process process = new ProcessBuilder(command).start();
        processes.add(process);
        return process;
    }

    private long deadTag() throws Exception
    {
        final Process process = start("sleep", "30");
        final long tag = tagOf(process);
        process.destroyForcibly();
        process.waitFor();
        return tag;
    }

    private static long tagOf(final Process process)
    {
        return ProcessTag.of(ProcessIdentity.of(process.toHandle()));
    }
}
