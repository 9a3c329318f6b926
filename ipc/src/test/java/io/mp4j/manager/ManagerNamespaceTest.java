package io.mp4j.manager;

import io.mp4j.process.ChildProcess;
import io.mp4j.sharedstate.Children;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manager's namespace: attributes set, replaced and deleted, in one JVM and from a child. */
@ExtendWith(NoLeaksExtension.class)
class ManagerNamespaceTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Test
    void shouldSetGetReplaceAndDeleteAttributes()
    {
        try (Manager manager = new Manager())
        {
            final SharedNamespace ns = manager.namespace();
            assertEquals("Namespace()", ns.toString());
            assertFalse(ns.has("x"));
            assertThrows(NoSuchElementException.class, () -> ns.get("x"));
            assertEquals("fallback", ns.get("x", "fallback"));

            ns.set("x", 1);
            ns.set("name", "mp4j");
            ns.set("nothing", null);
            ns.set("bytes", new byte[] {4, 2});
            ns.set("xy", List.of(1, 2));
            ns.set("x", 2);

            final int x = ns.get("x");
            assertEquals(2, x);
            assertEquals("mp4j", ns.get("name"));
            assertTrue(ns.has("nothing"));
            assertNull(ns.get("nothing"));
            assertArrayEquals(new byte[] {4, 2}, ns.get("bytes"));
            assertEquals(List.of(1, 2), ns.get("xy"), "a name that starts with another name is another attribute");
            assertEquals(Set.of("bytes", "name", "nothing", "x", "xy"), ns.names());

            assertTrue(ns.delete("bytes"));
            assertFalse(ns.delete("bytes"));
            assertEquals("Namespace(name=mp4j, nothing=null, x=2, xy=[1, 2])", ns.toString());
            final TreeMap<String, Object> expected = new TreeMap<>();
            expected.put("name", "mp4j");
            expected.put("nothing", null);
            expected.put("x", 2);
            expected.put("xy", List.of(1, 2));
            assertEquals(expected, ns.snapshot());
            assertThrows(IllegalArgumentException.class, () -> ns.set("", 1));
        }
    }

    @Test
    void shouldShowTheParentAnAttributeAChildSet()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Manager manager = new Manager(); Children children = new Children())
            {
                final SharedNamespace ns = manager.namespace();
                ns.set("question", "six by nine");
                final ChildProcess child = children.start("setter", () ->
                {
                    final String question = ns.get("question");
                    ns.set("answer", question.length() * 4 - 2);
                    ns.delete("question");
                });
                Children.joinSucceeded(child, Duration.ofSeconds(60));

                final int answer = ns.get("answer");
                assertEquals(42, answer);
                assertFalse(ns.has("question"));
                assertEquals("Namespace(answer=42)", ns.toString());
            }
        });
    }

    @Test
    void shouldRemoveTheNamespaceWhenTheManagerCloses()
    {
        final Manager manager = new Manager();
        final SharedNamespace ns = manager.namespace();
        ns.set("a", 1);
        manager.close();

        assertFalse(Files.exists(manager.directory()));
        assertTrue(ns.isClosed());
        assertThrows(IllegalStateException.class, () -> ns.get("a"));
    }
}
