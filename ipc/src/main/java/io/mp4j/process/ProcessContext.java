package io.mp4j.process;

import io.mp4j.process.internal.ChildClassPath;
import io.mp4j.process.internal.ClassDataSharing;
import io.mp4j.process.internal.JvmFlags;
import io.mp4j.process.internal.LaunchSpec;
import io.mp4j.session.Session;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How child JVMs are started: which {@code java}, which classpath, which JVM options, in which session.
 * Python's {@code get_context()}: set what you need with the fluent setters, then {@link #conclude()}
 * validates and fills the rest with defaults read from the system properties listed here.
 * <p>
 * A concluded context is immutable and may be shared by every thread.
 */
public final class ProcessContext
{
    /** System property: extra JVM options for every child, separated by spaces. */
    public static final String CHILD_JVM_OPTIONS_PROPERTY = "mp4j.child.jvmOptions";

    /** System property: the {@code java} executable for children; default: this JVM's own. */
    public static final String JAVA_PROPERTY = "mp4j.child.java";

    /** System property: {@code false} starts children without mp4j's class-data archive; default true. */
    public static final String CLASS_DATA_SHARING_PROPERTY = "mp4j.cds";

    /**
     * System property: the directory of children's class-data archives; default
     * {@code <java.io.tmpdir>/mp4j-cds-<user>}.
     */
    public static final String CLASS_DATA_DIRECTORY_PROPERTY = ClassDataSharing.CLASS_DATA_DIRECTORY_PROPERTY;

    /**
     * Options of this JVM that a child must not inherit: debuggers and agents would clash on ports,
     * archive dumping is a one-off, the session is set per child, and so is the unsafe memory access
     * switch, which a {@code java} older than 23 refuses (JvmFlags gives it to children on 24 or later).
     */
    private static final List<String> NOT_INHERITED = List.of(
        "-agentlib:", "-agentpath:", "-javaagent:", "-Xdebug", "-Xrunjdwp", "-Xshare:dump",
        "-XX:ArchiveClassesAtExit", "-XX:SharedArchiveFile", "-XX:Flags", "-XX:VMOptionsFile",
        "-D" + Session.CURRENT_PROPERTY + '=', "-Djdk.module.main", "-Dsun.java.command",
        "--sun-misc-unsafe-memory-access", "-XX:StartFlightRecording", "-Xloggc:");

    /**
     * System property: what a client does when a worker host's workers run another classpath,
     * {@code replace} (the default) or {@code refuse}; see {@link HostClassPathMismatch}.
     */
    public static final String HOST_CLASS_PATH_MISMATCH_PROPERTY = "mp4j.host.classPathMismatch";

    private static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(10);

    private static volatile ProcessContext defaultContext;

    private Path javaExecutable;
    private String classPath;
    private List<String> jvmOptions;
    private List<String> firstJvmOptions = List.of();
    private boolean inheritJvmOptions = true;
    private Boolean classDataSharing;
    private Path classDataDirectory;
    private List<Class<?>> classDataClasses = List.of();
    private Session session;
    private String host;
    private Duration leaseTimeout;
    private ChildOutput output;
    private HostClassPathMismatch hostClassPathMismatch;
    private boolean concluded;

    /**
     * What a client of a worker host does when the host's free workers run another classpath than this
     * context's, by the contents of its jars and class directories: after a rebuild, say.
     */
    public enum HostClassPathMismatch
    {
        /**
         * The host stops the free workers the client leases and starts them again on the client's
         * classpath (and the JVM flags that classpath needs) before handing them over; other clients'
         * workers are left alone.
         */
        REPLACE,
        /**
         * The lease fails with a {@link io.mp4j.host.ClassPathMismatchException} naming the differing
         * entries, unless some worker already runs the client's classpath.
         */
        REFUSE
    }

    /**
     * The context that {@code new ChildProcess(...)} uses when given none: all defaults, the current
     * session.
     *
     * @return the shared default context, concluded.
     */
    public static ProcessContext defaultContext()
    {
        ProcessContext context = defaultContext;
        if (context == null)
        {
            synchronized (ProcessContext.class)
            {
                context = defaultContext;
                if (context == null)
                {
                    context = new ProcessContext().conclude();
                    defaultContext = context;
                }
            }
        }
        return context;
    }

    /**
     * Sets the {@code java} executable children run on.
     *
     * @param javaExecutable path to a {@code java} binary.
     * @return this, for chaining.
     */
    public ProcessContext javaExecutable(final Path javaExecutable)
    {
        checkNotConcluded();
        this.javaExecutable = javaExecutable;
        return this;
    }

    /**
     * The {@code java} executable children run on.
     *
     * @return path to a {@code java} binary.
     */
    public Path javaExecutable()
    {
        return javaExecutable;
    }

    /**
     * Sets the classpath of children; default: what this JVM loaded, however it was launched: its
     * {@code java.class.path}, then the jars and directories of the class loaders that hold the
     * concluding thread's context classes and mp4j's (as under {@code mvn exec:java} or an IDE's
     * classpath wrapper). Set it when mp4j's classes come from a jar nested in another jar (Spring
     * Boot's executable jar): a child JVM could not read them, and {@link ChildProcess#start()} says so.
     *
     * @param classPath a classpath string.
     * @return this, for chaining.
     */
    public ProcessContext classPath(final String classPath)
    {
        checkNotConcluded();
        this.classPath = classPath;
        return this;
    }

    /**
     * The classpath children run with.
     *
     * @return a classpath string.
     */
    public String classPath()
    {
        return classPath;
    }

    /**
     * Sets where children's standard output and error go; default {@link ChildOutput#inherit()}, this
     * JVM's streams.
     *
     * @param output the handler, e.g. {@code ChildOutput.logger(System.getLogger("workers"))}.
     * @return this, for chaining.
     */
    public ProcessContext output(final ChildOutput output)
    {
        checkNotConcluded();
        this.output = Objects.requireNonNull(output, "output");
        return this;
    }

    /**
     * Where children's standard output and error go.
     *
     * @return the handler.
     */
    public ChildOutput output()
    {
        return output;
    }

    /**
     * Sets extra JVM options for children, after the inherited ones (so they win); default: the
     * {@value #CHILD_JVM_OPTIONS_PROPERTY} system property.
     *
     * @param jvmOptions options such as {@code -Xmx64m}, or {@code @argfiles}.
     * @return this, for chaining.
     * @throws IllegalArgumentException if an option neither starts with {@code -} nor names an argument file
     *                                  ({@code @file}): the launcher would take it for the main class.
     */
    public ProcessContext jvmOptions(final List<String> jvmOptions)
    {
        checkNotConcluded();
        this.jvmOptions = checkedOptions(jvmOptions);
        return this;
    }

    private static List<String> checkedOptions(final List<String> options)
    {
        for (final String option : options)
        {
            if (option == null || !(option.startsWith("-") || option.startsWith("@")) || option.isBlank())
            {
                throw new IllegalArgumentException("not a JVM option: option='" + option + "' (an option starts with " +
                    "'-', an argument file with '@'; the java launcher takes anything else for the main class)");
            }
        }
        return List.copyOf(options);
    }

    /**
     * The extra JVM options of children.
     *
     * @return an unmodifiable list.
     */
    public List<String> jvmOptions()
    {
        return jvmOptions;
    }

    /**
     * Sets whether children inherit this JVM's own options (heap size, system properties, module flags),
     * as Python's children inherit the interpreter's settings; default true.
     *
     * @param inherit false to start children with mp4j's required flags and the extra options only.
     * @return this, for chaining.
     */
    public ProcessContext inheritJvmOptions(final boolean inherit)
    {
        checkNotConcluded();
        this.inheritJvmOptions = inherit;
        return this;
    }

    /**
     * Whether children inherit this JVM's own options.
     *
     * @return true if they do.
     */
    public boolean inheritJvmOptions()
    {
        return inheritJvmOptions;
    }

    /**
     * Sets whether children start from a class-data archive (AppCDS; an AOT cache where the children's
     * {@code java} is JDK 25 or later) that mp4j builds once per java,
     * jar set and JVM options, and keeps in {@link #classDataDirectory(Path)}; default true, or the
     * {@value #CLASS_DATA_SHARING_PROPERTY} system property. Children behave the same either way and
     * start sooner with the archive; with it, the classpath's jars come before its directories, which
     * mp4j does only when no directory holds a file that a jar after it also holds.
     *
     * @param enabled false to start children without an archive.
     * @return this, for chaining.
     */
    public ProcessContext classDataSharing(final boolean enabled)
    {
        checkNotConcluded();
        this.classDataSharing = enabled;
        return this;
    }

    /**
     * Whether children start from a class-data archive where one can be built.
     *
     * @return the setting.
     */
    public boolean classDataSharing()
    {
        return classDataSharing == null || classDataSharing;
    }

    /**
     * Sets the directory that keeps children's class-data archives, owned by this OS user and writable
     * by nobody else; default: the {@value #CLASS_DATA_DIRECTORY_PROPERTY} system property, or
     * {@code mp4j-cds-<user>} in the temp directory.
     *
     * @param directory the cache directory; created (0700) if missing.
     * @return this, for chaining.
     */
    public ProcessContext classDataDirectory(final Path directory)
    {
        checkNotConcluded();
        this.classDataDirectory = directory;
        return this;
    }

    /**
     * The directory that keeps children's class-data archives.
     *
     * @return the cache directory.
     */
    public Path classDataDirectory()
    {
        return classDataDirectory;
    }

    /**
     * Sets classes of the program that children load beyond their targets' own, for the children's
     * class-data archive to hold as well: a child that finds every class it loads in the archive opens
     * none of the classpath's jars, which for a jar of thousands of entries spares it tens of milliseconds
     * of CPU. The class of a child's target (a lambda's capturing class) and the types of its members are
     * archived without this; a pool adds the classes of the functions it has sent to its workers' context.
     * An archive that lacks some is rebuilt in the background as children start. Classes from directories,
     * which no archive can hold, are left out, and so are all beyond the 64 an archive holds. Children on a
     * worker host start from the host's archive, which this does not change.
     *
     * @param classes the classes; for a lambda, its capturing class is archived.
     * @return this, for chaining.
     */
    public ProcessContext classDataClasses(final Collection<? extends Class<?>> classes)
    {
        checkNotConcluded();
        this.classDataClasses = List.copyOf(classes);
        return this;
    }

    /**
     * Classes of the program that the children's class-data archive holds as well.
     *
     * @return the classes, in the order given.
     */
    public List<Class<?>> classDataClasses()
    {
        return classDataClasses;
    }

    /**
     * Makes sure the class-data archive of this context's children exists, building it now if it does
     * not and waiting for that: for callers that want even their first children to start fast. Any
     * thread may call it.
     *
     * @param timeout how long to wait for a build.
     * @return true if children of this context start from an archive, false if they cannot (switched
     *         off, an option or the classpath rules it out, the build failed or timed out). An archive that
     *         lacks some of the {@link #classDataClasses() classes} counts: it is rebuilt for them in the
     *         background, without waiting.
     * @throws InterruptedException if the calling thread is interrupted while waiting.
     */
    public boolean prepareClassDataArchive(final Duration timeout) throws InterruptedException
    {
        conclude();
        return ClassDataSharing.prepare(launchSpec(), timeout);
    }

    /**
     * Sets the session children belong to; default: {@link Session#current()}.
     *
     * @param session an open session.
     * @return this, for chaining.
     */
    public ProcessContext session(final Session session)
    {
        checkNotConcluded();
        this.session = session;
        return this;
    }

    /**
     * The session children belong to.
     *
     * @return the session, or {@link Session#current()} if none was set.
     */
    public Session session()
    {
        return session != null ? session : Session.current();
    }

    /**
     * Sets the worker host whose warm workers run children of this context instead of new JVMs; default
     * none. Python's {@code get_context("forkserver")} starts children from a server process; a host
     * goes further and keeps the JVMs warm. A hosted child runs in a worker the host started, with the
     * host's JVM options and {@code java}; a worker on another classpath than this context's is restarted
     * on it first, or the start refused, as {@link #hostClassPathMismatch(HostClassPathMismatch)} says.
     * <pre>{@code
     * new ChildProcess(new ProcessContext().host("app"), () -> work()).start().join();
     * }</pre>
     *
     * @param host the name the host was started under, or null to start a JVM per child.
     * @return this, for chaining.
     */
    public ProcessContext host(final String host)
    {
        checkNotConcluded();
        this.host = host;
        return this;
    }

    /**
     * The worker host that runs children of this context.
     *
     * @return the host's name, or null when each child is a JVM of its own.
     */
    public String host()
    {
        return host;
    }

    /**
     * Sets how long a hosted child's {@code start()} waits for one of the host's workers to be free
     * before it fails; default 10 s, as a pool's lease.
     *
     * @param leaseTimeout the longest wait; zero fails at once when every worker is leased.
     * @return this, for chaining.
     */
    public ProcessContext leaseTimeout(final Duration leaseTimeout)
    {
        checkNotConcluded();
        this.leaseTimeout = leaseTimeout;
        return this;
    }

    /**
     * How long a hosted child's {@code start()} waits for a free worker.
     *
     * @return the wait, after {@link #conclude()}.
     */
    public Duration leaseTimeout()
    {
        return leaseTimeout;
    }

    /**
     * Sets what a hosted child's or a pool's lease does when the host's free workers run another
     * classpath than this context's, compared by content (jar bytes, class directory files); default
     * {@link HostClassPathMismatch#REPLACE}, or the {@value #HOST_CLASS_PATH_MISMATCH_PROPERTY} system
     * property. Workers whose classpath starts with this one's, by content, serve it as they are.
     *
     * @param policy replace the workers, or refuse the lease.
     * @return this, for chaining.
     */
    public ProcessContext hostClassPathMismatch(final HostClassPathMismatch policy)
    {
        checkNotConcluded();
        this.hostClassPathMismatch = policy;
        return this;
    }

    /**
     * What a lease from a worker host does when the host's workers run another classpath.
     *
     * @return the policy, after {@link #conclude()}.
     */
    public HostClassPathMismatch hostClassPathMismatch()
    {
        return hostClassPathMismatch;
    }

    /**
     * Validates the settings and fills every unset one with its default. Setters fail afterwards.
     *
     * @return this, for chaining.
     * @throws IllegalStateException if a setting is invalid, e.g. the java executable does not exist.
     */
    public ProcessContext conclude()
    {
        if (concluded)
        {
            return this;
        }

        if (javaExecutable == null)
        {
            final String configured = System.getProperty(JAVA_PROPERTY);
            javaExecutable = configured != null ?
                Paths.get(configured) : Paths.get(System.getProperty("java.home"), "bin", "java");
        }
        if (!Files.isExecutable(javaExecutable))
        {
            throw new IllegalStateException("java executable not found: path=" + javaExecutable);
        }
        if (classPath == null)
        {
            classPath = ChildClassPath.derive();
        }
        if (jvmOptions == null)
        {
            final String configured = System.getProperty(CHILD_JVM_OPTIONS_PROPERTY, "").trim();
            jvmOptions = configured.isEmpty() ? List.of() : checkedOptions(List.of(configured.split("\\s+")));
        }
        if (output == null)
        {
            output = ChildOutput.inherit();
        }
        if (leaseTimeout == null)
        {
            leaseTimeout = DEFAULT_LEASE_TIMEOUT;
        }
        if (leaseTimeout.isNegative())
        {
            throw new IllegalStateException("lease timeout must not be negative: leaseTimeout=" + leaseTimeout);
        }
        if (hostClassPathMismatch == null)
        {
            hostClassPathMismatch = hostClassPathMismatchFromProperty();
        }
        if (classDataSharing == null)
        {
            classDataSharing = !"false".equalsIgnoreCase(System.getProperty(CLASS_DATA_SHARING_PROPERTY, "true").trim());
        }
        if (classDataDirectory == null)
        {
            classDataDirectory = ClassDataSharing.defaultDirectory();
        }

        concluded = true;
        return this;
    }

    /**
     * A concluded copy of this context whose children belong to another session, e.g. a worker host's
     * own session.
     *
     * @param session the other session.
     * @return the copy.
     */
    public ProcessContext withSession(final Session session)
    {
        conclude();
        final ProcessContext copy = new ProcessContext();
        copy.javaExecutable = javaExecutable;
        copy.classPath = classPath;
        copy.jvmOptions = jvmOptions;
        copy.firstJvmOptions = firstJvmOptions;
        copy.inheritJvmOptions = inheritJvmOptions;
        copy.classDataSharing = classDataSharing;
        copy.classDataDirectory = classDataDirectory;
        copy.classDataClasses = classDataClasses;
        copy.hostClassPathMismatch = hostClassPathMismatch;
        copy.session = session;
        copy.output = output;
        return copy.conclude();
    }

    /**
     * A concluded copy of this context whose children get these JVM options first, before the inherited
     * options, mp4j's flags and the extra options: defaults for a kind of child, such as a pool's for its
     * workers, which a later option that sets the same thing overrides (the JVM takes the last).
     *
     * @param options the options.
     * @return the copy.
     * @throws IllegalArgumentException if an option neither starts with {@code -} nor names an argument file.
     */
    public ProcessContext withFirstJvmOptions(final List<String> options)
    {
        final ProcessContext copy = concludedCopy();
        copy.firstJvmOptions = checkedOptions(options);
        return copy;
    }

    /**
     * A concluded copy of this context whose children's class-data archive holds these classes as well as
     * this context's {@link #classDataClasses()}: e.g. a pool's, for the functions it sent.
     *
     * @param classes the further classes.
     * @return the copy.
     */
    public ProcessContext withClassDataClasses(final Collection<? extends Class<?>> classes)
    {
        final ProcessContext copy = concludedCopy();
        final Set<Class<?>> union = new LinkedHashSet<>(classDataClasses);
        union.addAll(classes);
        copy.classDataClasses = List.copyOf(union);
        return copy;
    }

    /** A concluded copy of this context, its session, worker host and lease timeout included. */
    private ProcessContext concludedCopy()
    {
        final ProcessContext copy = withSession(session());
        copy.host = host;
        copy.leaseTimeout = leaseTimeout;
        return copy;
    }

    /**
     * A concluded copy of this context whose children run another classpath, e.g. a worker host's worker
     * restarted on its client's classpath; the JVM flags that classpath needs come with it.
     *
     * @param otherClassPath the other classpath.
     * @return the copy.
     */
    public ProcessContext withClassPath(final String otherClassPath)
    {
        final ProcessContext copy = withSession(session());
        copy.classPath = Objects.requireNonNull(otherClassPath, "otherClassPath");
        return copy;
    }

    /**
     * The command line that starts a JVM of this context running a main class: the {@code java}
     * executable, the JDK's selector provider where naming it spares the JVM a search of its classpath,
     * inherited options, mp4j's required flags, the extra options, the session, the classpath, the main
     * class and its arguments.
     *
     * @param mainClass the class whose {@code main} runs.
     * @param arguments the arguments of {@code main}.
     * @return the command, ready for a {@link ProcessBuilder}.
     */
    public List<String> javaCommand(final String mainClass, final List<String> arguments)
    {
        return launchSpec().javaCommand(List.of(), classPath, mainClass, arguments);
    }

    /**
     * How children of this context are launched, for the launch layer below this API.
     *
     * @return the concluded launch settings.
     */
    LaunchSpec launchSpec()
    {
        conclude();
        final List<String> options = new ArrayList<>(firstJvmOptions);
        if (inheritJvmOptions)
        {
            options.addAll(inheritableOptions());
        }
        options.addAll(JvmFlags.forChild(javaExecutable, classPath));
        options.addAll(jvmOptions);
        return new LaunchSpec(
            javaExecutable, classPath, List.copyOf(options), classDataSharing, classDataDirectory, session(),
            classDataClasses, () -> ClassDataSharing.runTrainings());
    }

    private static HostClassPathMismatch hostClassPathMismatchFromProperty()
    {
        final String configured = System.getProperty(HOST_CLASS_PATH_MISMATCH_PROPERTY, "replace").trim();
        for (final HostClassPathMismatch policy : HostClassPathMismatch.values())
        {
            if (policy.name().equalsIgnoreCase(configured))
            {
                return policy;
            }
        }
        throw new IllegalStateException("invalid " + HOST_CLASS_PATH_MISMATCH_PROPERTY + ": value=" + configured +
            " (replace or refuse)");
    }

    private static List<String> inheritableOptions()
    {
        final List<String> inherited = new ArrayList<>();
        for (final String option : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (isInherited(option))
            {
                inherited.add(option);
            }
        }
        return Collections.unmodifiableList(inherited);
    }

    /**
     * Whether a child gets an option of this JVM: not a debugger, an agent, an archive of this JVM's, a
     * flight recording or a log file (a child would take the port, or write over the file).
     */
    static boolean isInherited(final String option)
    {
        return NOT_INHERITED.stream().noneMatch(option::startsWith) &&
            !(option.startsWith("-Xlog:") && option.contains("file="));
    }

    private void checkNotConcluded()
    {
        if (concluded)
        {
            throw new IllegalStateException("context is already concluded");
        }
    }
}
