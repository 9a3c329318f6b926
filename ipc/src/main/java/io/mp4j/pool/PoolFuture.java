package io.mp4j.pool;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The future a pool hands to its caller. It completes in the thread that ends the call, often the pool's
 * engine thread, so a caller waiting in {@code get} or {@code join} is woken with no other hand-off; but what
 * the caller chains to it ({@code thenApply}, {@code whenComplete}, ...) runs in the pool's completion
 * thread, as the {@code ...Async} forms given that thread would, and so do the {@code ...Async} forms given
 * no executor. A chained function may thus call the pool again and wait, or block, without stalling the
 * engine or waiting for itself. Futures made from this one behave alike; those that
 * {@link CompletableFuture#allOf} and {@link CompletableFuture#anyOf} make are plain ones, completed where this
 * one is.
 *
 * @param <T> the result type.
 */
final class PoolFuture<T> extends CompletableFuture<T>
{
    private final Executor chained;

    PoolFuture(final Executor chained)
    {
        this.chained = chained;
    }

    /**
     * Runs an action when the future is cancelled or times out ({@code orTimeout}), in the thread that does
     * so: how the pool stops the call behind a future its caller gave up on.
     */
    void onStop(final Runnable stop)
    {
        super.whenComplete((value, error) ->
        {
            if (error instanceof CancellationException || error instanceof TimeoutException)
            {
                stop.run();
            }
        });
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture()
    {
        return new PoolFuture<>(chained);
    }

    @Override
    public Executor defaultExecutor()
    {
        return chained;
    }

    @Override
    public <U> CompletableFuture<U> thenApply(final Function<? super T, ? extends U> fn)
    {
        return thenApplyAsync(fn, chained);
    }

    @Override
    public CompletableFuture<Void> thenAccept(final Consumer<? super T> action)
    {
        return thenAcceptAsync(action, chained);
    }

    @Override
    public CompletableFuture<Void> thenRun(final Runnable action)
    {
        return thenRunAsync(action, chained);
    }

    @Override
    public <U, V> CompletableFuture<V> thenCombine(
        final CompletionStage<? extends U> other, final BiFunction<? super T, ? super U, ? extends V> fn)
    {
        return thenCombineAsync(other, fn, chained);
    }

    @Override
    public <U> CompletableFuture<Void> thenAcceptBoth(
        final CompletionStage<? extends U> other, final BiConsumer<? super T, ? super U> action)
    {
        return thenAcceptBothAsync(other, action, chained);
    }

    @Override
    public CompletableFuture<Void> runAfterBoth(final CompletionStage<?> other, final Runnable action)
    {
        return runAfterBothAsync(other, action, chained);
    }

    @Override
    public <U> CompletableFuture<U> applyToEither(
        final CompletionStage<? extends T> other, final Function<? super T, U> fn)
    {
        return applyToEitherAsync(other, fn, chained);
    }

    @Override
    public CompletableFuture<Void> acceptEither(final CompletionStage<? extends T> other, final Consumer<? super T> action)
    {
        return acceptEitherAsync(other, action, chained);
    }

    @Override
    public CompletableFuture<Void> runAfterEither(final CompletionStage<?> other, final Runnable action)
    {
        return runAfterEitherAsync(other, action, chained);
    }

    @Override
    public <U> CompletableFuture<U> thenCompose(final Function<? super T, ? extends CompletionStage<U>> fn)
    {
        return thenComposeAsync(fn, chained);
    }

    @Override
    public CompletableFuture<T> whenComplete(final BiConsumer<? super T, ? super Throwable> action)
    {
        return whenCompleteAsync(action, chained);
    }

    @Override
    public <U> CompletableFuture<U> handle(final BiFunction<? super T, Throwable, ? extends U> fn)
    {
        return handleAsync(fn, chained);
    }

    @Override
    public CompletableFuture<T> exceptionally(final Function<Throwable, ? extends T> fn)
    {
        return exceptionallyAsync(fn, chained);
    }

    @Override
    public CompletableFuture<T> exceptionallyCompose(final Function<Throwable, ? extends CompletionStage<T>> fn)
    {
        return exceptionallyComposeAsync(fn, chained);
    }
}
