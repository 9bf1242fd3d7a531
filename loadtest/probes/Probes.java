import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reliability probes of issue 17 against a running server (the packaged jar), printing numbers.
 *
 *   java loadtest/probes/Probes.java [host:port] [model] [a|b|c|d ...]
 *
 * a: 210 connections declare Content-Length 100000 and send 21 bytes; is /q/health/ready and a chat
 *    answered meanwhile, how long until the stalled ones get 408?
 * b: 200 simultaneous streamed /v1/refine: 200s whose last event is done, 429s with
 *    Retry-After, error events.
 * c: 8 clients send a huge-response chat (n=16, top_logprobs=20) and read nothing (start the server
 *    with -Xmx256m for the original probe): still alive, generations cancelled, others served.
 * d: temperature 1e-320 and repetition_penalty 1e-39 on chat, completions and refine: any 5xx?
 */
public class Probes {

    static String host = "localhost";
    static int port = 8000;
    static String model = "slhf-tiny";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        List<String> probes = new ArrayList<>();
        for (String a : args) {
            if (a.contains(":")) {
                host = a.substring(0, a.indexOf(':'));
                port = Integer.parseInt(a.substring(a.indexOf(':') + 1));
            } else if (a.length() == 1) {
                probes.add(a);
            } else {
                model = a;
            }
        }
        if (probes.isEmpty()) {
            probes = List.of("a", "b", "c", "d");
        }
        for (String p : probes) {
            switch (p) {
                case "a" -> stalledBodies();
                case "b" -> streamedRefines();
                case "c" -> nonReaders();
                case "d" -> extremeSampling();
                default -> throw new IllegalArgumentException("unknown probe " + p);
            }
        }
    }

    static HttpResponse<String> post(String path, String body, Duration timeout) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path)).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static String chat(String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}";
    }

    static double metric(String series) throws Exception {
        double sum = 0;
        for (String line : get("/q/metrics").body().split("\n")) {
            if (line.startsWith(series)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static void stalledBodies() throws Exception {
        int n = 210;
        List<Socket> sockets = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<long[]>> answers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket(host, port);
            sockets.add(s);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n{\"model\":\"x\",\"messages").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            answers.add(pool.submit(() -> {
                s.setSoTimeout(120_000);
                byte[] head = new byte[12];
                InputStream in = s.getInputStream();
                int got = in.readNBytes(head, 0, 12);
                long at = (System.nanoTime() - t0) / 1_000_000;
                int status = got == 12 ? Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII)) : -1;
                return new long[] {status, at};
            }));
        }
        long r0 = System.nanoTime();
        int ready = get("/q/health/ready").statusCode();
        long readyMs = (System.nanoTime() - r0) / 1_000_000;
        long c0 = System.nanoTime();
        int chat = post("/v1/chat/completions", chat(",\"max_tokens\":8,\"temperature\":0"), Duration.ofSeconds(30))
                .statusCode();
        long chatMs = (System.nanoTime() - c0) / 1_000_000;
        ConcurrentHashMap<Long, AtomicInteger> statuses = new ConcurrentHashMap<>();
        long first = Long.MAX_VALUE, last = 0;
        for (Future<long[]> f : answers) {
            long[] r = f.get();
            statuses.computeIfAbsent(r[0], k -> new AtomicInteger()).incrementAndGet();
            first = Math.min(first, r[1]);
            last = Math.max(last, r[1]);
        }
        pool.shutdown();
        for (Socket s : sockets) {
            s.close();
        }
        System.out.printf("a) %d stalled bodies: /q/health/ready %d in %d ms, chat %d in %d ms; stalled answered %s,"
                + " first after %.1f s, last after %.1f s%n", n, ready, readyMs, chat, chatMs, statuses, first / 1000.0,
                last / 1000.0);
    }

    static void streamedRefines() throws Exception {
        int n = 200;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        AtomicInteger done = new AtomicInteger(), notDone = new AtomicInteger(), overloaded = new AtomicInteger(),
                retryAfter = new AtomicInteger(), errorEvents = new AtomicInteger(), other = new AtomicInteger();
        List<Future<?>> all = new ArrayList<>();
        String body = "{\"prompt\":\"Sort these numbers: 42 7 19 3\",\"rounds\":2,\"max_tokens\":24,\"stream\":true}";
        for (int i = 0; i < n; i++) {
            all.add(pool.submit(() -> {
                HttpResponse<String> r = post("/v1/refine", body, Duration.ofSeconds(300));
                if (r.statusCode() == 200) {
                    String text = r.body();
                    if (text.contains("event: error")) {
                        errorEvents.incrementAndGet();
                    }
                    // a refinement stream's last event is "done" (README, POST /v1/refine)
                    int last = text.lastIndexOf("event: ");
                    if (last >= 0 && text.startsWith("event: done", last)) {
                        done.incrementAndGet();
                    } else {
                        notDone.incrementAndGet();
                    }
                } else if (r.statusCode() == 429) {
                    overloaded.incrementAndGet();
                    if (r.headers().firstValue("Retry-After").isPresent()) {
                        retryAfter.incrementAndGet();
                    }
                } else {
                    other.incrementAndGet();
                    System.out.println("   " + r.statusCode() + " " + r.body());
                }
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("b) %d streamed refines: 200 %d (ended with done: %d, not: %d), 429 %d (with Retry-After %d),"
                + " error events %d, other statuses %d%n", n, done.get() + notDone.get(), done.get(), notDone.get(),
                overloaded.get(), retryAfter.get(), errorEvents.get(), other.get());
    }

    static void nonReaders() throws Exception {
        double cancelledBefore = metric("slhf_requests_cancelled_total");
        double slowBefore = metric("slhf_slow_clients_total");
        byte[] body = chat(",\"n\":16,\"max_tokens\":490,\"ignore_eos\":true,\"logprobs\":true,\"top_logprobs\":20")
                .getBytes(StandardCharsets.UTF_8);
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Socket s = new Socket(host, port);
            s.setReceiveBufferSize(4096);
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            s.getOutputStream().flush();
            sockets.add(s); // and never read
        }
        int served = 0, tried = 0;
        long end = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (System.nanoTime() < end) {
            tried++;
            if (post("/v1/chat/completions", chat(",\"max_tokens\":8,\"temperature\":0"), Duration.ofSeconds(60))
                    .statusCode() == 200) {
                served++;
            }
            Thread.sleep(1000);
        }
        int ready = get("/q/health/ready").statusCode();
        double cancelled = metric("slhf_requests_cancelled_total") - cancelledBefore;
        double slow = metric("slhf_slow_clients_total") - slowBefore;
        for (Socket s : sockets) {
            s.close();
        }
        System.out.printf("c) 8 non-reading clients (n=16 x 490 tokens, top_logprobs 20): ready %d, others served %d/%d,"
                + " cancelled +%.0f, slow clients +%.0f%n", ready, served, tried, cancelled, slow);
    }

    static void extremeSampling() throws Exception {
        String[][] cases = {
                {"/v1/chat/completions", chat(",\"max_tokens\":8,\"temperature\":1e-320")},
                {"/v1/chat/completions", chat(",\"max_tokens\":8,\"repetition_penalty\":1e-39")},
                {"/v1/completions", "{\"model\":\"" + model + "\",\"prompt\":\"hi\",\"max_tokens\":8,\"temperature\":1e-320}"},
                {"/v1/completions", "{\"model\":\"" + model + "\",\"prompt\":\"hi\",\"max_tokens\":8,\"repetition_penalty\":1e-39}"},
                {"/v1/refine", "{\"prompt\":\"hi\",\"rounds\":1,\"max_tokens\":8,\"temperature\":1e-320}"},
                {"/v1/refine", "{\"prompt\":\"hi\",\"rounds\":1,\"max_tokens\":8,\"repetition_penalty\":1e-39}"},
        };
        StringBuilder out = new StringBuilder();
        int fives = 0;
        Pattern code = Pattern.compile("\"code\":\"?([^,\"}]*)");
        for (String[] c : cases) {
            HttpResponse<String> r = post(c[0], c[1], Duration.ofSeconds(60));
            fives += r.statusCode() >= 500 ? 1 : 0;
            Matcher m = code.matcher(r.body());
            out.append(String.format("%n   %s %s -> %d%s", c[0], c[1].substring(c[1].lastIndexOf(',') + 1),
                    r.statusCode(), r.statusCode() >= 400 && m.find() ? " " + m.group(1) : ""));
        }
        System.out.printf("d) extreme sampling values: %d x 5xx%s%n", fives, out);
    }
}
