/**
 * The worker host's command line ({@code start}, {@code status}, {@code stop}) on picocli; the host's
 * runtime is in {@code io.mp4j.ipc}.
 */
module io.mp4j.host.cli
{
    requires io.mp4j.ipc;
    requires info.picocli;

    exports io.mp4j.host.cli;

    // picocli fills the subcommands' option fields by reflection.
    opens io.mp4j.host.cli to info.picocli;
}
