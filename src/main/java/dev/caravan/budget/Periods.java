package dev.caravan.budget;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;

/** Budget periods in UTC: a day from midnight, an ISO week from Monday, a month from its first day. */
public final class Periods {

    private Periods() {
    }

    /** When the period holding {@code now} began; {@link Instant#EPOCH} for a budget without a period. */
    public static Instant start(Budget.Period period, Instant now) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate first = switch (period) {
            case DAILY -> day;
            case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTHLY -> day.withDayOfMonth(1);
            case NONE -> null;
        };
        return first == null ? Instant.EPOCH : first.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** When the period beginning at {@code start} ends and spending starts again from zero; null for none. */
    public static Instant end(Budget.Period period, Instant start) {
        LocalDate first = LocalDate.ofInstant(start, ZoneOffset.UTC);
        LocalDate next = switch (period) {
            case DAILY -> first.plusDays(1);
            case WEEKLY -> first.plusWeeks(1);
            case MONTHLY -> first.plusMonths(1);
            case NONE -> null;
        };
        return next == null ? null : next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
