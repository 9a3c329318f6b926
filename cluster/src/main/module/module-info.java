/**
 * mp4j's cluster backend: the same {@link io.mp4j.context.MultiprocessingContext} on an Apache Ignite 2.x
 * cluster, and the server node that runs its pools and keeps its objects.
 */
module io.mp4j.cluster
{
    requires transitive io.mp4j.ipc;
    requires ignite.core;

    exports io.mp4j.cluster;
}
