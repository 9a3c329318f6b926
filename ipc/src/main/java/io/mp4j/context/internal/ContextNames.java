package io.mp4j.context.internal;

import io.mp4j.context.MultiprocessingContext;

import java.util.regex.Pattern;

/**
 * The rules every {@link MultiprocessingContext} applies to its names and settings, in one place for all backends.
 */
public final class ContextNames
{
    private static final Pattern NAME =
        Pattern.compile("[A-Za-z0-9._-]{1," + MultiprocessingContext.MAX_NAME_LENGTH + "}");

    private ContextNames()
    {
    }

    /**
     * Checks an object's name.
     *
     * @param kind what the object is, for the message.
     * @param name the name.
     * @throws IllegalArgumentException if it is not 1 to {@value MultiprocessingContext#MAX_NAME_LENGTH} letters,
     *                                  digits, {@code .}, {@code _} or {@code -}.
     */
    public static void check(final String kind, final String name)
    {
        if (name == null || !NAME.matcher(name).matches())
        {
            throw new IllegalArgumentException(kind + " name must be 1 to " + MultiprocessingContext.MAX_NAME_LENGTH +
                " letters, digits, '.', '_' or '-': name=" + name);
        }
    }

    /**
     * Checks a queue's capacity before anything is made.
     *
     * @param kind     what the queue is, for the message.
     * @param name     its name.
     * @param capacity how many messages it holds before {@code put} waits.
     * @throws IllegalArgumentException if it is below 1 (Python's {@code maxsize <= 0}, which asks for an unbounded
     *                                  queue; no context makes one from it).
     */
    public static void checkCapacity(final String kind, final String name, final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException(kind + " '" + name + "' needs a capacity of at least 1: capacity=" + capacity);
        }
    }

    /**
     * Hands back an object found by name if the setting it was made with is the one asked for.
     *
     * @param object  the object.
     * @param kind    what it is, for the message.
     * @param name    its name.
     * @param setting which setting, e.g. {@code capacity}.
     * @param actual  the setting it was made with.
     * @param asked   the setting asked for.
     * @param <T>     the object's type.
     * @return the object.
     * @throws IllegalStateException if the two settings differ.
     */
    public static <T> T expect(
        final T object, final String kind, final String name, final String setting, final int actual, final int asked)
    {
        if (actual != asked)
        {
            throw new IllegalStateException(kind + " '" + name + "' exists with other settings: " +
                setting + "=" + actual + " asked=" + asked);
        }
        return object;
    }
}
