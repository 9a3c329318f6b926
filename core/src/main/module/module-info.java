/**
 * mp4j's off-heap layer: sessions of memory-mapped regions, shared values and arrays, the robust lock
 * family, the codec and named shared memory. Its internal packages are open to mp4j's own modules only.
 */
module io.mp4j.core
{
    requires transitive org.agrona.core;
    // Agrona 1.x reaches memory through sun.misc.Unsafe; on the module path nothing else brings its module.
    requires jdk.unsupported;

    exports io.mp4j;
    exports io.mp4j.codec;
    exports io.mp4j.session;
    exports io.mp4j.shared;
    exports io.mp4j.sharedmemory;
    exports io.mp4j.sync;

    exports io.mp4j.internal to io.mp4j.ipc, io.mp4j.chronicle, io.mp4j.cluster;
    exports io.mp4j.internal.channel to io.mp4j.ipc;
    exports io.mp4j.internal.region to io.mp4j.ipc, io.mp4j.chronicle;
}
