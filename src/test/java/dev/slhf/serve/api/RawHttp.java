package dev.slhf.serve.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.1 client on a raw socket, one request per connection, so that a test
 * can send what real clients refuse to: any method, broken bytes, lying or missing Content-Length,
 * chunked bodies of any size. The body is written on its own thread while the response is read, so
 * that a server answering early (413 on the Content-Length) and closing is still seen.
 */
public final class RawHttp {

    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private RawHttp() {}

    /**
     * @param contentType null sends no Content-Type
     * @param body        null sends no body (and no Content-Length)
     * @param chunked     send the body with Transfer-Encoding: chunked (64 KiB chunks)
     */
    public static Response send(String host, int port, String method, String path, String contentType, byte[] body,
            boolean chunked, int timeoutMillis) throws IOException {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(host).append(':').append(port).append("\r\n");
        head.append("Connection: close\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (body != null) {
            head.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n");
        }
        return exchange(host, port, head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1), body,
                chunked, timeoutMillis);
    }

    /** Sends {@code head} (request line and headers, already terminated) and then {@code body}. */
    public static Response exchange(String host, int port, byte[] head, byte[] body, boolean chunked, int timeoutMillis)
            throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.flush();
            Thread writer = null;
            if (body != null && body.length > 0) {
                writer = new Thread(() -> writeBody(out, body, chunked), "raw-http-writer");
                writer.setDaemon(true);
                writer.start();
            } else if (body != null && chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            try {
                return read(new java.io.BufferedInputStream(socket.getInputStream(), 65536));
            } finally {
                if (writer != null) {
                    socket.shutdownOutput();
                    try {
                        writer.join(timeoutMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    private static void writeBody(OutputStream out, byte[] body, boolean chunked) {
        try {
            if (!chunked) {
                for (int off = 0; off < body.length; off += 65536) {
                    out.write(body, off, Math.min(65536, body.length - off));
                }
            } else {
                for (int off = 0; off < body.length; off += 65536) {
                    int len = Math.min(65536, body.length - off);
                    out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, off, len);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        } catch (IOException e) {
            // the server answered early and closed; the reader has (or will have) the response
        }
    }

    private static Response read(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) {
            throw new IOException("connection closed before a response");
        }
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP response: " + status);
        }
        int code = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String h;
        while ((h = line(in)) != null && !h.isEmpty()) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
        }
        if (code == 100) {
            return read(in);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            long n = Long.parseLong(headers.get("content-length"));
            for (long i = 0; i < n; i++) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                body.write(b);
            }
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            while (true) {
                String size = line(in);
                if (size == null) {
                    break;
                }
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                if (n == 0) {
                    line(in);
                    break;
                }
                body.write(in.readNBytes(n));
                line(in);
            }
        } else {
            try {
                in.transferTo(body);
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // what arrived is the body
            }
        }
        return new Response(code, headers, body.toByteArray());
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int len = s.length();
                return len > 0 && s.charAt(len - 1) == '\r' ? s.substring(0, len - 1) : s.toString();
            }
            s.append((char) b);
        }
        return s.length() == 0 ? null : s.toString();
    }
}
