package io.mp4j.examples;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entry point of {@code mp4j-examples.jar}: its first argument names an example, and {@code tour}
 * runs every example in turn.
 * <pre>
 * java -jar examples/target/mp4j-examples.jar tour
 * java -jar examples/target/mp4j-examples.jar simple-process
 * java -jar examples/target/mp4j-examples.jar context --cluster demo
 * </pre>
 */
public final class Examples
{
    /** An example's {@code main}. */
    @FunctionalInterface
    interface Example
    {
        void run(String[] args) throws Exception;
    }

    private static final Map<String, Example> EXAMPLES = new LinkedHashMap<>();

    static
    {
        EXAMPLES.put("simple-process", SimpleProcess::main);
        EXAMPLES.put("multiple-processes", MultipleProcesses::main);
        EXAMPLES.put("shared-value", SharedValue::main);
        EXAMPLES.put("lock", Locking::main);
        EXAMPLES.put("shared-array", SharedArray::main);
        EXAMPLES.put("queue", QueueExample::main);
        EXAMPLES.put("pipe", PipeExample::main);
        EXAMPLES.put("pool-map", PoolMap::main);
        EXAMPLES.put("square-numbers", SquareNumbers::main);
        EXAMPLES.put("map-kernel", MapKernel::main);
        EXAMPLES.put("long-map", LongMap::main);
        EXAMPLES.put("manager-dict", ManagerDict::main);
        EXAMPLES.put("manager-list", ManagerList::main);
        EXAMPLES.put("context", ContextExample::main);
    }

    private Examples()
    {
    }

    /**
     * Runs the example named by the first argument, or every example for {@code tour}.
     *
     * @param args the example's name, then its own arguments.
     * @throws Exception whatever the example throws.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length == 0 || "--help".equals(args[0]) || "-h".equals(args[0]))
        {
            usage();
            return;
        }

        final String name = args[0];
        final String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        if ("tour".equals(name))
        {
            for (final Map.Entry<String, Example> example : EXAMPLES.entrySet())
            {
                System.out.println("== " + example.getKey());
                example.getValue().run(rest);
            }
            return;
        }

        final Example example = EXAMPLES.get(name);
        if (example == null)
        {
            System.err.println("unknown example: " + name);
            usage();
            System.exit(2);
        }
        example.run(rest);
    }

    private static void usage()
    {
        System.out.println("usage: java -jar mp4j-examples.jar <example> | tour");
        System.out.println("examples: " + String.join(", ", EXAMPLES.keySet()));
    }
}
