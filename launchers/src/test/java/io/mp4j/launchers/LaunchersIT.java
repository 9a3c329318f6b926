package io.mp4j.launchers;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A user's application on mp4j ({@code src/it/app}: a pool, a queue, a lock held by a child and a manager
 * dict) is built by a real Maven run against the reactor's artifacts, then launched the ways users launch
 * programs: {@code java -cp}, {@code java -jar} on its shaded jar, {@code mvn exec:java} and, where it is
 * installed, Gradle. Each launch must print the same results and leave no process or session behind (but
 * for a known issue under {@code mvn exec:java}, see there); launched without the JVM flags it needs, it
 * must fail and name them.
 */
class LaunchersIT
{
    private static final Duration BUILD_LIMIT = Duration.ofMinutes(5);
    private static final Duration LAUNCH_LIMIT = Duration.ofMinutes(3);
    private static final Duration LEFTOVER_LIMIT = Duration.ofSeconds(10);
    private static final String MAIN_CLASS = "com.example.launch.LaunchCheck";
    private static final List<String> RESULT_PREFIXES = List.of("map=", "queue=", "lock=", "dict=");
    private static final List<String> EXPECTED_RESULTS = List.of(
        "map=[1, 4, 9, 16, 25]",
        "queue=hello from a child",
        "lock=heldByChild:true takenAfterRelease:true",
        "dict={child=42, parent=1}");
    private static final Pattern GRADLE_VERSION = Pattern.compile("^Gradle (\\d+)\\.(\\d+)", Pattern.MULTILINE);

    private static final Path APP = Paths.get(System.getProperty("mp4j.launchers.app"));
    private static final Path SETTINGS = Paths.get(System.getProperty("mp4j.launchers.settings"));
    private static final Path REPOSITORY = Paths.get(System.getProperty("mp4j.launchers.repository"));
    private static final Path WORK = Paths.get(System.getProperty("mp4j.launchers.work"));

    private static final FlagList MAIN_FLAGS = FlagList.of("mp4j.main");
    private static final FlagList CHRONICLE_FLAGS = FlagList.of("mp4j.chronicle");

    private Path sessionRoot;
    private Path log;

    @BeforeAll
    static void buildTheApplication() throws Exception
    {
        // Compiles it, writes target/launch-check-classpath.txt and shades target/launch-check.jar.
        CommandRun.run("mvn package", APP, maven("package", "-DskipTests"), BUILD_LIMIT, WORK.resolve("build.log"))
            .assertSucceeded();
    }

    @Test
    void shouldPrintTheResultsWhenLaunchedWithJavaClassPath(final TestInfo test) throws Exception
    {
        prepare(test);
        final List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(MAIN_FLAGS.commandLine());
        command.addAll(CHRONICLE_FLAGS.commandLine());
        command.addAll(List.of(sessionRootProperty(), "-cp", applicationClassPath(), MAIN_CLASS));

        assertPrintsTheResults(launch("java -cp", command));
    }

    @Test
    void shouldPrintTheResultsWhenLaunchedWithJavaJarOnTheShadedJar(final TestInfo test) throws Exception
    {
        prepare(test);
        // No flags: the manifest carries Add-Exports and Add-Opens.
        final List<String> command =
            List.of(java(), sessionRootProperty(), "-jar", APP.resolve("target/launch-check.jar").toString());

        assertPrintsTheResults(launch("java -jar", command));
    }

    @Test
    void shouldPrintTheResultsWhenLaunchedWithMvnExecJava(final TestInfo test) throws Exception
    {
        prepare(test);
        // Maven's own JVM runs the application on a class loader of the exec plugin's, with the flags of
        // the application's .mvn/jvm.config.
        final String jvmConfig = Files.readString(APP.resolve(".mvn/jvm.config"));
        for (final String flag : Stream.concat(MAIN_FLAGS.commandLine().stream(), CHRONICLE_FLAGS.commandLine().stream())
            .collect(Collectors.toList()))
        {
            assertTrue(jvmConfig.contains(flag), ".mvn/jvm.config lacks " + flag + ": " + jvmConfig);
        }

        final CommandRun run = CommandRun.run("mvn exec:java", APP, maven("exec:java", sessionRootProperty()), LAUNCH_LIMIT, log);
        assertNoJvmLeft(run);
        assertPrintsTheResults(run);
        // exec:java destroys main's thread group and closes the application's class loader before the JVM
        // exits: mp4j's exit cleanup still runs and removes the session.
        assertNoSessionLeft(run);
    }

    @Test
    void shouldPrintTheResultsWhenLaunchedWithGradle(final TestInfo test) throws Exception
    {
        final Optional<Path> gradle = onPath("gradle");
        assumeTrue(gradle.isPresent(), "Gradle launch skipped: no gradle on PATH (install Gradle 7.3 or later to run it)");
        prepare(test);
        final CommandRun version = CommandRun.run("gradle --version", APP,
            List.of(gradle.get().toString(), "--version"), LAUNCH_LIMIT, WORK.resolve("gradle-version.log"));
        final Matcher matcher = GRADLE_VERSION.matcher(version.output());
        assumeTrue(matcher.find(), "Gradle launch skipped: cannot read the version of " + gradle.get() + "\n" + version.output());
        final int major = Integer.parseInt(matcher.group(1));
        final int minor = Integer.parseInt(matcher.group(2));
        assumeTrue(major > 7 || major == 7 && minor >= 3,
            "Gradle launch skipped: " + gradle.get() + " is Gradle " + major + "." + minor + ", Java 17 needs 7.3 or later");

        final List<String> command = List.of(gradle.get().toString(), "--no-daemon", "--quiet",
            "--project-cache-dir", WORK.resolve("gradle-project-cache").toString(),
            "-Dmaven.repo.local=" + REPOSITORY, sessionRootProperty(), "run");

        assertPrintsTheResults(launch("gradle run", command));
    }

    @Test
    void shouldFailNamingTheMissingFlagsWhenLaunchedWithoutThem(final TestInfo test) throws Exception
    {
        prepare(test);
        // The main artifact's flags if it needs any, else mp4j-chronicle's: the dict is the one thing left
        // that needs flags, so the other results are printed first.
        final boolean withholdMain = !MAIN_FLAGS.isEmpty();
        final FlagList withheld = withholdMain ? MAIN_FLAGS : CHRONICLE_FLAGS;
        assumeTrue(!withheld.isEmpty(), "neither mp4j-ipc nor mp4j-chronicle needs JVM flags: nothing to withhold");
        final List<String> command = new ArrayList<>(List.of(java()));
        if (!withholdMain)
        {
            command.addAll(MAIN_FLAGS.commandLine());
        }
        command.addAll(List.of(sessionRootProperty(), "-cp", applicationClassPath(), MAIN_CLASS));

        final CommandRun run = launch("java -cp without the " + withheld.name() + " flags", command);

        assertNotEquals(0, run.exitCode(), run.toString());
        final List<String> printed = run.linesStartingWith(RESULT_PREFIXES);
        assertEquals(EXPECTED_RESULTS.subList(0, withholdMain ? 0 : 3), printed, run.toString());
        // mp4j checks its flags at first use and names exactly the missing ones, in command-line form;
        // the JVM's own access error from deep inside Agrona or Chronicle never reaches the user.
        assertTrue(run.output().contains("needs JVM flags this JVM was started without"), run.toString());
        for (final String flag : withheld.checkedFlags())
        {
            assertTrue(run.output().contains(flag), "names " + flag + ": " + run);
        }
        assertTrue(withheld.rawAccessErrors().stream().noneMatch(run.output()::contains), "no raw access error: " + run);
    }

    private void prepare(final TestInfo test) throws IOException
    {
        final Path directory = WORK.resolve(test.getTestMethod().orElseThrow().getName());
        sessionRoot = Files.createDirectories(directory.resolve("sessions"));
        log = directory.resolve("output.log");
    }

    /** Launches the application and checks that it left no process running and no session behind. */
    private CommandRun launch(final String name, final List<String> command) throws Exception
    {
        final CommandRun run = CommandRun.run(name, APP, command, LAUNCH_LIMIT, log);
        assertNoJvmLeft(run);
        assertNoSessionLeft(run);
        return run;
    }

    private static void assertPrintsTheResults(final CommandRun run)
    {
        run.assertSucceeded();
        assertEquals(EXPECTED_RESULTS, run.linesStartingWith(RESULT_PREFIXES), run.toString());
    }

    /** Waits a little for the launch's children to end, then kills any left and fails naming them. */
    private static void assertNoJvmLeft(final CommandRun run) throws InterruptedException
    {
        final long deadline = System.nanoTime() + LEFTOVER_LIMIT.toNanos();
        List<ProcessHandle> alive = aliveDescendants();
        while (!alive.isEmpty() && System.nanoTime() < deadline)
        {
            Thread.sleep(50);
            alive = aliveDescendants();
        }
        if (!alive.isEmpty())
        {
            final String described = alive.stream()
                .map(process -> process.pid() + " " + process.info().commandLine().orElse("?"))
                .collect(Collectors.joining("; "));
            alive.forEach(ProcessHandle::destroyForcibly);
            fail("JVMs still running after " + run.name() + ": " + described + "\n" + run);
        }
    }

    /** Every process of the launch has ended, so its sessions must be gone. */
    private void assertNoSessionLeft(final CommandRun run) throws IOException
    {
        final List<Path> sessions = sessions();
        if (!sessions.isEmpty())
        {
            fail("sessions left behind by " + run.name() + ": " + sessions + "\n" + run);
        }
    }

    private static List<ProcessHandle> aliveDescendants()
    {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).collect(Collectors.toList());
    }

    private List<Path> sessions() throws IOException
    {
        try (Stream<Path> entries = Files.list(sessionRoot))
        {
            return entries.collect(Collectors.toList());
        }
    }

    /** Every mp4j session of a launch lives in the test's directory, so the test sees what it leaves. */
    private String sessionRootProperty()
    {
        return "-Dmp4j.session.root=" + sessionRoot;
    }

    private static String applicationClassPath() throws IOException
    {
        final String dependencies = Files.readString(APP.resolve("target/launch-check-classpath.txt")).trim();
        return APP.resolve("target/launch-check-1.0.jar") + File.pathSeparator + dependencies;
    }

    private static String java()
    {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The application's Maven, with the test repository and the settings that fill it. */
    private static List<String> maven(final String... goalsAndProperties)
    {
        final String home = System.getProperty("mp4j.launchers.mavenHome", "");
        final Path inHome = Paths.get(home, "bin", "mvn");
        final String mvn = !home.isEmpty() && Files.isExecutable(inHome) ? inHome.toString() :
            onPath("mvn").map(Path::toString).orElseThrow(() -> new AssertionError("no mvn: neither maven.home nor PATH"));
        final List<String> command = new ArrayList<>(List.of(mvn, "-B", "--no-transfer-progress",
            "-gs", SETTINGS.toString(), "-Dmaven.repo.local=" + REPOSITORY));
        command.addAll(Arrays.asList(goalsAndProperties));
        return command;
    }

    private static Optional<Path> onPath(final String executable)
    {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .filter(directory -> !directory.isEmpty())
            .map(directory -> Paths.get(directory, executable))
            .filter(Files::isExecutable)
            .findFirst();
    }

    /**
     * One artifact's JVM flags as the parent pom lists them ({@code <prefix>.addExports}, {@code .addOpens},
     * {@code .systemProperties}), handed to the test as system properties by failsafe.
     */
    private record FlagList(String name, List<String> exports, List<String> opens, List<String> systemProperties)
    {
        static FlagList of(final String prefix)
        {
            return new FlagList(prefix, words(prefix + ".addExports"), words(prefix + ".addOpens"),
                words(prefix + ".systemProperties"));
        }

        boolean isEmpty()
        {
            return exports.isEmpty() && opens.isEmpty();
        }

        /** The flags on a java command line: --add-exports=module/package=ALL-UNNAMED and so on. */
        List<String> commandLine()
        {
            final List<String> flags = checkedFlags();
            flags.addAll(systemProperties);
            return flags;
        }

        /** The flags mp4j checks, as it names them: the exports and opens, not the system properties. */
        List<String> checkedFlags()
        {
            final List<String> flags = new ArrayList<>();
            exports.forEach(entry -> flags.add("--add-exports=" + entry + "=ALL-UNNAMED"));
            opens.forEach(entry -> flags.add("--add-opens=" + entry + "=ALL-UNNAMED"));
            return flags;
        }

        /** How the JVM's own access errors name a package these flags export or open. */
        List<String> rawAccessErrors()
        {
            return Stream.concat(
                exports.stream().map(entry -> "does not export " + entry.substring(entry.indexOf('/') + 1)),
                opens.stream().map(entry -> "does not \"opens " + entry.substring(entry.indexOf('/') + 1)))
                .collect(Collectors.toList());
        }

        private static List<String> words(final String property)
        {
            final String value = System.getProperty(property, "").trim();
            return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
        }
    }
}
