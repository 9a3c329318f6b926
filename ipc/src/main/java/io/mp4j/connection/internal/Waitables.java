package io.mp4j.connection.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Where packages above {@code io.mp4j.connection} (the queues) say how to wait for their objects, so that
 * {@code Connections.wait} knows them without the connection package depending on theirs.
 */
public final class Waitables
{
    private static final List<Function<Object, Waitable>> FINDERS = new CopyOnWriteArrayList<>();

    private Waitables()
    {
    }

    /**
     * Registers a finder; a package registers once, when its class holding the finder initialises.
     *
     * @param finder returns the waitable view of an object it knows, null for any other.
     */
    public static void register(final Function<Object, Waitable> finder)
    {
        FINDERS.add(finder);
    }

    /**
     * The waitable view of an object.
     *
     * @param object a user's object.
     * @return its view, or null if no registered package knows it.
     */
    public static Waitable of(final Object object)
    {
        for (final Function<Object, Waitable> finder : FINDERS)
        {
            final Waitable waitable = finder.apply(object);
            if (waitable != null)
            {
                return waitable;
            }
        }
        return null;
    }
}
