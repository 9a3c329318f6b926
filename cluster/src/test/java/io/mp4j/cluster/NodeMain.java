package io.mp4j.cluster;

import java.io.IOException;
import java.util.Arrays;

/**
 * A server node in a JVM of its own for tests: {@code NodeMain <cluster name> <discovery port> <communication port>
 * <port range>}. It prints {@code joined} once in the cluster and stops when its standard input closes (the test's
 * JVM ended) or when it is killed.
 */
public final class NodeMain
{
    private NodeMain()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final ClusterOptions options = TestClusters.options(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]),
            Integer.parseInt(args[3]));
        try (ClusterNode node = ClusterNode.start(options))
        {
            System.out.println("joined " + node.serverCount() + " " + Arrays.toString(args));
            System.out.flush();
            while (System.in.read() >= 0)
            {
                // Runs until the test's end closes the pipe.
            }
        }
        System.exit(0);
    }
}
