package dev.caravan.usage;

import dev.caravan.error.GatewayException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The window of {@code GET /v1/admin/stats}, read as strictly as the request log's filters: {@code from} and
 * {@code to} (ISO-8601 instants; the last 24 hours by default), {@code bucket} (seconds, 3600 by default) and
 * {@code group_by} (what spend is split by). Buckets are aligned on the epoch, so the same bucket always covers the
 * same span whatever window asks for it.
 *
 * @param firstBucket the index (seconds from the epoch / {@code bucketSeconds}) of the bucket holding {@code from}
 * @param lastBucket  the index of the bucket holding the last instant before {@code to}
 */
record StatsQuery(Instant from, Instant to, int bucketSeconds, GroupBy groupBy, long firstBucket, long lastBucket) {

    static final List<String> PARAMETERS = List.of("from", "to", "bucket", "group_by");
    /** A chart draws no more points than this; it also bounds the answer's size. */
    static final int MAX_BUCKETS = 1000;
    /** Spend is split by these; the others (key, user, tag) may have one value per caller, too many to draw. */
    static final List<GroupBy> GROUPS = List.of(GroupBy.MODEL, GroupBy.PROVIDER, GroupBy.PROJECT);

    private static final Pattern SECONDS = Pattern.compile("\\d{1,7}");
    private static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
    private static final int DEFAULT_BUCKET = 3600;

    static StatsQuery parse(String rawQuery, Instant now) {
        Map<String, String> in = RequestLogQuery.parameters(rawQuery, PARAMETERS);
        Instant to = RequestLogQuery.instant(in, "to");
        Instant from = RequestLogQuery.instant(in, "from");
        to = to != null ? to : now;
        from = from != null ? from : to.minus(DEFAULT_WINDOW);
        if (!to.isAfter(from)) {
            throw GatewayException.invalid("'to' must be later than 'from'.", "to");
        }
        int bucket = bucket(in.get("bucket"));
        long first = Math.floorDiv(from.getEpochSecond(), bucket);
        // 'to' is excluded: a window ending on a bucket's start does not reach into that bucket
        long last = Math.floorDiv(to.minusNanos(1).getEpochSecond(), bucket);
        if (last - first + 1 > MAX_BUCKETS) {
            throw GatewayException.invalid("The window holds " + (last - first + 1) + " buckets of " + bucket
                    + " s; at most " + MAX_BUCKETS + ": widen 'bucket' or narrow 'from' and 'to'.", "bucket");
        }
        return new StatsQuery(from, to, bucket, groupBy(in.get("group_by")), first, last);
    }

    private static int bucket(String value) {
        if (value == null) {
            return DEFAULT_BUCKET;
        }
        if (!SECONDS.matcher(value).matches() || Integer.parseInt(value) < 1
                || Integer.parseInt(value) > Duration.ofDays(31).toSeconds()) {
            throw GatewayException.invalid("'bucket' must be a whole number of seconds from 1 to 2678400 (31 days).",
                    "bucket");
        }
        return Integer.parseInt(value);
    }

    private static GroupBy groupBy(String value) {
        if (value == null) {
            return GroupBy.MODEL;
        }
        return GroupBy.parse(value).filter(GROUPS::contains).orElseThrow(() -> GatewayException.invalid(
                "'group_by' must be one of " + String.join(", ", GROUPS.stream().map(GroupBy::field).toList())
                        + ".", "group_by"));
    }

    /** The start of the bucket with this index. */
    Instant bucketStart(long index) {
        return Instant.ofEpochSecond(index * bucketSeconds);
    }
}
