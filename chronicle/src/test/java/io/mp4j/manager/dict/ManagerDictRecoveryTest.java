package io.mp4j.manager.dict;

import io.mp4j.Mp4jException;
import io.mp4j.chronicle.internal.DictDescriptor;
import io.mp4j.codec.Codec;
import io.mp4j.manager.Manager;
import io.mp4j.process.ChildProcess;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A manager dict whose writer is SIGKILLed inside a change, caught there with SIGSTOP: the dict stays
 * readable (no Chronicle segment left locked), consistent (no torn value, no lost or extra key, a size
 * that matches the entries) and the killed change is completed by the next caller.
 */
@ExtendWith(NoLeaksExtension.class)
class ManagerDictRecoveryTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(240);
    private static final int KEYS = 40;
    private static final int VALUE_BYTES = 24_000;
    private static final String EXTRA = "extra";
    private static final int KILLS = 3;

    @Test
    void shouldStayReadableAndConsistentAndCompleteTheChangeOfAWriterKilledInsideIt()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Manager manager = new Manager())
            {
                final SharedDict<String, byte[]> dict = Dicts.of(manager);
                for (int i = 0; i < KEYS; i++)
                {
                    dict.put(key(i), fill(0, VALUE_BYTES));
                }

                for (int kill = 1; kill <= KILLS; kill++)
                {
                    final ChildProcess writer = new ChildProcess(ManagerDictRecoveryTest::writeForever, dict).start();
                    final AtomicReference<SharedDict.Change> inFlight = new AtomicReference<>();
                    boolean caught = false;
                    while (!caught)
                    {
                        Thread.sleep(ThreadLocalRandom.current().nextInt(1, 20));
                        assertTrue(writer.isAlive(), () -> "the writer ended: " + writer.failure());
                        caught = TestProcesses.killIfCaught(writer.pid(), () ->
                        {
                            inFlight.set(dict.journaled());
                            return dict.sharedLock().ownerPid() == writer.pid() &&
                                inFlight.get().kind() != DictDescriptor.NONE;
                        });
                    }
                    writer.join();

                    assertConsistent(dict);
                    assertCompleted(dict, inFlight.get());
                    assertEquals(kill, dict.sharedLock().recoveries(), "the lock was taken over from the dead writer");
                    assertEquals(DictDescriptor.NONE, dict.journaled().kind());
                }

                final ChildProcess reader = new ChildProcess(ManagerDictRecoveryTest::checkAndRewrite, dict).start();
                reader.join();
                assertEquals(0, reader.exitCode().orElseThrow(), () -> reader.failure().map(Throwable::toString).orElse(""));
                for (int i = 0; i < KEYS; i++)
                {
                    assertArrayEquals(fill(i, VALUE_BYTES), dict.get(key(i)));
                }
            }
        });
    }

    /** Same-size values replaced in place, and a key inserted and removed, over and over. */
    private static void writeForever(final SharedDict<String, byte[]> dict)
    {
        for (int round = 1; ; round++)
        {
            dict.put(key(round % KEYS), fill(round, VALUE_BYTES));
            if (round % 2 == 0)
            {
                dict.put(EXTRA, fill(round, VALUE_BYTES / 3));
            }
            else
            {
                dict.remove(EXTRA);
            }
        }
    }

    private static void checkAndRewrite(final SharedDict<String, byte[]> dict)
    {
        assertConsistent(dict);
        for (int i = 0; i < KEYS; i++)
        {
            dict.put(key(i), fill(i, VALUE_BYTES));
        }
    }

    private static void assertConsistent(final SharedDict<String, byte[]> dict)
    {
        final Map<String, byte[]> entries = new HashMap<>();
        dict.entrySet().forEach(entry -> entries.put(entry.getKey(), entry.getValue()));
        final Set<String> expected = new HashSet<>();
        for (int i = 0; i < KEYS; i++)
        {
            expected.add(key(i));
        }
        if (entries.containsKey(EXTRA))
        {
            expected.add(EXTRA);
        }
        assertEquals(expected, entries.keySet(), "no key lost, none made up");
        assertEquals(expected.size(), dict.size(), "the size matches the entries");
        entries.forEach((key, value) ->
        {
            assertEquals(EXTRA.equals(key) ? VALUE_BYTES / 3 : VALUE_BYTES, value.length, key);
            for (final byte b : value)
            {
                if (b != value[0])
                {
                    throw new AssertionError("torn value: key=" + key + " bytes=" + Arrays.toString(Arrays.copyOf(value, 8)));
                }
            }
            assertArrayEquals(value, dict.get(key), "get agrees with the snapshot");
        });
    }

    private static void assertCompleted(final SharedDict<String, byte[]> dict, final SharedDict.Change change)
    {
        final String key = (String)Codec.decode(change.key());
        if (change.kind() == DictDescriptor.PUT)
        {
            assertArrayEquals((byte[])Codec.decode(change.value()), dict.get(key),
                "the killed put was completed");
        }
        else
        {
            assertEquals(DictDescriptor.REMOVE, change.kind());
            assertFalse(dict.containsKey(key), "the killed remove was completed");
        }
    }

    @Test
    void shouldRefuseAnEntryTooLargeForItAndGoOn()
    {
        try (Manager manager = new Manager())
        {
            final SharedDict<String, byte[]> dict = Dicts.of(manager, 10);
            final Mp4jException tooLargeForJournal =
                assertThrows(Mp4jException.class, () -> dict.put("big", new byte[SharedDict.MAX_ENTRY_BYTES]));
            assertTrue(tooLargeForJournal.getMessage().startsWith("shared dict entry is too large:"),
                tooLargeForJournal.getMessage());
            final Mp4jException tooLargeForMap = assertThrows(Mp4jException.class, () -> dict.put("big", new byte[100_000]));
            assertTrue(tooLargeForMap.getMessage().startsWith("shared dict entry is too large for this dict:"),
                tooLargeForMap.getMessage());

            assertEquals(DictDescriptor.NONE, dict.journaled().kind(), "a refused change leaves nothing in flight");
            assertFalse(dict.containsKey("big"));
            dict.put("small", new byte[] {1, 2});
            assertArrayEquals(new byte[] {1, 2}, dict.get("small"));
            assertEquals(1, dict.size());
            assertNotEquals(null, dict.putIfAbsent("small", new byte[0]));
        }
    }

    private static String key(final int index)
    {
        return "key-" + index;
    }

    private static byte[] fill(final int round, final int length)
    {
        final byte[] value = new byte[length];
        Arrays.fill(value, (byte)round);
        return value;
    }
}
