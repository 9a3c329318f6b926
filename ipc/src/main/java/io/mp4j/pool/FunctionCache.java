package io.mp4j.pool;

import io.mp4j.process.internal.ClassDataSharing;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Serialized pool functions of lambdas that capture nothing, kept per lambda class: such a lambda has no
 * state, so it serializes to the same bytes every time, and a call of one (an {@code apply} in a loop)
 * pays for its serialization once, and its workers for their deserialization once. Anything else is
 * serialized at each call, as its state may have changed. Each such lambda class also gets an id, unique
 * in this JVM, under which workers keep its function from call to call. The classes of the objects it
 * sees are noted for the class-data archive that workers start from ({@link #workerClasses()}). Safe from
 * any thread.
 */
final class FunctionCache
{
    /** At most this many classes of users' objects from jars are noted: as many as an archive holds. */
    private static final int MAX_NOTED_CLASSES = 64;
    private static final AtomicInteger KEPT_IDS = new AtomicInteger();
    /** Weakly, so that a class loader the program drops can go. */
    private static final Set<Class<?>> NOTED_CLASSES = Collections.newSetFromMap(new WeakHashMap<>());
    /** Written under the set's lock. */
    private static volatile int notedCount;

    private final ClassValue<Entry> entries = new ClassValue<>()
    {
        @Override
        protected Entry computeValue(final Class<?> type)
        {
            note(type);
            return new Entry(isStateless(type));
        }
    };

    /**
     * What a worker loads from jars to rebuild the functions this JVM's pools have sent, for the class-data
     * archive workers start from to hold: the classes the users' objects are made of (a lambda's capturing
     * class). With them there (and the pool's own wrappers, which the archive's training loads), a worker
     * opens no jar of the classpath on its way to its first result.
     *
     * @return the classes.
     */
    static List<Class<?>> workerClasses()
    {
        synchronized (NOTED_CLASSES)
        {
            return new ArrayList<>(NOTED_CLASSES);
        }
    }

    /**
     * How many classes have been noted so far in this JVM: a count that grows with each new one.
     *
     * @return the count.
     */
    static int notedClassCount()
    {
        return notedCount;
    }

    private static void note(final Class<?> type)
    {
        final Optional<Class<?>> archivable = ClassDataSharing.archivableClass(type);
        if (archivable.isEmpty())
        {
            return;
        }
        synchronized (NOTED_CLASSES)
        {
            if (NOTED_CLASSES.size() < MAX_NOTED_CLASSES && NOTED_CLASSES.add(archivable.get()))
            {
                notedCount++;
            }
        }
    }

    /**
     * The serialized form of a function made from a user's object, from the cache if the object is a
     * lambda that captures nothing.
     *
     * @param origin   what the user passed: a function, a task.
     * @param function the function the workers apply, made from it alone.
     * @return the serialized function.
     */
    byte[] serialize(final Object origin, final PoolFunction<?, ?> function)
    {
        return serializeWrapped(origin, ignored -> function);
    }

    /**
     * The serialized form of a function made from a user's object, made only if the cache has none.
     *
     * @param origin  what the user passed: a function, a task.
     * @param wrapper makes the function the workers apply from it alone.
     * @param <O>     the type of what the user passed.
     * @return the serialized function.
     */
    <O> byte[] serializeWrapped(final O origin, final Function<? super O, PoolFunction<?, ?>> wrapper)
    {
        final Entry entry = entries.get(origin.getClass());
        if (!entry.stateless)
        {
            return PoolCalls.serializeFunction(wrapper.apply(origin));
        }
        byte[] bytes = entry.bytes;
        if (bytes == null)
        {
            bytes = PoolCalls.serializeFunction(wrapper.apply(origin));
            entry.bytes = bytes;
        }
        return bytes;
    }

    /**
     * The id under which workers may keep the functions made from an object of this class.
     *
     * @param origin what the user passed.
     * @return a positive id for a lambda that captures nothing, else 0.
     */
    int keptId(final Object origin)
    {
        return entries.get(origin.getClass()).id;
    }

    /**
     * Whether the functions made from an object of this class may be kept by a worker from call to call.
     *
     * @param origin what the user passed.
     * @return true for a lambda that captures nothing.
     */
    boolean isReusable(final Object origin)
    {
        return entries.get(origin.getClass()).stateless;
    }

    /** A lambda's class with no instance fields: its instances capture nothing and are all alike. */
    static boolean isStateless(final Class<?> type)
    {
        if (!type.isHidden() || !type.isSynthetic() || !type.getName().contains("$$Lambda"))
        {
            return false;
        }
        for (final Field field : type.getDeclaredFields())
        {
            if (!Modifier.isStatic(field.getModifiers()))
            {
                return false;
            }
        }
        return true;
    }

    private static final class Entry
    {
        final boolean stateless;
        final int id;
        volatile byte[] bytes;

        Entry(final boolean stateless)
        {
            this.stateless = stateless;
            this.id = stateless ? KEPT_IDS.incrementAndGet() : 0;
        }
    }
}
