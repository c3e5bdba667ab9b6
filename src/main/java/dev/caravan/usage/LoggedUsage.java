package dev.caravan.usage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Placeholder until usage is stored: logs each record's id, outcome and cost at debug level. */
@Component
public class LoggedUsage implements UsageSink {

    private static final Logger LOG = LoggerFactory.getLogger(LoggedUsage.class);

    @Override
    public void record(UsageRecord record) {
        LOG.debug("usage {} {} {}", record.id(), record.outcome(), record.costUsd());
    }
}
