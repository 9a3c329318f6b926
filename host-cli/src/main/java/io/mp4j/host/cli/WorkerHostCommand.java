package io.mp4j.host.cli;

import io.mp4j.host.WorkerHost;
import io.mp4j.host.WorkerHostStatus;
import io.mp4j.process.Multiprocessing;
import io.mp4j.process.ProcessContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The worker host's command line ({@code java -jar mp4j-worker-host.jar}): start a host of warm worker
 * JVMs under a name, show its status, stop it.
 * <pre>
 * java -jar mp4j-worker-host.jar start --name app --workers 4 --classpath app.jar
 * java -jar mp4j-worker-host.jar status --name app
 * java -jar mp4j-worker-host.jar stop --name app
 * </pre>
 */
@Command(
    name = "mp4j-worker-host",
    mixinStandardHelpOptions = true,
    description = "Keeps warm mp4j worker JVMs that pools in other processes lease by name.",
    subcommands = {
        WorkerHostCommand.Start.class, WorkerHostCommand.Status.class, WorkerHostCommand.Stop.class,
        CommandLine.HelpCommand.class})
public final class WorkerHostCommand
{
    private WorkerHostCommand()
    {
    }

    /**
     * Runs the command line.
     *
     * @param args {@code start|status|stop} and their options; {@code --help} for help.
     */
    public static void main(final String[] args)
    {
        System.exit(execute(args));
    }

    /**
     * Runs the command line without exiting, for embedding and tests.
     *
     * @param args the arguments.
     * @return the exit code: 0 on success, 1 on an error, 2 on a usage error.
     */
    public static int execute(final String... args)
    {
        final CommandLine commandLine = new CommandLine(new WorkerHostCommand());
        commandLine.setExecutionExceptionHandler((ex, cmd, parsed) ->
        {
            // mp4j's messages carry the facts; a stack trace would bury them.
            cmd.getErr().println("error: " + ex.getMessage());
            return 1;
        });
        if (args.length == 0)
        {
            commandLine.usage(System.out);
            return 2;
        }
        return commandLine.execute(args);
    }

    /** {@code start}: runs a host in the foreground until SIGTERM or {@code stop}. */
    @Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start a host of warm worker JVMs and serve clients until stopped (SIGTERM or 'stop').")
    static final class Start implements Callable<Integer>
    {
        @Option(names = "--name", required = true, description = "The name clients attach by.")
        String name;

        @Option(names = "--workers", defaultValue = "0",
            description = "How many warm worker JVMs (default: one per CPU).")
        int workers;

        @Option(names = "--classpath", description = "The application's classpath, as its clients run with "
            + "it, so that workers load its classes; this JVM's own follows it (default: this JVM's alone).")
        String classPath;

        @Option(names = "--jvm-option", description = "An extra JVM option for the workers; repeatable.")
        List<String> jvmOptions = new ArrayList<>();

        @Override
        public Integer call() throws InterruptedException
        {
            final ProcessContext context = new ProcessContext();
            if (classPath != null)
            {
                // The application's entries first: a client on the same classpath finds the workers serve
                // it as they are (their classpath starts with the client's), not to be restarted.
                context.classPath(classPath + File.pathSeparator + System.getProperty("java.class.path"));
            }
            if (!jvmOptions.isEmpty())
            {
                context.jvmOptions(jvmOptions);
            }
            final int count = workers > 0 ? workers : Multiprocessing.cpuCount();
            final WorkerHost host = WorkerHost.start(name, count, context.conclude());
            System.out.println("worker host started: name=" + name + " workers=" + count + " pid=" +
                ProcessHandle.current().pid());
            host.awaitStop();
            return 0;
        }
    }

    /** {@code status}: prints a running host's workers, tasks done and uptime. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a running host's workers.")
    static final class Status implements Callable<Integer>
    {
        @Option(names = "--name", required = true, description = "The host's name.")
        String name;

        @Override
        public Integer call()
        {
            final WorkerHostStatus status = WorkerHost.status(name);
            System.out.printf("host %s pid=%d uptime=%ds workers=%d leases=%d tasksDone=%d%n", status.name(),
                status.pid(), status.uptime().toSeconds(), status.workers().size(), status.leasesGranted(),
                status.tasksDone());
            for (final WorkerHostStatus.Worker worker : status.workers())
            {
                System.out.printf("  worker %d pid=%d state=%s%s tasksDone=%d classPath=%s%n", worker.slot(),
                    worker.pid(), worker.state(), worker.ownerPid() > 0 ? " client=" + worker.ownerPid() : "",
                    worker.tasksDone(), worker.classPath());
            }
            return 0;
        }
    }

    /** {@code stop}: stops a running host gracefully and waits for it. */
    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a running host gracefully.")
    static final class Stop implements Callable<Integer>
    {
        @Option(names = "--name", required = true, description = "The host's name.")
        String name;

        @Option(names = "--timeout", defaultValue = "PT30S", description = "How long to wait (ISO-8601, "
            + "default PT30S).")
        Duration timeout;

        @Override
        public Integer call()
        {
            if (WorkerHost.stop(name, timeout))
            {
                System.out.println("worker host stopped: name=" + name);
                return 0;
            }
            System.err.println("error: worker host did not stop in time: name=" + name + " timeout=" + timeout);
            return 1;
        }
    }
}
