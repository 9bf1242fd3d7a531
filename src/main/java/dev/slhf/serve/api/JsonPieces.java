package dev.slhf.serve.api;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A serialized JSON document cut into pieces of about {@code size} characters, for writing a large
 * body as the client reads it. RESTEasy's streaming writer appends a newline to every piece, so a
 * piece may only end where JSON allows whitespace: right after a structural character
 * ({@code , : { [}) outside any string. Pieces are cut lazily, so only the document is held, not
 * a copy of it.
 */
final class JsonPieces implements Iterable<String> {

    private final String text;
    private final int size;

    JsonPieces(String text, int size) {
        this.text = text;
        this.size = Math.max(1, size);
    }

    @Override
    public Iterator<String> iterator() {
        return new Iterator<>() {
            private int start;
            private boolean inString;
            private boolean escaped;

            @Override
            public boolean hasNext() {
                return start < text.length();
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int i = start;
                int n = text.length();
                while (i < n) {
                    char c = text.charAt(i++);
                    if (inString) {
                        if (escaped) {
                            escaped = false;
                        } else if (c == '\\') {
                            escaped = true;
                        } else if (c == '"') {
                            inString = false;
                        }
                    } else if (c == '"') {
                        inString = true;
                    } else if (i - start >= size && (c == ',' || c == ':' || c == '{' || c == '[')) {
                        break;
                    }
                }
                String piece = text.substring(start, i);
                start = i;
                return piece;
            }
        };
    }
}
