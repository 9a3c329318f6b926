package io.mp4j.bench;

import io.mp4j.bench.compare.CompareCommand;
import io.mp4j.bench.soak.SoakCommand;
import io.mp4j.process.internal.JvmFlags;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.Arrays;

/**
 * The entry point of {@code mp4j-bench.jar}: {@code compare [options]} runs the side-by-side comparison
 * with CPython and plain Java ({@link CompareCommand}); {@code wakeup [options]} measures how fast a
 * receiver answers after idling, per wait strategy ({@link WakeUpCommand}); {@code soak [options]} runs
 * every primitive at once for minutes and samples memory and files ({@link SoakCommand}); anything else is JMH's own command line
 * (benchmark regex, {@code -prof gc}, {@code -f}, {@code -wi}, {@code -i}, ...), with mp4j's required
 * JVM flags added to every fork, since a forked JVM does not read this jar's manifest.
 */
public final class BenchMain
{
    private BenchMain()
    {
    }

    /**
     * Runs the comparison, or JMH.
     *
     * @param args {@code compare} and its options, or JMH's command-line options.
     * @throws Exception if a benchmark fails (JMH's {@link RunnerException}), the options are malformed
     *                   ({@link CommandLineOptionException}), or the output cannot be written.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length > 0)
        {
            final String[] rest = Arrays.copyOfRange(args, 1, args.length);
            final Integer exitCode = switch (args[0])
            {
                case "compare" -> CompareCommand.execute(rest);
                case "wakeup" -> WakeUpCommand.execute(rest);
                case "soak" -> SoakCommand.execute(rest);
                default -> null;
            };
            if (exitCode != null)
            {
                if (exitCode != 0)
                {
                    System.exit(exitCode);
                }
                return;
            }
        }

        final CommandLineOptions commandLine = new CommandLineOptions(args);
        if (commandLine.shouldHelp())
        {
            commandLine.showHelp();
            return;
        }

        final ChainedOptionsBuilder options = new OptionsBuilder()
            .parent(commandLine)
            .jvmArgsPrepend(JvmFlags.required().toArray(new String[0]));
        final Runner runner = new Runner(options.build());
        if (commandLine.shouldList())
        {
            runner.list();
            return;
        }
        runner.run();
    }
}
