package io.mp4j.bench.compare;

import io.mp4j.cluster.ClusterNode;

import java.io.IOException;
import java.nio.file.Paths;

/**
 * A server node of {@code compare}'s loopback cluster, in a JVM of its own:
 * {@code ClusterNodeMain <cluster name> <discovery port> <communication port> <port range> <work directory>}.
 * It prints {@code joined} once in the cluster and stops when its standard input closes (the comparison ended,
 * or its JVM died), leaving its work directory for {@link LoopbackCluster} to remove.
 */
public final class ClusterNodeMain
{
    private ClusterNodeMain()
    {
    }

    /**
     * Runs the node until standard input closes.
     *
     * @param args the cluster's name, its first discovery and communication ports, the port range, the work directory.
     * @throws IOException if standard input cannot be read.
     */
    public static void main(final String[] args) throws IOException
    {
        final int range = Integer.parseInt(args[3]);
        try (ClusterNode node = ClusterNode.start(LoopbackCluster.options(args[0], Integer.parseInt(args[1]),
            Integer.parseInt(args[2]), range).workDirectory(Paths.get(args[4]))))
        {
            System.out.println(LoopbackCluster.JOINED + ' ' + node.serverCount());
            System.out.flush();
            while (System.in.read() >= 0)
            {
                // Runs until the comparison closes the pipe.
            }
        }
        System.exit(0);
    }
}
