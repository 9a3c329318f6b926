package io.mp4j.codec;

import io.mp4j.internal.SerialFilter;

/**
 * What Java deserialization of tasks, results and messages accepts in this JVM, and in the children it
 * starts: mp4j passes the pattern on their command lines. The codec's direct values (strings, boxed
 * primitives, primitive arrays) are never deserialized, so no filter applies to them.
 * <p>
 * By default any class is accepted, object graphs up to {@value #DEFAULT_MAX_DEPTH} deep, and no array
 * longer than its message has bytes; a JVM-wide {@code jdk.serialFilter} is honoured as well. A pattern, from the
 * system property {@value #PROPERTY} or {@link #configure(String)}, uses the syntax of
 * {@link java.io.ObjectInputFilter.Config#createFilter(String)}; an allow-list such as
 * {@code com.example.**;!*} still allows {@value #MP4J_CLASSES}, which mp4j's own messages are made of.
 * A limit the pattern names ({@code maxdepth=}, {@code maxarray=}) replaces the default one. What the
 * filter refuses fails with {@link io.mp4j.DeserializationRejectedException}, naming the class or limit.
 * <p>
 * Set it before starting children; any thread may read or set it.
 */
public final class DeserializationFilter
{
    /** System property holding the pattern: {@value}. */
    public static final String PROPERTY = SerialFilter.PROPERTY;

    /** Deepest object graph accepted unless the pattern names its own {@code maxdepth}. */
    public static final long DEFAULT_MAX_DEPTH = SerialFilter.DEFAULT_MAX_DEPTH;

    /** Classes always allowed, in pattern syntax: {@value}. */
    public static final String MP4J_CLASSES = SerialFilter.MP4J_CLASSES;

    private DeserializationFilter()
    {
    }

    /**
     * Sets the pattern for this JVM and the children it starts from now on, in place of {@value #PROPERTY};
     * null goes back to the property.
     *
     * @param pattern e.g. {@code "com.example.**;!*"} or {@code "maxbytes=1000000"}, or null.
     * @throws IllegalArgumentException if the pattern is malformed.
     */
    public static void configure(final String pattern)
    {
        SerialFilter.configure(pattern);
    }

    /**
     * The pattern in force: the one configured, else the property's.
     *
     * @return the pattern, or null if only the defaults apply.
     */
    public static String pattern()
    {
        return SerialFilter.pattern();
    }
}
