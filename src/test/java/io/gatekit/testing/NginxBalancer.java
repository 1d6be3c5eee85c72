package io.gatekit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real {@code nginx} on a free loopback port, balancing round robin (no stickiness) over the given backends,
 * as an ordinary deployment would put it in front of several gateways: HTTP/1.1 to the backends, no response
 * buffering (event streams pass through as they are written), the client's {@code Host} passed on. Each
 * response names the backend that served it in {@code X-Upstream}. A backend that refuses connections is
 * skipped (nginx's own retry of a request not yet sent). Its files (config, logs, pid) live in the test's
 * directory; it never touches the system nginx.
 */
public final class NginxBalancer implements AutoCloseable {
    public static final String UPSTREAM_HEADER = "X-Upstream";
    private final Process process;
    private final int port;

    private NginxBalancer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** nginx in {@code dir} over {@code backends} ({@code host:port}); skipped where nginx is not installed. */
    public static NginxBalancer start(Path dir, List<String> backends) {
        Path binary = SystemServices.require("nginx");
        int port = Loopback.freePort();
        String servers = backends.stream().map(b -> "    server " + b + " max_fails=1 fail_timeout=30s;")
                .collect(Collectors.joining("\n"));
        String config = """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/nginx-error.log warn;
                events { worker_connections 1024; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  client_body_buffer_size 1m;
                  upstream gatekit {
                %2$s
                    keepalive 16;
                  }
                  server {
                    listen 127.0.0.1:%3$d;
                    location / {
                      proxy_pass http://gatekit;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_set_header Host $http_host;
                      proxy_buffering off;
                      proxy_read_timeout 120s;
                      proxy_next_upstream error timeout;
                      add_header %4$s $upstream_addr always;
                    }
                  }
                }
                """.formatted(dir.toAbsolutePath(), servers, port, UPSTREAM_HEADER);
        try {
            Path file = dir.resolve("nginx.conf");
            Files.writeString(file, config);
            Process process = new ProcessBuilder(List.of(binary.toString(), "-p", dir.toAbsolutePath().toString(),
                    "-c", file.toAbsolutePath().toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nginx-out.log").toFile()))
                    .start();
            Loopback.awaitListening(process, port, Duration.ofSeconds(20));
            return new NginxBalancer(process, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start nginx", e);
        }
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: fast shutdown
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
