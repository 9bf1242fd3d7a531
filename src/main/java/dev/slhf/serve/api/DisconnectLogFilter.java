package dev.slhf.serve.api;

import io.quarkus.logging.LoggingFilter;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Drops the framework's log records about a client that went away (RESTEasy logs an ERROR with a
 * stack trace when a stream write fails on a reset connection; a 300-request cancel storm wrote
 * 1 075 lines). A client disconnecting is not a server fault: {@link RequestMetrics} writes one
 * WARN line for it instead. Records of our own code and every other failure pass untouched.
 */
@LoggingFilter(name = DisconnectLogFilter.NAME)
public final class DisconnectLogFilter implements Filter {

    public static final String NAME = "client-disconnects";

    @Override
    public boolean isLoggable(LogRecord record) {
        String logger = record.getLoggerName();
        if (logger == null || logger.startsWith("dev.slhf.")) {
            return true;
        }
        return !(isFramework(logger) && (isDisconnect(record.getThrown()) || isDisconnectMessage(record.getMessage())));
    }

    private static boolean isFramework(String logger) {
        return logger.startsWith("org.jboss.resteasy.reactive") || logger.startsWith("io.vertx")
                || logger.startsWith("io.netty") || logger.startsWith("io.quarkus.vertx") || logger.startsWith("io.quarkus.resteasy");
    }

    static boolean isDisconnect(Throwable t) {
        for (int depth = 0; t != null && depth < 8; t = t.getCause(), depth++) {
            if (t instanceof ClosedChannelException) {
                return true;
            }
            if ((t instanceof IOException || t.getClass().getName().endsWith("VertxException")
                    || t.getClass().getName().endsWith("HttpClosedException")) && isDisconnectMessage(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDisconnectMessage(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("connection reset") || m.contains("broken pipe") || m.contains("connection was closed")
                || m.contains("closed channel") || m.contains("connection closed")
                // Netty, on a write to a reset connection: "Failed to mark a promise as failure because it
                // has failed already: DefaultChannelPromise(failure: ...ClosedChannelException)", a WARN with
                // a stack trace per disconnect
                || (m.contains("failed already") && m.contains("closedchannelexception"));
    }
}
