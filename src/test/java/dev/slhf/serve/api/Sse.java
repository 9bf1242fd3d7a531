package dev.slhf.serve.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/** A minimal Server-Sent Events parser for tests: one event per blank-line-separated block. */
final class Sse {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code name} is null for unnamed events; {@code data} is the raw data text. */
    record Event(String name, String data) {
        JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (Exception e) {
                throw new AssertionError("event data is not JSON: " + data, e);
            }
        }
    }

    private Sse() {}

    static List<Event> parse(String body) {
        // standard framing: every event ends with exactly one blank line
        if (body.contains("\n\n\n") || !body.endsWith("\n\n")) {
            throw new AssertionError("events must end with exactly one blank line:\n" + body.replace("\n", "\\n\n"));
        }
        List<Event> events = new ArrayList<>();
        String name = null;
        StringBuilder data = null;
        for (String line : (body + "\n\n").split("\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(new Event(name, data.toString()));
                }
                name = null;
                data = null;
            } else if (line.startsWith("event: ")) {
                name = line.substring("event: ".length());
            } else if (line.startsWith("data: ")) {
                data = data == null ? new StringBuilder() : data.append('\n');
                data.append(line.substring("data: ".length()));
            } else {
                throw new AssertionError("not an SSE line: '" + line + "' in\n" + body);
            }
        }
        return events;
    }
}
