package io.mp4j.internal;

import java.io.ObjectInputFilter;
import java.security.Security;
import java.util.Objects;
import java.util.function.BinaryOperator;

/**
 * The filter every Java deserialization in mp4j goes through (tasks, results, messages, targets): a
 * depth limit, an array limit bound by the length of the stream, the pattern a user set (by
 * {@value #PROPERTY} or {@link #configure(String)}) and the JVM-wide {@code jdk.serialFilter}. One
 * instance per stream, made by {@link #forStream(long)}; it remembers what it refused, for the message.
 * The public face of it is {@code io.mp4j.codec.DeserializationFilter}.
 */
public final class SerialFilter implements ObjectInputFilter
{
    /** System property holding a filter pattern, in the syntax of {@link ObjectInputFilter.Config#createFilter}. */
    public static final String PROPERTY = "mp4j.serialFilter";

    /** Deepest object graph accepted unless the pattern names its own {@code maxdepth}. */
    public static final long DEFAULT_MAX_DEPTH = 200;

    /** Classes allowed whatever the pattern says: mp4j's own and the java.base ones its messages are made of. */
    public static final String MP4J_CLASSES = "io.mp4j.**;java.lang.*;java.lang.invoke.SerializedLambda;java.util.*";

    private static volatile Settings configured;
    private static volatile Settings fromProperty;

    private final Settings settings;
    private final ObjectInputFilter jvmWide;
    private final long maxArray;
    private String rejected;

    private SerialFilter(final Settings settings, final ObjectInputFilter jvmWide, final long maxArray)
    {
        this.settings = settings;
        this.jvmWide = jvmWide;
        this.maxArray = maxArray;
    }

    /**
     * Sets the pattern for this JVM, replacing {@value #PROPERTY}; null goes back to the property.
     *
     * @param pattern a pattern for {@link ObjectInputFilter.Config#createFilter}, or null.
     * @throws IllegalArgumentException if the pattern is malformed.
     */
    public static void configure(final String pattern)
    {
        configured = pattern == null ? null : new Settings(pattern);
    }

    /**
     * The pattern in force: the configured one, else the property's.
     *
     * @return the pattern, or null if there is none (only the default limits apply).
     */
    public static String pattern()
    {
        final Settings settings = settings();
        return settings == null ? null : settings.pattern;
    }

    /**
     * A filter for one stream.
     *
     * @param streamLength the stream's length in bytes: no array in it can have more elements.
     * @return a new filter, to set on the stream.
     */
    public static SerialFilter forStream(final long streamLength)
    {
        return new SerialFilter(settings(), ObjectInputFilter.Config.getSerialFilter(), streamLength);
    }

    /**
     * A filter for one stream with mp4j's limits and the user's pattern only, for a JVM where no JVM-wide
     * filter can be in force (see {@link #jvmWideNamed()}): unlike {@link #forStream}, it does not start
     * Java serialization's configuration (~10 ms the first time in a JVM).
     *
     * @param streamLength the stream's length in bytes.
     * @return a new filter.
     */
    public static SerialFilter withoutJvmWide(final long streamLength)
    {
        return new SerialFilter(settings(), null, streamLength);
    }

    /**
     * Whether a {@code jdk.serialFilter} or {@code jdk.serialFilterFactory} system or security property
     * names a JVM-wide filter or filter factory; if not, only code run in this JVM can have set one.
     *
     * @return true if one is named.
     */
    public static boolean jvmWideNamed()
    {
        return named("jdk.serialFilter") || named("jdk.serialFilterFactory");
    }

    private static boolean named(final String property)
    {
        return System.getProperty(property) != null || Security.getProperty(property) != null;
    }

    /**
     * This filter as an {@code ObjectInputStream} given it would apply it: through the JVM-wide filter
     * factory, if one is set.
     *
     * @return the filter to check with.
     */
    public ObjectInputFilter asStreamWould()
    {
        final BinaryOperator<ObjectInputFilter> factory = ObjectInputFilter.Config.getSerialFilterFactory();
        return factory.apply(factory.apply(null, ObjectInputFilter.Config.getSerialFilter()), this);
    }

    /**
     * What this filter refused, for the exception's message.
     *
     * @return the refused class or limit as {@code key=value}, or null if it refused nothing.
     */
    public String rejected()
    {
        return rejected;
    }

    @Override
    public Status checkInput(final FilterInfo info)
    {
        if (settings == null || !settings.namesMaxDepth)
        {
            if (info.depth() > DEFAULT_MAX_DEPTH)
            {
                return reject("depth=" + info.depth() + " maxdepth=" + DEFAULT_MAX_DEPTH);
            }
        }
        if ((settings == null || !settings.namesMaxArray) && info.arrayLength() > maxArray)
        {
            return reject("class=" + typeName(info) + " arrayLength=" + info.arrayLength() + " maxarray=" + maxArray +
                " (no array has more elements than its stream has bytes)");
        }
        if (settings != null && settings.filter.checkInput(info) == Status.REJECTED)
        {
            return reject(limitsOrClass(info) + " " + PROPERTY + "=" + settings.pattern);
        }
        if (jvmWide != null && jvmWide.checkInput(info) == Status.REJECTED)
        {
            return reject(limitsOrClass(info) + " jdk.serialFilter=" + jvmWide);
        }
        return Status.UNDECIDED;
    }

    private Status reject(final String what)
    {
        if (rejected == null)
        {
            rejected = what;
        }
        return Status.REJECTED;
    }

    private static String limitsOrClass(final FilterInfo info)
    {
        return info.serialClass() != null ? "class=" + typeName(info) : "depth=" + info.depth() + " references=" +
            info.references() + " streamBytes=" + info.streamBytes() + " arrayLength=" + info.arrayLength();
    }

    private static String typeName(final FilterInfo info)
    {
        return info.serialClass() == null ? "null" : info.serialClass().getTypeName();
    }

    private static Settings settings()
    {
        final Settings settings = configured;
        if (settings != null)
        {
            return settings;
        }
        final String property = System.getProperty(PROPERTY);
        if (property == null || property.isBlank())
        {
            return null;
        }
        final Settings cached = fromProperty;
        if (cached != null && cached.pattern.equals(property))
        {
            return cached;
        }
        final Settings parsed = new Settings(property);
        fromProperty = parsed;
        return parsed;
    }

    /** A user's pattern, compiled behind mp4j's own classes, and which default limits it replaces. */
    private static final class Settings
    {
        private final String pattern;
        private final ObjectInputFilter filter;
        private final boolean namesMaxDepth;
        private final boolean namesMaxArray;

        Settings(final String pattern)
        {
            this.pattern = Objects.requireNonNull(pattern, "pattern").trim();
            try
            {
                this.filter = ObjectInputFilter.Config.createFilter(MP4J_CLASSES + ";" + this.pattern);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("malformed deserialization filter: " + PROPERTY + "=" + pattern +
                    " (" + ex.getMessage() + ")", ex);
            }
            boolean depth = false;
            boolean array = false;
            for (final String part : this.pattern.split(";"))
            {
                depth |= part.trim().startsWith("maxdepth=");
                array |= part.trim().startsWith("maxarray=");
            }
            this.namesMaxDepth = depth;
            this.namesMaxArray = array;
        }
    }
}
