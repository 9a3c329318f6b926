/**
 * The cluster's server node as a command ({@code java -jar mp4j-node.jar}) on picocli; the node itself is in
 * {@code io.mp4j.cluster}.
 */
module io.mp4j.cluster.node
{
    requires io.mp4j.cluster;
    requires ignite.core;
    requires info.picocli;

    exports io.mp4j.cluster.node;

    // picocli fills the option fields by reflection.
    opens io.mp4j.cluster.node to info.picocli;
}
