package io.mp4j.bench.compare;

/**
 * The ways of running a workload that the comparison sets side by side, in the order they take turns within
 * each repetition: mp4j, CPython and plain Java on every row, and mp4j's cluster backend on the rows it has.
 */
public enum Competitor
{
    /** mp4j itself. */
    MP4J("mp4j", "mp4j"),

    /** CPython's own {@code multiprocessing}, driven through {@code bench/python/compare_workloads.py}. */
    CPYTHON("CPython", "cpython"),

    /**
     * What a Java user would hand-roll without mp4j: child JVMs from a {@link ProcessBuilder} exchanging
     * serialized objects over stdin/stdout, or threads in one JVM where that is the natural ceiling.
     */
    PLAIN_JAVA("plain Java", "plainJava"),

    /**
     * mp4j's cluster backend: the same calls through a {@code ClusterContext} on a loopback cluster of two server
     * nodes in JVMs of their own, this JVM a client ({@link LoopbackCluster}); set beside mp4j's local figure.
     */
    CLUSTER("mp4j cluster", "cluster");

    private final String title;
    private final String key;

    Competitor(final String title, final String key)
    {
        this.title = title;
        this.key = key;
    }

    /**
     * The competitor's name in the table and the chart.
     *
     * @return e.g. {@code "plain Java"}.
     */
    public String title()
    {
        return title;
    }

    /**
     * The competitor's field name in {@code compare.json}.
     *
     * @return e.g. {@code "plainJava"}.
     */
    public String key()
    {
        return key;
    }
}
