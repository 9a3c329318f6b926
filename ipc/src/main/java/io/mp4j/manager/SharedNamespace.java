package io.mp4j.manager;

import io.mp4j.WaitStrategy;
import io.mp4j.codec.Codec;
import io.mp4j.process.ChildProcess;
import io.mp4j.session.Session;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Named attributes shared by processes: Python's {@code Manager().Namespace()}. Java has no dynamic
 * attributes, so {@code ns.x = 1} is {@code ns.set("x", 1)} and {@code ns.x} is {@code ns.get("x")}.
 * <pre>{@code
 * SharedNamespace ns = manager.namespace();
 * new ChildProcess((SharedNamespace n) -> n.set("answer", 42), ns).start().join();
 * int answer = ns.get("answer");   // 42
 * System.out.println(ns);          // Namespace(answer=42)
 * }</pre>
 * It is stored as a {@link SharedList} is (one item per attribute: its name, then its value's encoding),
 * so each call is one atomic step for every process, a process killed mid-call leaves the attribute as
 * it was before or after the call, and the namespace is passed to children as a handle. Values cross as
 * a list's items do (strings, boxed primitives, arrays, any {@link Serializable}, {@code null}) and come
 * back as copies. Lookups scan the attributes: a namespace is meant for a handful of them, not as a map
 * of thousands (use the manager's dict). Read-modify-write ({@code ns.x += 1}) is not atomic, as in
 * Python. Any thread of any process holding a handle may call any method.
 */
public final class SharedNamespace implements AutoCloseable, Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    private static final int EXPECTED_ATTRIBUTES = 16;

    private final transient ListStore store;

    private SharedNamespace(final ListStore store)
    {
        this.store = store;
    }

    static SharedNamespace create(final Session session, final WaitStrategy waitStrategy)
    {
        return new SharedNamespace(
            ListStore.create(session, ListDescriptor.TYPE_NAMESPACE, EXPECTED_ATTRIBUTES, waitStrategy));
    }

    /**
     * The namespace's name in its manager's session.
     *
     * @return e.g. {@code namespace-1234-5}.
     */
    public String name()
    {
        return store.name();
    }

    /**
     * An attribute's value: Python's {@code ns.name}.
     *
     * @param name the attribute.
     * @param <T>  the type the caller expects.
     * @return a copy of its value, possibly null.
     * @throws NoSuchElementException if there is no such attribute (Python's {@code AttributeError}).
     */
    public <T> T get(final String name)
    {
        final Lookup lookup = lookup(name);
        if (!lookup.found())
        {
            throw new NoSuchElementException("namespace has no attribute: name=" + name + " namespace=" + store.name());
        }
        return cast(ListStore.resolve(lookup.value()));
    }

    /**
     * An attribute's value, or a default: Python's {@code getattr(ns, name, default)}.
     *
     * @param name         the attribute.
     * @param defaultValue what to return if there is no such attribute.
     * @param <T>          the type the caller expects.
     * @return a copy of its value, or the default.
     */
    public <T> T get(final String name, final T defaultValue)
    {
        final Lookup lookup = lookup(name);
        return lookup.found() ? cast(ListStore.resolve(lookup.value())) : defaultValue;
    }

    /**
     * Sets an attribute, adding it if it is new: Python's {@code ns.name = value}.
     *
     * @param name  the attribute: any non-empty string.
     * @param value its value.
     */
    public void set(final String name, final Object value)
    {
        final byte[] prefix = prefix(name);
        final byte[] encoded = Codec.encode(value);
        final byte[] item = new byte[prefix.length + encoded.length];
        System.arraycopy(prefix, 0, item, 0, prefix.length);
        System.arraycopy(encoded, 0, item, prefix.length, encoded.length);
        store.lock();
        try
        {
            final int index = indexOf(prefix);
            if (index >= 0)
            {
                store.replace(index, item);
            }
            else
            {
                store.append(item);
            }
        }
        finally
        {
            store.unlock();
        }
    }

    /**
     * Whether an attribute is set: Python's {@code hasattr(ns, name)}.
     *
     * @param name the attribute.
     * @return true if it is.
     */
    public boolean has(final String name)
    {
        final byte[] prefix = prefix(name);
        store.lock();
        try
        {
            return indexOf(prefix) >= 0;
        }
        finally
        {
            store.unlock();
        }
    }

    /**
     * Removes an attribute: Python's {@code del ns.name}, but returning false where Python raises
     * {@code AttributeError}.
     *
     * @param name the attribute.
     * @return true if it was there.
     */
    public boolean delete(final String name)
    {
        final byte[] prefix = prefix(name);
        store.lock();
        try
        {
            final int index = indexOf(prefix);
            if (index >= 0)
            {
                store.splice(index, index + 1);
            }
            return index >= 0;
        }
        finally
        {
            store.unlock();
        }
    }

    /**
     * The attributes' names, sorted: Python's {@code vars(ns).keys()}.
     *
     * @return a new sorted set, taken under the lock.
     */
    public SortedSet<String> names()
    {
        final ListStore.Snapshot snapshot = takeSnapshot();
        final SortedSet<String> names = new TreeSet<>();
        for (int i = 0; i < snapshot.size(); i++)
        {
            names.add(nameOf(snapshot, i));
        }
        return names;
    }

    /**
     * Every attribute and its value, sorted by name: Python's {@code vars(ns)}, as a copy.
     *
     * @return a new sorted map, taken under the lock.
     */
    public SortedMap<String, Object> snapshot()
    {
        final ListStore.Snapshot snapshot = takeSnapshot();
        final SortedMap<String, Object> attributes = new TreeMap<>();
        for (int i = 0; i < snapshot.size(); i++)
        {
            attributes.put(nameOf(snapshot, i), snapshot.decode(i, Integer.BYTES + nameLength(snapshot, i)));
        }
        return attributes;
    }

    /**
     * Whether {@link #close()} has been called in this JVM.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return store.isClosed();
    }

    /**
     * Unmaps the namespace in this JVM; the attributes stay for the other processes, and the namespace
     * goes when its manager closes. Idempotent; calls after it throw {@link IllegalStateException}.
     */
    @Override
    public void close()
    {
        store.close();
    }

    /** As Python prints one: {@code Namespace(a=1, b=2)}, sorted by name, from one snapshot. */
    @Override
    public String toString()
    {
        if (store.isClosed())
        {
            return "SharedNamespace{name=" + store.name() + ", closed}";
        }
        final StringJoiner joiner = new StringJoiner(", ", "Namespace(", ")");
        snapshot().forEach((name, value) -> joiner.add(name + '=' + value));
        return joiner.toString();
    }

    private Lookup lookup(final String name)
    {
        final byte[] prefix = prefix(name);
        store.lock();
        try
        {
            final int index = indexOf(prefix);
            return index < 0 ? Lookup.MISSING : new Lookup(true, store.read(store.entry(index), prefix.length));
        }
        finally
        {
            store.unlock();
        }
    }

    /** Lock held. */
    private int indexOf(final byte[] prefix)
    {
        final int size = store.size();
        for (int i = 0; i < size; i++)
        {
            if (store.startsWith(store.entry(i), prefix))
            {
                return i;
            }
        }
        return -1;
    }

    private ListStore.Snapshot takeSnapshot()
    {
        store.lock();
        try
        {
            return store.snapshot();
        }
        finally
        {
            store.unlock();
        }
    }

    /** An item starts with its name's length (an int) and its name, so that a name is never a prefix of another's. */
    private static byte[] prefix(final String name)
    {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty())
        {
            throw new IllegalArgumentException("a namespace attribute needs a name");
        }
        final byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        final byte[] prefix = new byte[Integer.BYTES + utf8.length];
        new UnsafeBuffer(prefix).putInt(0, utf8.length, ByteOrder.LITTLE_ENDIAN);
        System.arraycopy(utf8, 0, prefix, Integer.BYTES, utf8.length);
        return prefix;
    }

    private static String nameOf(final ListStore.Snapshot snapshot, final int index)
    {
        return new String(snapshot.bytes(), snapshot.start(index) + Integer.BYTES, nameLength(snapshot, index),
            StandardCharsets.UTF_8);
    }

    private static int nameLength(final ListStore.Snapshot snapshot, final int index)
    {
        return new UnsafeBuffer(snapshot.bytes()).getInt(snapshot.start(index), ByteOrder.LITTLE_ENDIAN);
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(final Object value)
    {
        return (T)value;
    }

    @Serial
    private Object writeReplace()
    {
        return new Handle(store.anchorFile().toString(), store.waitStrategy());
    }

    @Serial
    private void readObject(final ObjectInputStream in) throws InvalidObjectException
    {
        throw new InvalidObjectException("SharedNamespace travels as a handle");
    }

    /** A lookup's result: whether the attribute was found, and its value as read under the lock. */
    private record Lookup(boolean found, Object value)
    {
        static final Lookup MISSING = new Lookup(false, null);
    }

    /**
     * What a namespace becomes when serialized: its anchor's file. Deserializing it maps the namespace.
     *
     * @param anchorFile   the anchor region's path.
     * @param waitStrategy how the lock waits.
     */
    private record Handle(String anchorFile, WaitStrategy waitStrategy) implements Serializable
    {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private Object readResolve()
        {
            return new SharedNamespace(ListStore.attach(Path.of(anchorFile), ListDescriptor.TYPE_NAMESPACE, waitStrategy));
        }
    }
}
