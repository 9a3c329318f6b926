/**
 * mp4j's main artifact: child JVMs, the pool, pipes, queues, the manager's list and namespace and the
 * worker host's runtime. What needs Chronicle (the manager's dict, the pool journal) is found through
 * {@link java.util.ServiceLoader} in the {@code io.mp4j.chronicle} module when it is there.
 */
module io.mp4j.ipc
{
    requires transitive io.mp4j.core;
    requires java.management;

    exports io.mp4j.connection;
    exports io.mp4j.context;
    exports io.mp4j.host;
    exports io.mp4j.manager;
    exports io.mp4j.pool;
    exports io.mp4j.process;
    exports io.mp4j.queue;

    exports io.mp4j.context.internal to io.mp4j.cluster;
    exports io.mp4j.manager.internal to io.mp4j.chronicle;
    exports io.mp4j.pool.internal to io.mp4j.chronicle;
    exports io.mp4j.process.internal to io.mp4j.chronicle, io.mp4j.cluster;

    uses io.mp4j.manager.internal.DictProvider;
    uses io.mp4j.pool.internal.JournalWriter.Opener;
    uses io.mp4j.process.internal.ChildTraining;

    provides io.mp4j.process.internal.ChildTraining with io.mp4j.worker.internal.PoolWorkerTraining;
}
