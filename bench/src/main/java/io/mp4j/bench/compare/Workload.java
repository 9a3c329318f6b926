package io.mp4j.bench.compare;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One row of the comparison: what is measured, in which unit, at which sizes, and each competitor's
 * way of doing it. Build one with {@link #builder(String, String)}; a competitor left unset is absent
 * with the reason {@code "n/a"}.
 *
 * <pre>{@code
 * Workload.builder("4", "pool apply round trip")
 *     .unit(Unit.MICROSECONDS)
 *     .sizes(2_000, 50, "round trip")
 *     .mp4j(Contender.of("Pool(2)", size -> ...))
 *     .cpython(python.contender("pool_apply", "Pool(2)"))
 *     .plainJava(Contender.absent("n/a"))
 *     .build();
 * }</pre>
 */
public final class Workload
{
    private final String id;
    private final String name;
    private final Unit unit;
    private final int fullSize;
    private final int quickSize;
    private final String sizeUnit;
    private final Map<Competitor, Contender> contenders;

    private Workload(final Builder builder)
    {
        this.id = builder.id;
        this.name = builder.name;
        this.unit = Objects.requireNonNull(builder.unit, "unit");
        this.fullSize = builder.fullSize;
        this.quickSize = builder.quickSize;
        this.sizeUnit = Objects.requireNonNull(builder.sizeUnit, "sizes");
        this.contenders = new EnumMap<>(Competitor.class);
        for (final Competitor competitor : Competitor.values())
        {
            contenders.put(competitor, builder.contenders.getOrDefault(competitor, Contender.absent("n/a")));
        }
    }

    private Workload(final Workload workload, final Set<Competitor> leftOut)
    {
        this.id = workload.id;
        this.name = workload.name;
        this.unit = workload.unit;
        this.fullSize = workload.fullSize;
        this.quickSize = workload.quickSize;
        this.sizeUnit = workload.sizeUnit;
        this.contenders = new EnumMap<>(workload.contenders);
        for (final Competitor competitor : leftOut)
        {
            contenders.put(competitor, Contender.absent("left out"));
        }
    }

    /**
     * Starts a workload.
     *
     * @param id   a short, stable identifier; the numbering ({@code "3a"}, {@code "8b"}) reads well.
     * @param name what is measured, in a few words.
     * @return a builder.
     */
    public static Builder builder(final String id, final String name)
    {
        return new Builder(id, name);
    }

    /**
     * The short, stable identifier, used to select workloads and as the JSON key.
     *
     * @return e.g. {@code "3a"}.
     */
    public String id()
    {
        return id;
    }

    /**
     * What is measured.
     *
     * @return e.g. {@code "pool map x+1, default chunksize"}.
     */
    public String name()
    {
        return name;
    }

    /**
     * The unit every competitor's figure is in.
     *
     * @return the unit.
     */
    public Unit unit()
    {
        return unit;
    }

    /**
     * Whether a larger figure is better.
     *
     * @return the unit's direction.
     */
    public boolean higherIsBetter()
    {
        return unit.higherIsBetter();
    }

    /**
     * The size each repetition runs at.
     *
     * @param quick whether this is a {@code --quick} run.
     * @return the quick or the full size.
     */
    public int size(final boolean quick)
    {
        return quick ? quickSize : fullSize;
    }

    /**
     * What the size counts, in the singular.
     *
     * @return e.g. {@code "item"} or {@code "round trip"}.
     */
    public String sizeUnit()
    {
        return sizeUnit;
    }

    /**
     * A size with what it counts, for people.
     *
     * @param size a size of this workload.
     * @return e.g. {@code "1 M items"}, {@code "1 start"}.
     */
    public String describeSize(final int size)
    {
        return Numbers.format(size) + ' ' + sizeUnit + (size == 1 ? "" : "s");
    }

    /**
     * This workload without some competitors, for a run that leaves them out.
     *
     * @param leftOut the competitors that do not run it.
     * @return a copy in which they are absent.
     */
    public Workload without(final Set<Competitor> leftOut)
    {
        return new Workload(this, leftOut);
    }

    /**
     * A competitor's entry.
     *
     * @param competitor which competitor.
     * @return its entry, possibly absent.
     */
    public Contender contender(final Competitor competitor)
    {
        return contenders.get(competitor);
    }

    /** Collects a workload's parts; not thread-safe. */
    public static final class Builder
    {
        private final String id;
        private final String name;
        private final Map<Competitor, Contender> contenders = new EnumMap<>(Competitor.class);
        private Unit unit;
        private int fullSize;
        private int quickSize;
        private String sizeUnit;

        private Builder(final String id, final String name)
        {
            this.id = Objects.requireNonNull(id, "id");
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * Sets the unit of every competitor's figure.
         *
         * @param unit the unit.
         * @return this, for chaining.
         */
        public Builder unit(final Unit unit)
        {
            this.unit = unit;
            return this;
        }

        /**
         * Sets the sizes of a full and a quick run.
         *
         * @param fullSize  the size of each repetition in a full run.
         * @param quickSize the size of each repetition in a {@code --quick} run: tiny, it only exercises
         *                  the harness.
         * @param sizeUnit  what the size counts, in the singular, e.g. {@code "item"}.
         * @return this, for chaining.
         */
        public Builder sizes(final int fullSize, final int quickSize, final String sizeUnit)
        {
            if (fullSize < 1 || quickSize < 1)
            {
                throw new IllegalArgumentException(
                    "sizes must be positive: workload=" + id + " full=" + fullSize + " quick=" + quickSize);
            }
            this.fullSize = fullSize;
            this.quickSize = quickSize;
            this.sizeUnit = sizeUnit;
            return this;
        }

        /**
         * Sets mp4j's entry.
         *
         * @param contender the entry.
         * @return this, for chaining.
         */
        public Builder mp4j(final Contender contender)
        {
            return contender(Competitor.MP4J, contender);
        }

        /**
         * Sets CPython's entry.
         *
         * @param contender the entry.
         * @return this, for chaining.
         */
        public Builder cpython(final Contender contender)
        {
            return contender(Competitor.CPYTHON, contender);
        }

        /**
         * Sets the plain-Java entry.
         *
         * @param contender the entry.
         * @return this, for chaining.
         */
        public Builder plainJava(final Contender contender)
        {
            return contender(Competitor.PLAIN_JAVA, contender);
        }

        /**
         * Sets the entry of mp4j's cluster backend.
         *
         * @param contender the entry.
         * @return this, for chaining.
         */
        public Builder cluster(final Contender contender)
        {
            return contender(Competitor.CLUSTER, contender);
        }

        /**
         * Sets a competitor's entry.
         *
         * @param competitor which competitor.
         * @param contender  the entry.
         * @return this, for chaining.
         */
        public Builder contender(final Competitor competitor, final Contender contender)
        {
            contenders.put(competitor, Objects.requireNonNull(contender, "contender"));
            return this;
        }

        /**
         * Builds the workload.
         *
         * @return the workload.
         * @throws NullPointerException if the unit or the sizes were not set.
         */
        public Workload build()
        {
            return new Workload(this);
        }
    }
}
