package dev.slhf.serve.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.io.InputDecorator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * Request JSON is read as strictly as OpenAI reads it. Jackson's defaults would quietly turn
 * {@code "max_tokens":"5"} into 5, {@code 1.5} into 1, {@code "stream":1} into true,
 * {@code "user":123} into "123", an empty string into null, ignore anything after the first JSON
 * value, and decode byte sequences that are not UTF-8 (code points past U+10FFFF, encoded
 * surrogates, overlong forms) into broken text. Each of these is now a 400 naming the field.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    @SuppressWarnings("deprecation")
    public void customize(ObjectMapper mapper) {
        mapper.configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        for (LogicalType type : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        mapper.getFactory().setInputDecorator(new Utf8Check());
    }

    /** Passes bytes through, failing on the first that is not well-formed UTF-8 (RFC 3629). */
    static final class Utf8Check extends InputDecorator {
        @Override
        public InputStream decorate(IOContext ctxt, InputStream in) {
            return new Utf8InputStream(in);
        }

        @Override
        public InputStream decorate(IOContext ctxt, byte[] src, int offset, int length) {
            return new Utf8InputStream(new ByteArrayInputStream(src, offset, length));
        }

        @Override
        public Reader decorate(IOContext ctxt, Reader r) {
            return r; // already characters
        }
    }

    static final class Utf8InputStream extends FilterInputStream {
        private long offset;
        /** Continuation bytes still expected, and the range allowed for the next one. */
        private int need;
        private int lo = 0x80;
        private int hi = 0xBF;

        Utf8InputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                atEnd();
            } else {
                check(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n < 0) {
                atEnd();
            }
            for (int i = 0; i < n; i++) {
                check(buf[off + i] & 0xFF);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] sink = new byte[(int) Math.min(n, 8192)];
            int read = read(sink, 0, sink.length);
            return Math.max(read, 0);
        }

        private void atEnd() throws IOException {
            if (need > 0) {
                throw invalid("the body ends inside a multi-byte character");
            }
        }

        private void check(int b) throws IOException {
            if (need > 0) {
                if (b < lo || b > hi) {
                    throw invalid(String.format("byte 0x%02X at offset %d", b, offset));
                }
                need--;
                lo = 0x80;
                hi = 0xBF;
            } else if (b >= 0x80) {
                if (b >= 0xC2 && b <= 0xDF) {
                    need = 1;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    need = 2;
                    if (b == 0xE0) {
                        lo = 0xA0; // no overlong forms
                    } else if (b == 0xED) {
                        hi = 0x9F; // no UTF-16 surrogates
                    }
                } else if (b >= 0xF0 && b <= 0xF4) {
                    need = 3;
                    if (b == 0xF0) {
                        lo = 0x90;
                    } else if (b == 0xF4) {
                        hi = 0x8F; // nothing past U+10FFFF
                    }
                } else {
                    throw invalid(String.format("byte 0x%02X at offset %d", b, offset));
                }
            }
            offset++;
        }

        private static IOException invalid(String detail) {
            return new JsonParseException((com.fasterxml.jackson.core.JsonParser) null, "Invalid UTF-8 in the request body: " + detail);
        }
    }
}
