package io.mp4j.manager;

import io.mp4j.RegionMissingException;
import io.mp4j.process.ChildProcess;
import io.mp4j.sharedstate.Children;
import io.mp4j.sync.SharedLock;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.Serializable;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manager's list: List semantics in one JVM, and appends, changes and a killed lock holder across JVMs. */
@ExtendWith(NoLeaksExtension.class)
class ManagerListTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Duration JOIN = Duration.ofSeconds(60);
    private static final int APPENDERS = 4;
    private static final int APPENDS = 1_000;

    @Test
    void shouldKeepEveryAppendOfFourChildrenExactlyOnceInEachChildsOrder()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Manager manager = new Manager(); Children children = new Children())
            {
                // Room for 16: the appenders grow the list, each growth racing the other three.
                final SharedList<String> list = manager.list(16);
                for (int c = 0; c < APPENDERS; c++)
                {
                    final String prefix = "c" + c;
                    children.start("appender-" + c, () ->
                    {
                        for (int i = 0; i < APPENDS; i++)
                        {
                            list.add(prefix + '-' + i);
                        }
                    });
                }
                children.joinAllSucceeded(JOIN);

                final List<String> items = list.snapshot();
                assertEquals(APPENDERS * APPENDS, items.size());
                final Map<String, Integer> next = new HashMap<>();
                for (final String item : items)
                {
                    final String prefix = item.substring(0, item.indexOf('-'));
                    final int expected = next.getOrDefault(prefix, 0);
                    assertEquals(prefix + '-' + expected, item, "appends of one child out of order or lost or twice");
                    next.put(prefix, expected + 1);
                }
                for (int c = 0; c < APPENDERS; c++)
                {
                    assertEquals(APPENDS, next.get("c" + c));
                }
                assertTrue(list.store().generation() > 1, "the list grew");
            }
        });
    }

    @Test
    void shouldBehaveLikeArrayListUnderRandomChangesWhileGrowingAndCompacting()
    {
        try (Manager manager = new Manager())
        {
            final SharedList<String> list = manager.list(16);
            final List<String> model = new ArrayList<>();
            final Random random = new Random(42);
            for (int step = 0; step < 20_000; step++)
            {
                final String item = "x".repeat(random.nextInt(200)) + step;
                final int op = random.nextInt(100);
                if (op < 35 || model.isEmpty())
                {
                    assertTrue(list.add(item));
                    model.add(item);
                }
                else if (op < 50)
                {
                    final int index = random.nextInt(model.size());
                    assertEquals(model.set(index, item), list.set(index, item));
                }
                else if (op < 62)
                {
                    final int index = random.nextInt(model.size() + 1);
                    list.add(index, item);
                    model.add(index, item);
                }
                else if (op < 80)
                {
                    final int index = random.nextInt(model.size());
                    assertEquals(model.remove(index), list.remove(index));
                }
                else if (op < 85)
                {
                    final String existing = model.get(random.nextInt(model.size()));
                    assertEquals(model.remove(existing), list.remove(existing));
                }
                else if (op < 90)
                {
                    final int index = random.nextInt(model.size() + 1);
                    final List<String> more = List.of(item, item + "a", item + "b");
                    list.addAll(index, more);
                    model.addAll(index, more);
                }
                else if (op < 95)
                {
                    final int index = random.nextInt(model.size());
                    assertEquals(model.get(index), list.get(index));
                }
                else if (op < 99)
                {
                    final int from = random.nextInt(model.size());
                    final int to = from + random.nextInt(Math.min(5, model.size() - from) + 1);
                    list.subList(from, to).clear();
                    model.subList(from, to).clear();
                }
                else
                {
                    assertEquals(model.remove(model.size() - 1), list.pop());
                }
                assertEquals(model.size(), list.size());
                if (step % 1_000 == 0)
                {
                    assertEquals(model, list.snapshot());
                }
            }
            assertEquals(model, list);
            assertEquals(model.hashCode(), list.hashCode());
            assertTrue(list.store().generation() > 3, "the list grew and compacted: generation=" +
                list.store().generation());
        }
    }

    @Test
    void shouldFailLikeArrayListOutsideItsBounds()
    {
        try (Manager manager = new Manager())
        {
            final SharedList<Integer> list = manager.list();
            list.add(1);
            assertThrows(IndexOutOfBoundsException.class, () -> list.get(1));
            assertThrows(IndexOutOfBoundsException.class, () -> list.get(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> list.set(1, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> list.remove(1));
            assertThrows(IndexOutOfBoundsException.class, () -> list.add(2, 2));
            assertEquals(1, list.pop());
            assertThrows(java.util.NoSuchElementException.class, list::pop);
            assertFalse(list.remove((Object)7));
            assertEquals(List.of(), list);
        }
    }

    @Test
    void shouldHoldEveryKindOfValueTheCodecCarries()
    {
        try (Manager manager = new Manager())
        {
            final SharedList<Object> list = manager.list();
            final Point point = new Point(3, 4);
            list.addAll(Arrays.asList("text", 7, 8L, 2.5, true, 'c', null, point, List.of(1, 2)));
            list.add(new byte[] {1, 2, 3});

            assertEquals(Arrays.asList("text", 7, 8L, 2.5, true, 'c', null, point, List.of(1, 2)), list.subList(0, 9));
            assertArrayEquals(new byte[] {1, 2, 3}, (byte[])list.get(9));
            assertNull(list.get(6));
            assertEquals(7, list.indexOf(point));
            assertTrue(list.contains(8L));
            assertFalse(list.contains(8), "Integer 8 is not Long 8");
            assertTrue(list.remove(point));
            assertEquals(List.of(1, 2), list.get(7));
            assertThrows(io.mp4j.EncodingException.class, () -> list.add(new Object()));
            assertEquals(9, list.size(), "a value that cannot be encoded leaves the list untouched");
        }
    }

    @Test
    void shouldIterateLiveLikePythonsProxyWhileSnapshotsStayPut()
    {
        try (Manager manager = new Manager())
        {
            final SharedList<Integer> list = manager.list();
            list.addAll(List.of(1, 2, 3));
            final Iterator<Integer> iterator = list.iterator();
            final List<Integer> snapshot = list.snapshot();
            assertEquals(1, iterator.next());
            list.add(4);
            list.set(1, 20);

            final List<Integer> seen = new ArrayList<>();
            iterator.forEachRemaining(seen::add);
            assertEquals(List.of(20, 3, 4), seen, "the iterator reads each item when it gets there");
            assertEquals(List.of(1, 2, 3), snapshot);
            assertEquals("[1, 20, 3, 4]", list.toString());

            final ListIterator<Integer> back = list.listIterator(4);
            assertEquals(4, back.previous());
            list.remove(0);
            assertEquals(4, back.previous(), "previous reads the item now at index 2");
            assertThrows(UnsupportedOperationException.class, () ->
            {
                final Iterator<Integer> again = list.iterator();
                again.next();
                again.remove();
            });
            final Iterator<Integer> shrinking = list.iterator();
            list.clear();
            assertFalse(shrinking.hasNext());
            assertThrows(NoSuchElementException.class, shrinking::next);
            list.addAll(List.of(5, 6));
            assertEquals(11, list.stream().mapToInt(Integer::intValue).sum());
            assertTrue(list.contains(6));
            assertEquals(1, list.indexOf(6));
            assertEquals(List.of(5, 6), list);
            assertEquals(List.of(5, 6).hashCode(), list.hashCode());
        }
    }

    @Test
    void shouldSeeAChildsChangeWhenTheIteratorReachesIt()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Manager manager = new Manager(); Children children = new Children())
            {
                final SharedList<String> list = manager.list();
                list.addAll(List.of("a", "b", "c"));
                final Iterator<String> iterator = list.iterator();
                assertEquals("a", iterator.next());

                Children.joinSucceeded(children.start("changer", () ->
                {
                    list.set(2, "C");
                    list.add("d");
                }), JOIN);

                assertEquals("b", iterator.next());
                assertEquals("C", iterator.next(), "a change made after the iterator, by another process");
                assertEquals("d", iterator.next(), "an item appended by another process");
                assertFalse(iterator.hasNext());
            }
        });
    }

    @Test
    void shouldSortFilterAndReplaceAsOneChangeEach()
    {
        try (Manager manager = new Manager())
        {
            final SharedList<Integer> list = manager.list();
            list.addAll(List.of(5, 3, 9, 1, 7, 3));
            list.sort(null);
            assertEquals(List.of(1, 3, 3, 5, 7, 9), list);
            list.sort(Comparator.reverseOrder());
            assertEquals(List.of(9, 7, 5, 3, 3, 1), list);
            assertTrue(list.removeIf(x -> x > 6));
            assertEquals(List.of(5, 3, 3, 1), list);
            list.replaceAll(x -> x * 10);
            assertEquals(List.of(50, 30, 30, 10), list);
            assertTrue(list.removeAll(List.of(30)));
            assertTrue(list.retainAll(List.of(10)));
            assertEquals(List.of(10), list);
            list.clear();
            assertTrue(list.isEmpty());
        }
    }

    @Test
    void shouldShowChildrensChangesToTheParentAndTheParentsToChildren()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Manager manager = new Manager(); Children children = new Children())
            {
                final SharedList<String> list = manager.list();
                list.addAll(List.of("a", "b", "c"));
                final ChildProcess child = children.start("changer", () ->
                {
                    if (!List.of("a", "b", "c").equals(list))
                    {
                        throw new IllegalStateException("child saw " + list);
                    }
                    list.set(1, "B");
                    list.remove(0);
                    list.add(0, "first");
                    list.add("last");
                });
                Children.joinSucceeded(child, JOIN);

                assertEquals(List.of("first", "B", "c", "last"), list);
            }
        });
    }

    @Test
    void shouldRecoverWhenAChildIsKilledHoldingTheListsLock()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Manager manager = new Manager(); Children children = new Children())
            {
                final SharedList<Integer> list = manager.list(16);
                final ChildProcess appender = children.start("appender", () ->
                {
                    for (int i = 0; ; i++)
                    {
                        list.add(i);
                    }
                });
                while (list.size() < 5_000)
                {
                    Thread.sleep(10);
                }

                final SharedLock lock = list.store().sharedLock();
                final Random random = new Random(7);
                boolean killedHolding = false;
                for (int attempt = 0; attempt < 500 && !killedHolding; attempt++)
                {
                    TestProcesses.signal("STOP", appender.pid());
                    TestProcesses.awaitStopped(appender.pid());
                    if (lock.ownerPid() == appender.pid())
                    {
                        appender.kill();
                        killedHolding = true;
                    }
                    else
                    {
                        TestProcesses.signal("CONT", appender.pid());
                        Thread.sleep(random.nextInt(3));
                    }
                }
                assertTrue(killedHolding, "never caught the appender holding the lock");
                assertTrue(appender.join(JOIN));

                // The next call takes the dead appender's lock over, and finds the list whole.
                list.add(-1);
                assertEquals(1, lock.recoveries());
                final List<Integer> items = list.snapshot();
                assertEquals(-1, items.get(items.size() - 1));
                for (int i = 0; i < items.size() - 1; i++)
                {
                    assertEquals(i, items.get(i), "a torn or lost append");
                }
            }
        });
    }

    @Test
    void shouldRemoveTheListWhenTheManagerCloses() throws Exception
    {
        final Manager manager = new Manager();
        final SharedList<String> list = manager.list(16);
        for (int i = 0; i < 100; i++)
        {
            list.add("item-" + i);
        }
        final byte[] handle = io.mp4j.internal.JavaSerialization.serialize(list, "list");
        manager.close();

        assertFalse(Files.exists(manager.directory()), "the manager's directory is gone");
        assertThrows(IllegalStateException.class, list::size);
        final Exception attach = assertThrows(io.mp4j.EncodingException.class,
            () -> io.mp4j.internal.JavaSerialization.deserialize(handle, "list"));
        assertTrue(attach.getCause() instanceof RegionMissingException, attach.toString());
        assertThrows(IllegalStateException.class, manager::list);
    }

    /** A value that is neither a string nor a boxed primitive: it crosses by Java serialization. */
    private record Point(int x, int y) implements Serializable
    {
    }
}
