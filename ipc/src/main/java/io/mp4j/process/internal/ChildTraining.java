package io.mp4j.process.internal;

/**
 * A start-up path that some of mp4j's children take after {@link ChildMain}'s own, which the training JVM
 * of the class-data archive runs too, so that the classes it loads come from the archive in every later
 * child. Implementations are found with {@link java.util.ServiceLoader} in the training JVM only, run
 * there once each in the training's session, and must leave nothing behind; one that throws only makes
 * the archive hold less.
 */
public interface ChildTraining
{
    /**
     * Runs the path once, in the training JVM's main thread.
     *
     * @throws Exception anything; the archive is still written.
     */
    void train() throws Exception;
}
