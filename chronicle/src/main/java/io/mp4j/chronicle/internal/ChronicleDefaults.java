package io.mp4j.chronicle.internal;

/**
 * What mp4j sets before it first touches Chronicle: analytics off, since Chronicle otherwise phones
 * home and writes files in the user's home directory. The command line carries the same property for
 * every JVM mp4j starts; this covers a JVM started with {@code java -jar}, whose manifest cannot carry
 * system properties.
 */
public final class ChronicleDefaults
{
    private static final String ANALYTICS_DISABLE = "chronicle.analytics.disable";

    private ChronicleDefaults()
    {
    }

    /** Applies the defaults unless the user set them; call before any Chronicle class is loaded. */
    public static void apply()
    {
        if (System.getProperty(ANALYTICS_DISABLE) == null)
        {
            System.setProperty(ANALYTICS_DISABLE, "true");
        }
    }
}
