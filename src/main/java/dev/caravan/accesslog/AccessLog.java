package dev.caravan.accesslog;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import dev.caravan.accounting.SettledRequest;
import dev.caravan.accounting.SettlementListener;
import dev.caravan.canonical.Json;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The opt-in access log ({@code caravan.access-log.enabled}): one JSON line per settled request ({@link AccessLine})
 * on the logger {@value #LOGGER}, at INFO. Unless the logging configuration gives that logger appenders of its own,
 * its lines go to standard output bare (no timestamp or level in front), so that each is one JSON document a log
 * shipper can parse, and not also through the application's pattern.
 */
@Component
@ConditionalOnProperty(name = "caravan.access-log.enabled", havingValue = "true")
public class AccessLog implements SettlementListener {

    public static final String LOGGER = "caravan.access";
    private static final String APPENDER = "caravan-access-stdout";

    private final org.slf4j.Logger log = LoggerFactory.getLogger(LOGGER);

    public AccessLog() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            Logger logger = context.getLogger(LOGGER);
            if (!logger.iteratorForAppenders().hasNext()) {
                logger.addAppender(bareLines(context));
                logger.setAdditive(false);
            }
        }
    }

    @Override
    public void settled(SettledRequest request) {
        if (log.isInfoEnabled()) {
            log.info(Json.writeString(AccessLine.of(request)));
        }
    }

    private static ConsoleAppender<ILoggingEvent> bareLines(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
