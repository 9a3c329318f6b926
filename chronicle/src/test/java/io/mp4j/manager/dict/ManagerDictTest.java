package io.mp4j.manager.dict;

import io.mp4j.manager.Manager;
import io.mp4j.process.ChildProcess;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manager's dict across real JVMs: each opens the same Chronicle Map in the session. */
@ExtendWith(NoLeaksExtension.class)
class ManagerDictTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Test
    void shouldKeepEveryPutOfTwoJvmsWritingAtOnce()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Manager manager = new Manager())
            {
                final SharedDict<String, Integer> dict = Dicts.of(manager, 250_000);
                final ChildProcess first = new ChildProcess(ManagerDictTest::putAndCheck, dict, "a").start();
                final ChildProcess second = new ChildProcess(ManagerDictTest::putAndCheck, dict, "b").start();
                first.join();
                second.join();

                assertEquals(0, first.exitCode().orElseThrow(), () -> first.failure().map(Throwable::toString).orElse(""));
                assertEquals(0, second.exitCode().orElseThrow(), () -> second.failure().map(Throwable::toString).orElse(""));
                assertEquals(200_000, dict.size());
                for (int i = 0; i < 100_000; i += 997)
                {
                    assertEquals(i, dict.get("a-" + i));
                    assertEquals(i, dict.get("b-" + i));
                }
            }
        });
    }

    private static void putAndCheck(final SharedDict<String, Integer> dict, final String prefix)
    {
        for (int i = 0; i < 100_000; i++)
        {
            dict.put(prefix + '-' + i, i);
        }
        for (int i = 0; i < 100_000; i++)
        {
            final Integer value = dict.get(prefix + '-' + i);
            if (value == null || value != i)
            {
                throw new IllegalStateException("lost put: key=" + prefix + '-' + i + " value=" + value);
            }
        }
        dict.close();
    }

    @Test
    void shouldIterateInInsertionOrderAsAPythonDictAcrossJvms()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Manager manager = new Manager())
            {
                final SharedDict<String, Integer> dict = Dicts.of(manager, 1_000);
                for (int i = 0; i < 200; i++)
                {
                    dict.put("k" + i, i); // enough keys that Chronicle's hash order is not insertion order
                }
                dict.put("c", 3);
                dict.put("a", 1);
                dict.put("b", 2);
                final ChildProcess child = new ChildProcess((SharedDict<String, Integer> shared) ->
                {
                    shared.put("a", 10);        // an update keeps its key's place
                    shared.remove("c");
                    shared.put("c", 30);        // removed and added again: last
                    shared.putIfAbsent("d", 4);
                    shared.replace("b", 2, 20);
                    shared.merge("k0", 100, Integer::sum);
                    shared.close();
                }, dict).start();
                child.join();
                assertEquals(0, child.exitCode().orElseThrow(), () -> child.failure().map(Throwable::toString).orElse(""));

                final List<String> expectedKeys = new ArrayList<>();
                final Map<String, Integer> expected = new LinkedHashMap<>();
                for (int i = 0; i < 200; i++)
                {
                    expectedKeys.add("k" + i);
                    expected.put("k" + i, i == 0 ? 100 : i);
                }
                expectedKeys.addAll(List.of("a", "b", "c", "d"));
                expected.put("a", 10);
                expected.put("b", 20);
                expected.put("c", 30);
                expected.put("d", 4);

                assertEquals(expectedKeys, new ArrayList<>(dict.keySet()));
                assertEquals(new ArrayList<>(expected.values()), new ArrayList<>(dict.values()));
                assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(dict.entrySet()));
                assertEquals(expected.toString(), dict.toString(), "toString is a Map's {k=v, ...}");
                assertEquals(expected, dict);
                assertTrue(dict.containsValue(100));
                assertFalse(dict.containsValue(0), "k0's 0 became 100");

                dict.clear();
                dict.put("z", 1);
                dict.put("y", 2);
                assertEquals("{z=1, y=2}", dict.toString());
                dict.close();
                assertTrue(dict.toString().contains("closed"), dict.toString());
            }
        });
    }

    @Test
    void shouldRemoveItsDictsWhenClosed() throws Exception
    {
        final Manager manager = new Manager();
        final SharedDict<String, String> dict = Dicts.of(manager, 10);
        dict.put("k", "v");
        assertEquals("v", dict.get("k"));
        assertNull(dict.get("missing"));
        manager.close();
        assertTrue(Files.notExists(manager.directory()), "the manager's directory is gone");
        try (var files = Files.list(io.mp4j.session.Session.current().directory()))
        {
            assertTrue(files.map(Path::toString).noneMatch(name -> name.endsWith(".cmap")));
        }
    }

    @Test
    void shouldSayADictIsGoneOnceItsManagerClosed()
    {
        final Manager manager = new Manager();
        final SharedDict<String, String> dict = Dicts.of(manager, 10);
        dict.put("k", "v");
        final byte[] handle = io.mp4j.internal.JavaSerialization.serialize(dict, "dict handle");
        manager.close();

        final IllegalStateException closed = assertThrows(IllegalStateException.class, () -> dict.get("k"));
        assertTrue(closed.getMessage().startsWith("shared dict is closed in this process"), closed.getMessage());
        final Exception gone = assertThrows(Exception.class,
            () -> io.mp4j.internal.JavaSerialization.deserialize(handle, "dict handle"));
        Throwable cause = gone;
        while (!(cause instanceof io.mp4j.RegionMissingException) && cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().startsWith("shared dict is gone (was its manager closed?)"), cause.toString());
    }

    @Test
    void shouldBehaveLikeAConcurrentHashMapUnderRandomCalls()
    {
        try (Manager manager = new Manager())
        {
            final SharedDict<Object, Object> dict = Dicts.of(manager, 1_000);
            final java.util.Map<Object, Object> model = new java.util.concurrent.ConcurrentHashMap<>();
            final java.util.Random random = new java.util.Random(42);
            for (int step = 0; step < 20_000; step++)
            {
                final Object key = random.nextBoolean() ? "k" + random.nextInt(50) : (Object)random.nextInt(50);
                final Object value = random.nextInt(3) == 0 ? java.util.List.of(random.nextInt(4)) : (Object)random.nextInt(4);
                final Object other = random.nextInt(4);
                switch (random.nextInt(13))
                {
                    case 0 -> assertEquals(model.put(key, value), dict.put(key, value));
                    case 1 -> assertEquals(model.get(key), dict.get(key));
                    case 2 -> assertEquals(model.remove(key), dict.remove(key));
                    case 3 -> assertEquals(model.putIfAbsent(key, value), dict.putIfAbsent(key, value));
                    case 4 -> assertEquals(model.remove(key, other), dict.remove(key, other));
                    case 5 -> assertEquals(model.replace(key, other, value), dict.replace(key, other, value));
                    case 6 -> assertEquals(model.replace(key, value), dict.replace(key, value));
                    case 7 -> assertEquals(model.compute(key, (k, v) -> v == null ? value : null),
                        dict.compute(key, (k, v) -> v == null ? value : null));
                    case 8 -> assertEquals(model.merge(key, other, (a, b) -> a.equals(b) ? null : b),
                        dict.merge(key, other, (a, b) -> a.equals(b) ? null : b));
                    case 9 -> assertEquals(model.computeIfAbsent(key, k -> value), dict.computeIfAbsent(key, k -> value));
                    case 10 -> assertEquals(model.computeIfPresent(key, (k, v) -> other.equals(v) ? null : other),
                        dict.computeIfPresent(key, (k, v) -> other.equals(v) ? null : other));
                    case 11 -> assertEquals(model.getOrDefault(key, "none"), dict.getOrDefault(key, "none"));
                    default -> assertEquals(model.containsKey(key), dict.containsKey(key));
                }
                assertEquals(model.size(), dict.size());
            }
            assertEquals(model, dict);
            assertEquals(model.keySet(), dict.keySet());
            assertEquals(model.hashCode(), dict.hashCode());
            assertEquals(model.containsValue(java.util.List.of(3)), dict.containsValue(java.util.List.of(3)));
            model.replaceAll((k, v) -> k.toString() + v);
            dict.replaceAll((k, v) -> k.toString() + v);
            assertEquals(model, dict);
            dict.clear();
            assertTrue(dict.isEmpty());
        }
    }

    @Test
    void shouldRefuseNullKeysAndValuesAsConcurrentHashMapDoes()
    {
        try (Manager manager = new Manager())
        {
            final SharedDict<String, String> dict = Dicts.of(manager, 10);
            final NullPointerException ex = assertThrows(NullPointerException.class, () -> dict.put("k", null));
            assertTrue(ex.getMessage().contains("shared dict values cannot be null"), ex.getMessage());
            assertThrows(NullPointerException.class, () -> dict.put(null, "v"));
            assertThrows(NullPointerException.class, () -> dict.get(null));
            assertThrows(NullPointerException.class, () -> dict.putIfAbsent("k", null));
            assertThrows(NullPointerException.class, () -> dict.merge("k", null, (a, b) -> b));
            dict.put("k", "v");
            assertFalse(dict.remove("k", null));
            assertEquals("v", dict.getOrDefault("k", "default"));
            assertEquals(1, dict.size());
        }
    }

    @Test
    void shouldMergeAndComputeValuesWhoseEncodingChangesWhenDecodedAndEncodedAgain()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Manager manager = new Manager())
            {
                final SharedDict<String, java.util.HashMap<String, Integer>> dict = (SharedDict<String, java.util.HashMap<String, Integer>>)manager.<String, java.util.HashMap<String, Integer>>dict(10);
                // Serialized with its capacity (1024 buckets); decoded and serialized again it says 16.
                final java.util.HashMap<String, Integer> counts = new java.util.HashMap<>(1_000);
                counts.put("a", 1);
                dict.put("counts", counts);

                final java.util.HashMap<String, Integer> more = new java.util.HashMap<>(java.util.Map.of("b", 2));
                final java.util.HashMap<String, Integer> merged = dict.merge("counts", more, (old, added) ->
                {
                    final java.util.HashMap<String, Integer> both = new java.util.HashMap<>(old);
                    both.putAll(added);
                    return both;
                });
                assertEquals(java.util.Map.of("a", 1, "b", 2), merged);
                assertEquals(java.util.Map.of("a", 1, "b", 2, "c", 3), dict.compute("counts", (k, old) ->
                {
                    final java.util.HashMap<String, Integer> three = new java.util.HashMap<>(old);
                    three.put("c", 3);
                    return three;
                }));
                assertEquals(java.util.Map.of("a", 1, "b", 2, "c", 3), dict.get("counts"));
            }
        });
    }

    @Test
    void shouldLetCallsInFlightEndWhenAHandleIsClosedUnderThem()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Manager manager = new Manager())
            {
                final SharedDict<String, Integer> dict = Dicts.of(manager, 10);
                @SuppressWarnings("unchecked")
                final SharedDict<String, Integer> handle = (SharedDict<String, Integer>)io.mp4j.internal.JavaSerialization
                    .deserialize(io.mp4j.internal.JavaSerialization.serialize(dict, "dict handle"), "dict handle");
                final java.util.concurrent.atomic.AtomicReference<Throwable> ended = new java.util.concurrent.atomic.AtomicReference<>();
                final java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1_000);
                final java.util.List<Thread> writers = new java.util.ArrayList<>();
                for (int t = 0; t < 3; t++)
                {
                    final String key = "writer" + t;
                    final Thread writer = new Thread(() ->
                    {
                        try
                        {
                            for (int i = 0; ; i++)
                            {
                                handle.put(key, i);
                                running.countDown();
                            }
                        }
                        catch (final Throwable ex)
                        {
                            ended.compareAndSet(null, ex);
                            if (!(ex instanceof IllegalStateException))
                            {
                                ended.set(ex);
                            }
                        }
                    });
                    writer.start();
                    writers.add(writer);
                }
                running.await();
                handle.close();
                for (final Thread writer : writers)
                {
                    writer.join();
                }

                assertTrue(ended.get() instanceof IllegalStateException &&
                    ended.get().getMessage().startsWith("shared dict is closed in this process"), String.valueOf(ended.get()));
                dict.put("after", 1); // the dict's lock was not left held
                assertEquals(1, dict.get("after"));
                assertTrue(dict.get("writer0") >= 0);
            }
        });
    }
}
