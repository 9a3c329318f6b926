package io.mp4j.bench.soak;

import java.util.Locale;

/**
 * One sample of a soak: when it was taken, the resident memory of this JVM and of the JVMs it started,
 * the regular files and their bytes under the session directory, the bytes in use on the session's file
 * system, and each workload's operations so far.
 *
 * @param seconds          since the workloads started.
 * @param parentRssBytes   this JVM's resident set.
 * @param childrenRssBytes the resident sets of the JVMs it started, summed.
 * @param children         how many of them were alive.
 * @param sessionFiles     regular files under the session directory.
 * @param sessionBytes     their lengths, summed.
 * @param storeUsedBytes   bytes in use on the session's file system, whoever uses them.
 * @param counts           operations per workload, in the order of {@link SoakWorkloads#NAMES}.
 */
record SoakSample(
    double seconds,
    long parentRssBytes,
    long childrenRssBytes,
    int children,
    long sessionFiles,
    long sessionBytes,
    long storeUsedBytes,
    long[] counts)
{
    static String header()
    {
        return "seconds,parent_rss_bytes,children_rss_bytes,children,session_files,session_bytes,store_used_bytes," +
            String.join(",", SoakWorkloads.NAMES);
    }

    String csv()
    {
        final StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%.1f,%d,%d,%d,%d,%d,%d",
            seconds, parentRssBytes, childrenRssBytes, children, sessionFiles, sessionBytes, storeUsedBytes));
        for (final long count : counts)
        {
            line.append(',').append(count);
        }
        return line.toString();
    }
}
