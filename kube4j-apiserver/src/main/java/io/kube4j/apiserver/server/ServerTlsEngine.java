package io.kube4j.apiserver.server;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * The TLS implementation behind the API server's listener (decision 0023): BoringSSL through netty-tcnative when
 * its native library loads, since it spends far less CPU per TLS record than the JDK's SSLEngine; the JDK's engine
 * when the library does not load (another platform), or when {@code -Dkube4j.tls.engine=jdk} asks for it (to
 * compare, or to step around a native problem). {@code -Dkube4j.tls.engine=openssl} insists on BoringSSL and fails
 * the start without it. {@link ApiServer#start} chooses once per server; a value is immutable.
 *
 * @param name    {@code openssl} or {@code jdk}
 * @param options the engine for the server's {@code HttpServerOptions}
 * @param detail  the library's version, or why the JDK engine was taken
 */
record ServerTlsEngine(String name, SSLEngineOptions options, String detail) {
    static final String PROPERTY = "kube4j.tls.engine";

    /** As {@link #choose}, with the value of {@value #PROPERTY} ({@code auto} when unset). */
    static ServerTlsEngine fromSystemProperty() {
        return choose(System.getProperty(PROPERTY, "auto"));
    }

    /**
     * {@code auto}: BoringSSL when it loads, else the JDK; {@code openssl}: BoringSSL or an exception;
     * {@code jdk}: the JDK. Loading the native library (the first call) takes some tens of milliseconds.
     */
    static ServerTlsEngine choose(String wanted) {
        switch (wanted) {
            case "jdk" -> {
                return new ServerTlsEngine("jdk", new JdkSSLEngineOptions(), "chosen with -D" + PROPERTY + "=jdk");
            }
            case "auto", "openssl" -> {
                // ALPN (h2) is part of BoringSSL, but check it: without it kubectl would fall back to HTTP/1.1
                if (OpenSSLEngineOptions.isAvailable() && OpenSSLEngineOptions.isAlpnAvailable()) {
                    return new ServerTlsEngine("openssl", new OpenSSLEngineOptions(), OpenSsl.versionString());
                }
                Throwable cause = OpenSsl.unavailabilityCause();
                if (wanted.equals("openssl")) {
                    throw new IllegalStateException("-D" + PROPERTY + "=openssl but netty-tcnative's BoringSSL "
                            + "is not usable here", cause);
                }
                return new ServerTlsEngine("jdk", new JdkSSLEngineOptions(),
                        "BoringSSL unavailable: " + (cause == null ? "no ALPN" : cause));
            }
            default -> throw new IllegalArgumentException("-D" + PROPERTY + " must be auto, openssl or jdk, not "
                    + wanted);
        }
    }
}
